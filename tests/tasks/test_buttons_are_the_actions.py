"""Every persona on a task, in every state: the buttons its page shows are exactly the actions the
services accept, and both are tasks.access.available_actions. Each action is tried through its
service and rolled back, so what is offered and what is accepted are checked one against the other."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse

from accounts.models import Role
from core.errors import ConflictError
from tasks import services
from tasks.access import ACTION_STATES, available_actions
from tasks.models import ExtensionRequest, ExtensionStatus, Task
from tests.clients import Client
from tests.factories import RoleFactory, UserFactory
from tests.tasks.conftest import pdf

pytestmark = pytest.mark.django_db

STATES = ["draft", "assigned", "in_progress", "submitted", "completed", "returned", "cancelled",
          "in_progress_extension_pending"]


class _RolledBack(Exception):
    pass


def personas(world):
    monitor = UserFactory(full_name="Người theo dõi", unit=world.dept)
    deputy = UserFactory(full_name="Phó Giám đốc Sở Nội vụ", unit=world.dept)
    RoleFactory(user=deputy, unit=world.dept, role=Role.DEPUTY)
    return {"assigner (head)": world.head_dept, "lead": world.staff_division,
            "co-operating person": world.colleague_division, "monitor": monitor, "deputy": deputy,
            "outsider": world.outsider}


def task_in(world, make_task, state, monitor) -> Task:
    start = {"returned": "assigned", "cancelled": "in_progress", "in_progress_extension_pending": "in_progress"}
    task = make_task(status=start.get(state, state), monitor=monitor,
                     participants=[{"user": world.colleague_division, "part": "Cung cấp số liệu"}])
    if state == "returned":
        services.task_return(actor=task.lead, task=task, reason="Chưa rõ phạm vi")
    elif state == "cancelled":
        services.task_cancel(actor=world.head_dept, task=task, reason="Không còn cần")
    elif state == "in_progress_extension_pending":
        services.task_request_extension(actor=task.lead, task=task, new_deadline=task.deadline + timedelta(days=5),
                                        reason="Chờ số liệu")
    return Task.objects.get(pk=task.pk)


def attempts(task: Task, pending: ExtensionRequest | None):
    """Each action's service call, with valid input, on a fresh copy of the task."""
    later = task.deadline + timedelta(days=7)
    return {
        "edit": lambda u, t: services.task_update_draft(actor=u, task=t, data={"title": "Tên mới"}),
        "assign": lambda u, t: services.task_assign(actor=u, task=t),
        "accept": lambda u, t: services.task_accept(actor=u, task=t),
        "return": lambda u, t: services.task_return(actor=u, task=t, reason="Không thuộc thẩm quyền"),
        "report_progress": lambda u, t: services.task_report_progress(actor=u, task=t, percent=50),
        "delegate": lambda u, t: services.task_create_draft(actor=u, assigning_unit=t.lead_unit, parent=t,
                                                            data={"title": "Phần việc con"}),
        "request_extension": lambda u, t: services.task_request_extension(actor=u, task=t, new_deadline=later,
                                                                          reason="Cần thêm thời gian"),
        "decide_extension": (lambda u, t: services.task_decide_extension(actor=u, request=pending, approve=True))
        if pending else None,
        "submit": lambda u, t: services.task_submit_result(actor=u, task=t, note="Xong", files=[pdf()]),
        "approve": lambda u, t: services.task_approve(actor=u, task=t, quality="good"),
        "send_back": lambda u, t: services.task_send_back(actor=u, task=t, reason="Chưa đạt"),
        "cancel": lambda u, t: services.task_cancel(actor=u, task=t, reason="Không còn cần"),
    }


def accepted(user, task: Task, pending: ExtensionRequest | None) -> set[str]:
    taken = set()
    for action, call in attempts(task, pending).items():
        if call is None:  # nothing to decide
            continue
        try:
            with transaction.atomic():
                call(user, Task.objects.get(pk=task.pk))
                taken.add(action)
                raise _RolledBack
        except _RolledBack:
            pass
        except (PermissionDenied, ConflictError, ValidationError):
            pass
    return taken


def buttons(user, task: Task, pending: ExtensionRequest | None) -> set[str]:
    client = Client()
    client.force_login(user)
    response = client.get(reverse("tasks:detail", args=[task.pk]))
    if response.status_code == 404:
        return set()
    assert response.status_code == 200
    html = response.content.decode()
    pk = task.pk
    markers = {
        "edit": reverse("tasks:edit", args=[pk]), "assign": reverse("tasks:assign", args=[pk]),
        "accept": reverse("tasks:accept", args=[pk]), "return": reverse("tasks:return", args=[pk]),
        "report_progress": reverse("tasks:progress", args=[pk]),
        "delegate": f'{reverse("tasks:create")}?parent={pk}',
        "request_extension": reverse("tasks:extension", args=[pk]),
        "submit": reverse("tasks:submit", args=[pk]), "approve": reverse("tasks:approve", args=[pk]),
        "send_back": reverse("tasks:send_back", args=[pk]), "cancel": reverse("tasks:cancel", args=[pk]),
    }
    if pending:
        markers["decide_extension"] = reverse("tasks:decide_extension", args=[pk, pending.pk])
    return {action for action, marker in markers.items() if f'"{marker}"' in html}


def test_every_action_has_a_button_and_a_service_attempt():
    assert set(ACTION_STATES) == {"edit", "assign", "accept", "return", "report_progress", "delegate",
                                  "request_extension", "decide_extension", "submit", "approve", "send_back",
                                  "cancel"}


@pytest.mark.parametrize("state", STATES)
def test_the_buttons_shown_are_the_actions_the_services_accept(world, make_task, state):
    people = personas(world)
    task = task_in(world, make_task, state, people["monitor"])
    pending = task.extension_requests.filter(status=ExtensionStatus.PENDING).first()
    mismatches = {}
    for name, user in people.items():
        offered = available_actions(user, task)
        shown, taken = buttons(user, task, pending), accepted(user, task, pending)
        # With nothing to decide there is no decision to offer; with a request waiting, another
        # request is refused (pending_extension) and its button hidden.
        expected = set(offered) - ({"request_extension"} if pending else {"decide_extension"})
        if not (shown == taken == expected):
            mismatches[name] = {"shown": sorted(shown), "accepted": sorted(taken), "available": sorted(expected)}
    assert not mismatches, mismatches
    assert Task.objects.get(pk=task.pk).status == task.status  # every attempt was rolled back


def test_the_walk_covers_every_persona_with_something_to_do(world, make_task):
    """The walk is not empty: the assigner, the lead and the deputy each have actions somewhere."""
    people = personas(world)
    offered = {name: set() for name in people}
    for state in ("draft", "assigned", "in_progress", "submitted"):
        task = task_in(world, make_task, state, people["monitor"])
        for name, user in people.items():
            offered[name] |= available_actions(user, task)
    assert offered["assigner (head)"] >= {"edit", "assign", "cancel", "approve", "send_back", "decide_extension"}
    assert offered["lead"] >= {"accept", "return", "report_progress", "delegate", "request_extension", "submit"}
    assert offered["deputy"] >= {"approve", "send_back", "cancel"}
    assert not offered["co-operating person"] | offered["monitor"] | offered["outsider"]
