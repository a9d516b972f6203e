"""List pages and APIs use a fixed number of queries whatever the page size."""

import pytest
from django.urls import reverse

from tests.factories import UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def many(world):
    for i in range(55):
        unit = UnitFactory(parent=world.dept, code=f"M{i}")
        UserFactory(unit=unit, full_name=f"Nguyễn Thị Số {i}")
        UserFactory(unit=unit, full_name=f"Trần Văn Số {i}")
    return world


# Queries, in order: session, user (with the stamp of the scope the session keeps, so neither the
# roles nor the grants are read again), count for the paginator, the page itself.
PEOPLE_PAGE_QUERIES = 4


@pytest.mark.parametrize("size", [20, 100])
def test_person_list_page_queries(client, many, django_assert_num_queries, size):
    client.force_login(many.head_dept)
    with django_assert_num_queries(PEOPLE_PAGE_QUERIES):
        response = client.get(reverse("accounts:person_list"), {"size": size}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response.content.decode().count("<tr>") == size + 1  # rows + header


@pytest.mark.parametrize("size", [20, 100])
def test_person_list_api_queries(client, many, django_assert_num_queries, size):
    client.force_login(many.head_dept)
    # session, user, count, page (unit joined)
    with django_assert_num_queries(4):
        response = client.get(reverse("api:person-list"), {"page_size": size})
    assert len(response.json()["results"]) == size


@pytest.mark.parametrize("size", [20, 50])
def test_unit_list_api_queries(client, many, django_assert_num_queries, size):
    client.force_login(many.head_dept)
    # session, user, count, page, parents of the page
    with django_assert_num_queries(5):
        response = client.get(reverse("api:unit-list"), {"page_size": size})
    assert len(response.json()["results"]) == size


@pytest.mark.parametrize("size", [20, 50])
def test_unit_list_page_queries(client, many, django_assert_num_queries, size):
    client.force_login(many.head_dept)
    # session, user, count, page (organisation joined)
    with django_assert_num_queries(4):
        response = client.get(reverse("accounts:unit_list"), {"size": size}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
