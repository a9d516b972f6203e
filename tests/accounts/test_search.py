"""Search ignores Vietnamese diacritics, on SQLite and PostgreSQL alike."""

import pytest
from django.urls import reverse

from accounts.selectors import person_list_for_user, unit_list_for_user
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("query", ["nguyen van a", "Nguyễn Văn A", "NGUYEN VAN", "van a"])
def test_people_search_ignores_diacritics(world, query):
    found = set(person_list_for_user(world.admin_a, search=query).values_list("full_name", flat=True))
    assert "Nguyễn Văn A" in found
    assert "Trần Thị Bích" not in found


def test_unit_search_finds_dak_lak(world):
    UnitFactory(parent=world.province, code="DL", name="Ban Dân tộc Đắk Lắk")
    found = set(unit_list_for_user(world.admin_a, search="dak lak").values_list("name", flat=True))
    assert found == {"UBND tỉnh Đắk Lắk", "Ban Dân tộc Đắk Lắk"}


def test_search_stays_within_scope(world):
    # The outsider's organisation has nobody called that, and the head of a sibling cannot find them.
    assert not person_list_for_user(world.head_sibling, search="nguyen van a").exists()


def test_search_page_and_api(client, world):
    client.force_login(world.head_dept)
    page = client.get(reverse("accounts:person_list"), {"q": "nguyen van a"})
    assert "Nguyễn Văn A" in page.content.decode() and "Trần Thị Bích" not in page.content.decode()
    api = client.get(reverse("api:person-list"), {"q": "tran thi bich"}).json()
    assert [p["full_name"] for p in api["results"]] == ["Trần Thị Bích"]


def test_htmx_search_returns_only_the_rows_fragment(client, world):
    client.force_login(world.head_dept)
    response = client.get(reverse("accounts:person_list"), {"q": "nguyen"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "Nguyễn Văn A" in body and "<html" not in body and 'id="results"' not in body
