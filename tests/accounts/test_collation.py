"""Names sort the Vietnamese way on both databases: "Đ" after "D" and before "E", "Ă"/"Â" after "A"."""

from accounts.collation import sort_key
from accounts.models import User
from accounts.selectors import person_list_for_user
from tests.factories import UserFactory

NAMES_IN_ORDER = ["An Văn Bình", "Âu Thị Cúc", "Dương Văn Hải", "Đặng Thị Lan", "Đỗ Văn Minh", "Lê Văn Tám",
                  "Ông Văn Sơn", "Ưng Thị Hoa", "Vũ Văn Vinh"]


def test_the_python_rules_put_d_with_stroke_between_d_and_e():
    assert sorted(["Vũ", "Đỗ", "Dương", "Ê-đê", "Em"], key=sort_key) == ["Dương", "Đỗ", "Em", "Ê-đê", "Vũ"]
    assert sorted(["Ánh", "Ăn", "Anh", "Ân"], key=sort_key) == ["Anh", "Ánh", "Ăn", "Ân"]


def test_people_are_listed_in_vietnamese_order(world):
    unit = world.sub_division
    for name in reversed(NAMES_IN_ORDER):
        UserFactory(full_name=name, unit=unit)
    listed = [p.full_name for p in person_list_for_user(world.admin_a, unit=unit)]
    assert listed == NAMES_IN_ORDER


def test_the_default_order_of_people_is_vietnamese(world):
    for name in ("Vũ Văn Vinh", "Đặng Thị Lan", "Dương Văn Hải", "Em Văn Út"):
        UserFactory(full_name=name, unit=world.sub_division)
    names = list(User.objects.filter(unit=world.sub_division).values_list("full_name", flat=True))
    assert names == ["Dương Văn Hải", "Đặng Thị Lan", "Em Văn Út", "Vũ Văn Vinh"]
