"""Task texts read as people write them: a recurring task's period ("tháng 12/2026", not its key),
a deadline time first ("14:30 02/12/2026", the pages' order)."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone, translation

from core.dates import show_datetime
from notifications.models import Notification
from tasks import services
from tasks.jobs import generate_recurring
from tasks.models import Frequency, Recurrence, TaskEvent
from tasks.recurrence import period_label

pytestmark = pytest.mark.django_db


def test_a_recurring_task_names_its_period_as_people_write_it(world, make_task):
    template = make_task(title="Báo cáo tháng")
    today = timezone.localdate()
    Recurrence.objects.create(template=template, frequency=Frequency.MONTHLY, due_day=min((today + timedelta(days=3)).day, 28),
                              assign_days_before=40, starts_on=today)
    generate_recurring(today)
    note = TaskEvent.objects.filter(task__recurrence__template=template, action="create").first().note
    assert re.fullmatch(r"Nhiệm vụ định kỳ tháng \d{2}/\d{4}", note), note
    with translation.override("vi"):
        assert period_label("2026-Q4") == "quý IV/2026" and period_label("2026-W09") == "tuần 09/2026"


def test_the_assignment_notice_writes_the_deadline_time_first(world, make_task):
    task = make_task()
    services.task_assign(actor=world.head_dept, task=task)
    notice = Notification.objects.filter(recipient=world.staff_division).latest("id").message
    assert f"(hạn {show_datetime(task.deadline)})" in notice
