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
    # the UPDATE (returning the rows it marked), the heads, the content type, two counts and the bulk insert
    with django_assert_max_num_queries(8):
        assert mark_overdue() == 30


def test_the_notices_of_one_run_follow_the_deadlines(world, make_task):
    tasks = [make_task(status="in_progress", title=f"Việc {i}") for i in range(3)]
    for minutes, task in zip((5, 30, 15), tasks):
        overdue_by(task, timedelta(minutes=minutes))
    assert mark_overdue() == 3
    notified = list(Notification.objects.filter(verb="task.overdue").order_by("id").values_list("target_id", flat=True))
    assert notified == [tasks[1].pk, tasks[2].pk, tasks[0].pk]
    message = Notification.objects.get(verb="task.overdue", target_id=tasks[0].pk).message
    assert timezone.localtime(Task.objects.get(pk=tasks[0].pk).deadline).strftime("%H:%M %d/%m/%Y") in message


@pytest.mark.postgres
def test_the_overdue_mark_can_be_a_heap_only_update_on_postgresql():
    """The mark sets a column that no index of the task table holds (as a key, an expression or a
    condition), and the table leaves room on its pages: PostgreSQL writes the marked row beside the
    old one (HOT) and none of the table's indexes, wherever the page has room for it."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = 'tasks_task'")
        assert "fillfactor=90" in cursor.fetchone()[0]
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'tasks_task'")
        indexes = cursor.fetchall()
    assert len(indexes) > 10
    assert [name for name, definition in indexes if "overdue_marked_at" in definition] == []


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
