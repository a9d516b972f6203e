from datetime import date, time, timedelta

import pytest
from django.utils import timezone

from tasks.jobs import generate_recurring
from tasks.models import Frequency, Recurrence, Task, TaskStatus
from tasks.recurrence import due_dates

pytestmark = pytest.mark.django_db


def test_due_dates_monthly_quarterly_weekly():
    monthly = Recurrence(frequency=Frequency.MONTHLY, due_day=20, due_time=time(17))
    assert [p for p, _ in due_dates(monthly, date(2026, 11, 1), date(2027, 1, 31))] == ["2026-11", "2026-12", "2027-01"]
    quarterly = Recurrence(frequency=Frequency.QUARTERLY, due_day=15, due_time=time(17))
    assert [p for p, _ in due_dates(quarterly, date(2026, 1, 1), date(2026, 12, 31))] == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
    weekly = Recurrence(frequency=Frequency.WEEKLY, due_day=5, due_time=time(16))
    dates = due_dates(weekly, date(2026, 11, 16), date(2026, 11, 30))
    assert [d.date() for _, d in dates] == [date(2026, 11, 20), date(2026, 11, 27)]
    assert timezone.localtime(dates[0][1]).hour == 16


def test_recurring_task_is_generated_once_per_period(world, make_task):
    template = make_task(title="Báo cáo tháng")
    today = timezone.localdate()
    due_day = min((today + timedelta(days=3)).day, 28)
    Recurrence.objects.create(template=template, frequency=Frequency.MONTHLY, due_day=due_day, assign_days_before=40,
                              starts_on=today)
    first = generate_recurring(today)
    assert first >= 1
    occurrences = Task.objects.filter(recurrence__template=template)
    assert occurrences.count() == first
    assert all(t.status == TaskStatus.ASSIGNED and t.lead == world.staff_division for t in occurrences)
    assert generate_recurring(today) == 0  # a second run creates nothing
    assert occurrences.count() == first
    template.refresh_from_db()
    assert template.status == TaskStatus.DRAFT  # the template itself is never assigned


def test_a_rule_whose_assigner_lost_the_role_generates_nothing(world, make_task):
    from accounts.models import RoleAssignment

    template = make_task(title="Báo cáo tuần")
    Recurrence.objects.create(template=template, frequency=Frequency.WEEKLY, due_day=5, assign_days_before=14,
                              starts_on=timezone.localdate())
    RoleAssignment.objects.filter(user=world.head_dept).update(valid_to=timezone.localdate() - timedelta(days=1))
    assert generate_recurring() == 0
