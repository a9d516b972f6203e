from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from notifications.jobs import send_pending_emails
from notifications.models import Notification
from tasks import services
from tasks.jobs import deadline_reminders, mark_overdue
from tasks.models import Task
from tests.factories import RoleFactory

pytestmark = pytest.mark.django_db


def overdue_by(task, delta):
    Task.objects.filter(pk=task.pk).update(deadline=timezone.now() - delta)


def test_mark_overdue_marks_notifies_and_escalates_once(world, make_task):
    head_of_division = RoleFactory(unit=world.division, role="head").user
    late = make_task(status="in_progress")
    overdue_by(late, timedelta(hours=2))
    make_task(status="in_progress", title="Còn hạn")
    done = make_task(status="completed")
    overdue_by(done, timedelta(days=1))

    assert mark_overdue() == 1
    late.refresh_from_db()
    assert late.overdue_marked_at is not None
    assert set(Notification.objects.filter(verb="task.overdue").values_list("recipient", flat=True)) == {world.staff_division.pk}
    assert set(Notification.objects.filter(verb="task.escalated").values_list("recipient", flat=True)) == {head_of_division.pk}

    before = Notification.objects.count()
    assert mark_overdue() == 0  # a second run changes and sends nothing
    assert Notification.objects.count() == before


def test_mark_overdue_is_one_statement_whatever_the_number_of_tasks(world, make_task, django_assert_max_num_queries):
    for i in range(30):
        task = make_task(status="in_progress", title=f"Việc {i}")
        overdue_by(task, timedelta(minutes=5))
    # the UPDATE, the newly marked rows, the heads, the content type, two counts and the bulk insert
    with django_assert_max_num_queries(9):
        assert mark_overdue() == 30


def test_a_submitted_in_time_result_is_not_marked_overdue(world, make_task):
    task = make_task(status="submitted")
    Task.objects.filter(pk=task.pk).update(deadline=task.submitted_at + timedelta(seconds=1))
    Task.objects.filter(pk=task.pk).update(deadline=timezone.now() - timedelta(minutes=1),
                                           submitted_at=timezone.now() - timedelta(minutes=2))
    assert mark_overdue() == 0


def test_after_an_extension_a_new_overdue_is_notified_again(world, make_task):
    task = make_task(status="in_progress")
    request = services.task_request_extension(actor=world.staff_division, task=task,
                                              new_deadline=task.deadline + timedelta(days=1), reason="Lý do")
    services.task_decide_extension(actor=world.head_dept, request=request, approve=True)
    overdue_by(task, timedelta(hours=1))
    assert mark_overdue() == 1
    task.refresh_from_db()
    Task.objects.filter(pk=task.pk).update(overdue_marked_at=None, deadline=task.deadline - timedelta(minutes=1))
    assert mark_overdue() == 1
    assert Notification.objects.filter(verb="task.overdue", target_id=task.pk).count() == 2


def test_reminders_before_and_on_the_day_are_sent_once(world, make_task):
    now = timezone.now()
    soon = make_task(status="in_progress", deadline=now + timedelta(days=2))
    today = make_task(status="assigned", title="Hôm nay", deadline=now + timedelta(minutes=30))
    make_task(status="in_progress", title="Còn xa", deadline=now + timedelta(days=20))
    sent = deadline_reminders(now)
    verbs = dict(Notification.objects.filter(verb__startswith="task.reminder").values_list("target_id", "verb"))
    if timezone.localdate(today.deadline) == timezone.localdate(now):
        assert verbs[today.pk] == "task.reminder_today"
    assert verbs[soon.pk] == "task.reminder_soon" and sent == 2
    assert deadline_reminders(now) == 0
    assert Notification.objects.filter(verb__startswith="task.reminder").count() == 2


def test_pending_emails_job_sends_bulk_notifications(world, make_task):
    task = make_task(status="in_progress")
    overdue_by(task, timedelta(hours=1))
    Notification.objects.update(emailed_at=timezone.now())  # earlier ones went out on commit
    mark_overdue()
    mail.outbox.clear()
    assert send_pending_emails() == 1
    assert mail.outbox[0].to == [world.staff_division.email]
    assert send_pending_emails() == 0
