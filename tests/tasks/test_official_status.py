"""Official statuses by QĐ 42/2014, in Python and in SQL (they must agree)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.errors import ConflictError
from tasks import services
from tasks.models import ExtensionStatus, Task
from tasks.status import (
    DONE_LATE,
    DONE_ON_TIME,
    DONE_ON_TIME_EXTENDED,
    OPEN_OVERDUE,
    OPEN_WITHIN,
    official_status,
    official_status_expression,
)
from tests.tasks.conftest import pdf

pytestmark = pytest.mark.django_db


def both(task, now=None):
    """The status computed in Python and by the database expression."""
    in_db = Task.objects.annotate(official=official_status_expression(now)).get(pk=task.pk).official
    in_python = official_status(Task.objects.get(pk=task.pk), now)
    assert in_db == in_python
    return in_python


def set_times(task, **fields):
    Task.objects.filter(pk=task.pk).update(**fields)
    task.refresh_from_db()


def test_finished_one_minute_after_the_deadline_is_late(world, make_task):
    task = make_task(status="completed")
    set_times(task, submitted_at=task.deadline + timedelta(minutes=1))
    assert both(task) == DONE_LATE


def test_finished_exactly_at_the_deadline_is_on_time(world, make_task):
    task = make_task(status="completed")
    set_times(task, submitted_at=task.deadline)
    assert both(task) == DONE_ON_TIME


def test_open_task_one_minute_past_its_deadline_is_overdue(world, make_task):
    task = make_task(status="in_progress")
    assert both(task, task.deadline - timedelta(minutes=1)) == OPEN_WITHIN
    assert both(task, task.deadline + timedelta(minutes=1)) == OPEN_OVERDUE


def test_an_approved_extension_turns_overdue_back_to_within_deadline(world, make_task):
    task = make_task(status="in_progress")
    request = services.task_request_extension(actor=world.staff_division, task=task,
                                              new_deadline=task.deadline + timedelta(days=10), reason="Chờ ý kiến Bộ")
    later = task.deadline + timedelta(days=1)  # the decision comes after the old deadline passed
    assert both(task, later) == OPEN_OVERDUE
    services.task_decide_extension(actor=world.head_dept, request=request, approve=True)
    assert both(task, later) == OPEN_WITHIN


def test_done_after_extension_is_reported_apart(world, make_task):
    task = make_task(status="in_progress")
    request = services.task_request_extension(actor=world.staff_division, task=task,
                                              new_deadline=task.deadline + timedelta(days=5), reason="Lý do")
    services.task_decide_extension(actor=world.head_dept, request=request, approve=True)
    services.task_submit_result(actor=world.staff_division, task=task, note="Xong", files=[pdf()])
    services.task_approve(actor=world.head_dept, task=task, quality="good")
    set_times(task, submitted_at=task.original_deadline + timedelta(days=2))  # after the original, before the new
    assert both(task) == DONE_ON_TIME_EXTENDED


def test_submitted_in_time_and_approved_later_is_on_time(world, make_task):
    task = make_task(status="submitted")
    set_times(task, submitted_at=task.deadline - timedelta(hours=1))
    assert both(task, task.deadline + timedelta(days=3)) == OPEN_WITHIN  # awaiting judgement, not the lead's delay
    services.task_approve(actor=world.head_dept, task=task, quality="pass")
    set_times(task, completed_at=task.deadline + timedelta(days=3))
    assert both(task) == DONE_ON_TIME


def test_statuses_of_a_mixed_set_count_like_the_official_report(world, make_task):
    """A small version of report 1270/BC-TCTTTg: done on time / late, not done within / overdue."""
    from collections import Counter

    now = timezone.now()
    late = make_task(status="completed")
    set_times(late, submitted_at=late.deadline + timedelta(hours=2))
    make_task(status="completed")
    overdue = make_task(status="in_progress")
    set_times(overdue, deadline=now - timedelta(days=1))
    make_task(status="assigned")
    make_task()  # a draft is not counted
    counts = Counter(Task.objects.annotate(o=official_status_expression(now)).values_list("o", flat=True))
    assert (counts[DONE_ON_TIME], counts[DONE_LATE], counts[OPEN_WITHIN], counts[OPEN_OVERDUE]) == (1, 1, 1, 1)


def test_a_result_in_time_settles_the_pending_extension_and_stays_on_time(world, make_task):
    """Submitted before the original deadline while an extension waited: the request is settled by the
    result (nobody can approve it afterwards) and the task is done on time, not "after extension"."""
    task = make_task(status="in_progress")
    request = services.task_request_extension(actor=world.staff_division, task=task,
                                              new_deadline=task.deadline + timedelta(days=5), reason="Chờ số liệu")
    services.task_submit_result(actor=world.staff_division, task=task, note="Xong sớm", files=[pdf()])
    request.refresh_from_db()
    assert request.status == ExtensionStatus.SETTLED and request.decided_at is not None
    with pytest.raises(ConflictError):
        services.task_decide_extension(actor=world.head_dept, request=request, approve=True)
    services.task_approve(actor=world.head_dept, task=task, quality="good")
    task.refresh_from_db()
    assert not task.extended and task.deadline == task.original_deadline
    assert both(task) == DONE_ON_TIME


def test_an_extension_granted_but_not_needed_is_on_time(world, make_task):
    """An extension granted earlier, and the result still came before the original deadline: on time."""
    task = make_task(status="in_progress")
    request = services.task_request_extension(actor=world.staff_division, task=task,
                                              new_deadline=task.deadline + timedelta(days=5), reason="Lý do")
    services.task_decide_extension(actor=world.head_dept, request=request, approve=True)
    services.task_submit_result(actor=world.staff_division, task=task, note="Xong", files=[pdf()])
    services.task_approve(actor=world.head_dept, task=task, quality="good")
    assert both(task) == DONE_ON_TIME
    set_times(task, submitted_at=task.original_deadline + timedelta(minutes=1))
    assert both(task) == DONE_ON_TIME_EXTENDED  # it needed the extension
