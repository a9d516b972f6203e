"""Refusals are told in Vietnamese, naming what is wrong; API keys and codes stay stable."""

import pytest
from django.urls import reverse

from tasks.models import Task
from tests.tasks.test_api import payload
from tests.tasks.test_pages import form_data

pytestmark = pytest.mark.django_db


def test_a_lead_outside_ones_unit_is_refused_in_vietnamese_by_the_api(client, world):
    client.force_login(world.head_dept)
    response = client.post(reverse("api:task-list"), payload(world, lead=world.member_sibling.pk),
                           content_type="application/json")
    assert response.status_code == 400
    assert response.json()["lead"] == ["Người chủ trì phải thuộc đơn vị của bạn."]
    assert not Task.objects.exists()


def test_a_lead_outside_ones_unit_is_refused_in_vietnamese_by_the_form(client, world):
    client.force_login(world.head_dept)
    response = client.post(reverse("tasks:create"), form_data(world, lead=world.member_sibling))
    assert response.context["form"].errors["lead"] == ["Người chủ trì phải thuộc đơn vị của bạn."]


def test_an_unknown_co_operating_person_is_named_in_vietnamese(client, world):
    client.force_login(world.head_dept)
    response = client.post(reverse("api:task-list"), payload(world, participants=[{"user": 999999, "part": "x"}]),
                           content_type="application/json")
    assert response.status_code == 400
    message = response.json()["participants"]["0"]["user"][0]
    assert message == "Hãy chọn một người thuộc các đơn vị của bạn (người số “999999” không thuộc phạm vi này)."


def test_the_gate_names_the_missing_ro_in_vietnamese_and_keeps_its_codes(client, world):
    client.force_login(world.head_dept)
    created = client.post(reverse("api:task-list"), payload(world, expected_result="", process_description=""),
                          content_type="application/json").json()
    body = client.post(reverse("api:task-assign", args=[created["id"]])).json()
    assert body["clarity"] == ["Chưa rõ: quy trình, kết quả."]
    assert {"clarity.process", "clarity.result"} <= set(body)


def test_approving_with_fail_is_refused_in_vietnamese(client, world, make_task):
    task = make_task(status="submitted")
    client.force_login(world.head_dept)
    response = client.post(reverse("api:task-approve", args=[task.pk]), {"quality": "fail"},
                           content_type="application/json")
    assert response.status_code == 400
    assert response.json()["quality"] == [
        "“fail” không phải là mức chất lượng để phê duyệt kết quả; kết quả chưa đạt thì trả lại để làm lại."]


def test_drf_messages_are_translated(client, world):
    client.force_login(world.head_dept)
    response = client.post(reverse("api:task-list"), payload(world, deadline="ngày mai", title=""),
                           content_type="application/json")
    body = response.json()
    assert body["title"] == ["Trường này không được bỏ trống."]
    assert body["deadline"][0].startswith("Ngày giờ sai định dạng.")
