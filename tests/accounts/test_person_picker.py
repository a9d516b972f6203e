"""Choosing a person: a search box (diacritics ignored) whose answers show position, unit and code,
homonyms told apart, in Vietnamese order — the same widget on the task, finding and discipline forms."""

import re

import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def search(client, q, **params):
    response = client.get(reverse("accounts:person_search"), {"q": q, "name": "lead", **params})
    assert response.status_code == 200
    return response.content.decode()


def names_in(body):
    return re.findall(r"<strong>([^<]+)</strong>", body)


def test_the_task_form_offers_a_search_box_not_a_list_of_every_name(client, world):
    client.force_login(world.head_dept)
    body = client.get(reverse("tasks:create")).content.decode()
    assert 'data-testid="person-picker-lead"' in body and 'data-testid="person-picker-monitor"' in body
    assert 'data-testid="person-picker-p-0-user"' in body
    assert '<select name="lead"' not in body and "Nguyễn Văn A" not in body  # nobody is listed before a search


def test_search_ignores_diacritics_and_shows_position_unit_and_code(client, world):
    world.staff_division.position = "Chuyên viên"
    world.staff_division.employee_code = "NV-0001"
    world.staff_division.save()
    client.force_login(world.head_dept)
    body = search(client, "nguyen van a")
    assert names_in(body) == ["Nguyễn Văn A"]
    assert "Chuyên viên · Phòng Tổ chức · NV-0001" in body
    assert f'name="lead" value="{world.staff_division.pk}"' in body


def test_homonyms_are_told_apart_by_unit_and_code(client, world):
    twin = UserFactory(full_name="Nguyễn Văn A", unit=world.sub_division, position="Chuyên viên",
                       employee_code="NV-0002")
    client.force_login(world.head_dept)
    body = search(client, "Nguyễn Văn A")
    assert names_in(body) == ["Nguyễn Văn A", "Nguyễn Văn A"]
    assert "Tổ Biên chế · NV-0002" in body and "Phòng Tổ chức" in body and f'value="{twin.pk}"' in body


def test_answers_are_in_vietnamese_order(client, world):
    for name in ("Vũ Thị Tuyết", "Đỗ Thị Tuyết", "Dương Thị Tuyết", "Em Thị Tuyết"):
        UserFactory(full_name=name, unit=world.division)
    client.force_login(world.head_dept)
    assert names_in(search(client, "thi tuyet")) == ["Dương Thị Tuyết", "Đỗ Thị Tuyết", "Em Thị Tuyết", "Vũ Thị Tuyết"]


def test_the_lead_search_stays_within_the_assigning_unit_and_the_users_scope(client, world):
    client.force_login(world.head_dept)
    assert names_in(search(client, "ho thanh tam")) == []  # another department: not visible to this head
    assert names_in(search(client, "nguyen van a", within=world.division.pk)) == ["Nguyễn Văn A"]
    assert names_in(search(client, "nguyen van a", within=world.sub_division.pk)) == []
    # a unit outside the user's scope is not found
    assert client.get(reverse("accounts:person_search"), {"q": "ho", "within": world.sibling.pk}).status_code == 404


def test_one_letter_finds_nobody_and_says_nothing(client, world):
    client.force_login(world.head_dept)
    assert names_in(search(client, "n")) == [] and "Nobody" not in search(client, "n")


def test_the_chosen_lead_is_shown_again_when_the_form_comes_back_with_an_error(client, world):
    from tests.tasks.test_pages import form_data

    client.force_login(world.head_dept)
    post = form_data(world, title="")
    post["deadline"] = "không phải ngày"
    body = client.post(reverse("tasks:create"), post).content.decode()
    assert f'name="lead" value="{world.staff_division.pk}" checked' in body


def test_the_finding_and_discipline_forms_use_the_same_widget(client, world):
    client.force_login(world.head_dept)
    body = client.get(reverse("inspections:decision_create")).content.decode()
    assert 'data-testid="person-picker-subject"' in body
