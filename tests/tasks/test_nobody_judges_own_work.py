"""Nobody judges their own work (DOMAIN.md §3; the security issue's "people can raise their own
rating"): a head who assigns a task to themselves, accepts and submits it, cannot approve it, send
it back or decide its extension — not through the API, not through the page — and neither can a
deputy of the same unit; the manager of the unit above can. The page's buttons, the API's
`actions` and what the action endpoints accept are one answer (tasks.access.available_actions)."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from tasks import access, services
from tasks.access import available_actions
from tasks.models import ExtensionRequest, Task, TaskStatus
from tests.clients import Client
from tests.factories import RoleFactory, UserFactory
from tests.tasks.conftest import pdf
from tests.tasks.test_api import payload

pytestmark = pytest.mark.django_db

JUDGING = {"approve", "send_back"}


@pytest.fixture
def leaders(world):
    """The province's chair (the manager above the department) and a deputy of the department."""
    chair = UserFactory(full_name="Chủ tịch UBND tỉnh", unit=world.province)
    RoleFactory(user=chair, unit=world.province, role=Role.HEAD)
    deputy = UserFactory(full_name="Phó Giám đốc Sở Nội vụ", unit=world.dept)
    RoleFactory(user=deputy, unit=world.dept, role=Role.DEPUTY)
    return chair, deputy


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def self_led_task(world, *, upto="submitted") -> int:
    """Through the API: the head assigns a task to themselves, accepts it and submits it (`upto`)."""
    head = signed_in(world.head_dept)
    created = head.post(reverse("api:task-list"), payload(world, lead=world.head_dept.pk, participants=[]),
                        content_type="application/json")
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assert head.post(reverse("api:task-assign", args=[pk])).status_code == 200
    if upto == "assigned":
        return pk
    assert head.post(reverse("api:task-accept", args=[pk])).status_code == 200
    if upto == "submitted":
        response = head.post(reverse("api:task-submit", args=[pk]), {"note": "Xong", "files": [pdf()]})
        assert response.status_code == 200 and response.json()["status"] == "submitted"
    return pk


def page_forms(client, pk) -> str:
    response = client.get(reverse("tasks:detail", args=[pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_head_cannot_approve_or_send_back_their_own_task_the_manager_above_can(world, leaders):
    chair, deputy = leaders
    pk = self_led_task(world)
    approve, send_back = reverse("api:task-approve", args=[pk]), reverse("api:task-send-back", args=[pk])
    for judge in (world.head_dept, deputy):  # the lead, and a deputy of the lead's own unit
        client = signed_in(judge)
        assert client.post(approve, {"quality": "excellent"}, content_type="application/json").status_code == 403
        assert client.post(send_back, {"reason": "Làm lại"}, content_type="application/json").status_code == 403
        detail = client.get(reverse("api:task-detail", args=[pk])).json()
        assert not JUDGING & set(detail["actions"])
        html = page_forms(client, pk)
        assert reverse("tasks:approve", args=[pk]) not in html and reverse("tasks:send_back", args=[pk]) not in html
        assert client.post(reverse("tasks:approve", args=[pk]), {"approve-quality": "excellent"}).status_code == 403
        assert client.post(reverse("tasks:send_back", args=[pk]), {"send_back-reason": "x"}).status_code == 403
    assert Task.objects.get(pk=pk).status == "submitted" and not Task.objects.get(pk=pk).quality

    client = signed_in(chair)
    assert JUDGING <= set(client.get(reverse("api:task-detail", args=[pk])).json()["actions"])
    html = page_forms(client, pk)
    assert reverse("tasks:approve", args=[pk]) in html and reverse("tasks:send_back", args=[pk]) in html
    response = client.post(send_back, {"reason": "Bổ sung số liệu"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "in_progress"
    head = signed_in(world.head_dept)
    head.post(reverse("api:task-submit", args=[pk]), {"note": "Đã bổ sung", "files": [pdf()]})
    response = client.post(approve, {"quality": "excellent"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "completed"
    assert response.json()["quality"] == "excellent"
    assert Task.objects.get(pk=pk).events.get(action="approve").actor == chair


def test_the_head_cannot_decide_the_extension_of_their_own_task_the_manager_above_can(world, leaders):
    chair, deputy = leaders
    pk = self_led_task(world, upto="in_progress")
    head = signed_in(world.head_dept)
    asked = head.post(reverse("api:task-extension", args=[pk]), {
        "new_deadline": (timezone.now() + timedelta(days=30)).isoformat(), "reason": "Chờ số liệu của các sở"},
        content_type="application/json")
    assert asked.status_code == 200
    request = ExtensionRequest.objects.get(task_id=pk)
    decide = reverse("api:task-decide-extension", args=[pk, request.pk])
    page_decide = reverse("tasks:decide_extension", args=[pk, request.pk])
    for judge in (world.head_dept, deputy):
        client = signed_in(judge)
        assert client.post(decide, {"approve": True}, content_type="application/json").status_code == 403
        assert "decide_extension" not in client.get(reverse("api:task-detail", args=[pk])).json()["actions"]
        assert page_decide not in page_forms(client, pk)
        assert client.post(page_decide, {"decision-approve": "yes"}).status_code == 403
    request.refresh_from_db()
    assert request.status == "pending"

    client = signed_in(chair)
    assert "decide_extension" in client.get(reverse("api:task-detail", args=[pk])).json()["actions"]
    assert page_decide in page_forms(client, pk)
    response = client.post(decide, {"approve": True}, content_type="application/json")
    assert response.status_code == 200 and response.json()["extended"] is True


def test_a_deputy_led_task_is_judged_from_above_not_by_the_deputys_head(world, leaders, make_task):
    """The head and the deputies of one unit are peers here: a task assigned by the head to their
    deputy is the deputy's as an assigning authority too, so it is judged from the unit above."""
    chair, deputy = leaders
    task = make_task(status="submitted", lead=deputy)
    for peer in (world.head_dept, deputy):
        with pytest.raises(PermissionDenied):
            services.task_approve(actor=peer, task=task, quality="excellent")
    assert not JUDGING & access.available_actions(world.head_dept, task)
    assert not JUDGING & access.available_actions(deputy, task)
    assert JUDGING <= access.available_actions(chair, task)
    services.task_approve(actor=chair, task=task, quality="good")
    assert task.status == "completed"


def test_an_ordinary_task_is_still_judged_by_the_head_and_deputies(world, leaders, make_task):
    chair, deputy = leaders
    task = make_task(status="submitted")  # led by an official of a division below
    for judge in (world.head_dept, deputy, chair):
        assert JUDGING <= access.available_actions(judge, task)
    assert not JUDGING & access.available_actions(world.staff_division, task)


@pytest.mark.parametrize("persona", ["head_dept", "deputy", "chair", "staff_division"])
@pytest.mark.parametrize("state", ["assigned", "in_progress", "submitted"])
def test_the_page_the_api_and_the_endpoints_agree(world, leaders, persona, state):
    """For each persona and state, the actions the page offers are those the API lists, and every
    judging endpoint answers 403 exactly when the action is not listed."""
    chair, deputy = leaders
    user = {"head_dept": world.head_dept, "deputy": deputy, "chair": chair,
            "staff_division": world.staff_division}[persona]
    pk = self_led_task(world, upto=state)
    client = signed_in(user)
    detail = client.get(reverse("api:task-detail", args=[pk]))
    if detail.status_code == 404:
        assert persona == "staff_division"  # an official of a division below does not see the head's task
        return
    listed = set(detail.json()["actions"])
    html = page_forms(client, pk)
    buttons = {"approve": "tasks:approve", "send_back": "tasks:send_back", "accept": "tasks:accept",
               "submit": "tasks:submit", "report_progress": "tasks:progress", "cancel": "tasks:cancel",
               "request_extension": "tasks:extension", "return": "tasks:return"}
    for action, name in buttons.items():
        assert (reverse(name, args=[pk]) in html) == (action in listed), action
    # Not listed: 403 when it is not theirs to do, 409 when it is theirs but not in this state.
    theirs = access.can(user, Task.objects.select_related("lead", "assigning_unit").get(pk=pk), "approve")
    answer = client.post(reverse("api:task-approve", args=[pk]), {"quality": "good"}, content_type="application/json")
    assert answer.status_code == (200 if "approve" in listed else 409 if theirs else 403)
    assert theirs == (persona == "chair")


def test_the_lead_of_a_self_led_task_does_not_cancel_it_once_assigned(world, make_task):
    """A head who leads their own task cannot make its delay disappear by cancelling it; the head
    above can. A draft they lead they may still discard."""
    draft = make_task(lead=world.head_dept)
    assert "cancel" in available_actions(world.head_dept, draft)
    task = make_task(status="assigned", lead=world.head_dept, title="Việc tự chủ trì")
    assert "cancel" not in available_actions(world.head_dept, task)
    with pytest.raises(PermissionDenied):
        services.task_cancel(actor=world.head_dept, task=task, reason="Không cần nữa")
    above = UserFactory(full_name="Chủ tịch UBND tỉnh", unit=world.province)
    RoleFactory(user=above, unit=world.province, role=Role.HEAD)
    assert "cancel" in available_actions(above, task)
    services.task_cancel(actor=above, task=task, reason="Không còn phù hợp")
    assert task.status == TaskStatus.CANCELLED
