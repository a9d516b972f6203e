from hypothesis import given
from hypothesis import strategies as st

from core.text import fold


def test_fold_vietnamese():
    assert fold("Nguyễn Văn A") == "nguyen van a"
    assert fold("Đắk Lắk") == "dak lak"
    assert fold("  Phường   Buôn Ma Thuột ") == "phuong buon ma thuot"
    assert fold("ĐẶNG THỊ ỨNG") == "dang thi ung"
    assert fold(None) == ""


@given(st.text())
def test_fold_is_idempotent(text):
    assert fold(fold(text)) == fold(text)
