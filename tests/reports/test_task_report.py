"""The periodic task report (QĐ 42/2014) as of a cut-off date: reconstructed from the tasks' history,
unchanged by what happens after the cut-off, equal unit by unit to an independent replay."""

from collections import Counter
from dataclasses import asdict
from datetime import date, timedelta

import pytest
from django.utils import timezone

from tasks.models import ExtensionRequest, Task, TaskEvent
from tasks.selectors import Period, PeriodKind, previous_window, task_report, unit_task_totals
from tests.reports.conftest import move_after_cut_off

pytestmark = pytest.mark.django_db


def report_for(world, h, **kwargs):
    period = Period.containing(PeriodKind.MONTH, h.period_day)
    return task_report(world.dept, period.start, period.end, h.cut_off, **kwargs)


def by_unit(report):
    return {row.unit_id: (row.assigned, row.on_time, row.on_time_extended, row.late, row.open_within,
                          row.open_overdue) for row in report.rows}


def independent_counts(unit, start, end, cut_off):
    """The counts per lead unit replayed in Python from the raw history, without the product's code:
    the state is the last event's to_status at the cut-off, the deadline the original one or the one
    granted by the last extension decided by then, the result's time the last submission by then."""
    counts = {}
    for task in Task.objects.filter(lead_unit__path__startswith=unit.path):
        events = list(TaskEvent.objects.filter(task=task, at__lte=cut_off).order_by("at", "id"))
        assigns = [e for e in TaskEvent.objects.filter(task=task, action="assign").order_by("at", "id")]
        if not events or not assigns:
            continue
        first = timezone.localdate(assigns[0].at)
        if not (start <= first <= end) or assigns[0].at > cut_off:
            continue
        status = events[-1].to_status
        if status not in ("assigned", "in_progress", "submitted", "completed"):
            continue
        granted = [r for r in ExtensionRequest.objects.filter(task=task, status="approved", decided_at__lte=cut_off)
                   .order_by("decided_at")]
        deadline = granted[-1].granted_deadline if granted else task.original_deadline
        submits = [e.at for e in events if e.action == "submit"]
        row = counts.setdefault(task.lead_unit_id, Counter())
        row["assigned"] += 1
        if status == "completed":
            done_at = submits[-1]
            if done_at <= deadline:
                row["on_time"] += 1
                if granted and done_at > task.original_deadline:
                    row["on_time_extended"] += 1
            else:
                row["late"] += 1
        elif status == "submitted" and submits[-1] <= deadline:
            row["open_within"] += 1
        elif cut_off > deadline:
            row["open_overdue"] += 1
        else:
            row["open_within"] += 1
    keys = ("assigned", "on_time", "on_time_extended", "late", "open_within", "open_overdue")
    return {unit_id: tuple(c[k] for k in keys) for unit_id, c in counts.items()}


def test_report_as_of_the_cut_off_counts_each_task_as_it_stood_then(world, history):
    report = report_for(world, history)
    rows = by_unit(report)
    #                      assigned on_time  of which ext. late  within overdue
    assert rows[world.dept.pk] == (3, 1, 1, 0, 1, 1)
    assert rows[world.division.pk] == (5, 1, 0, 1, 0, 3)
    assert rows[world.sub_division.pk] == (1, 0, 0, 0, 0, 1)
    total = report.total
    assert (total.assigned, total.on_time, total.on_time_extended, total.late, total.open_within,
            total.open_overdue) == (9, 2, 1, 1, 1, 5)
    assert total.rate == 25.0  # of the 8 come to term, 2 on time
    assert rows[world.sibling.pk] if world.sibling.pk in rows else True
    assert report.overdue_count == 5
    overdue = {item.code: item for item in report.overdue}
    assert set(overdue) == {t.code for t in (history.completes_after, history.extends_after, history.cancelled_after,
                                             history.redeadlined_after, history.directive)}
    reasons = [r["text"] for r in overdue[history.extends_after.code].reasons]
    assert reasons == ["Chờ số liệu của các xã", "Thiếu số liệu xã"]
    assert overdue[history.extends_after.code].lead == "Nguyễn Văn A"
    assert overdue[history.redeadlined_after.code].days_overdue == 61  # 60 days and the seconds the set-up took


def test_moving_tasks_after_the_cut_off_leaves_the_report_unchanged(world, history):
    before = asdict(report_for(world, history))
    live_before = unit_task_totals(world.head_dept, world.dept)
    move_after_cut_off(world, history)
    assert unit_task_totals(world.head_dept, world.dept) != live_before  # the live counts did move
    history.redeadlined_after.refresh_from_db()
    assert history.redeadlined_after.deadline > timezone.now()
    assert asdict(report_for(world, history)) == before


def test_report_equals_an_independent_replay_unit_by_unit(world, history):
    move_after_cut_off(world, history)
    report = report_for(world, history)
    period = Period.containing(PeriodKind.MONTH, history.period_day)
    expected = independent_counts(world.dept, period.start, period.end, history.cut_off)
    assert expected  # the replay found the tasks
    assert {unit_id: row for unit_id, row in by_unit(report).items() if row[0]} == expected
    # and at another cut-off, before the results of stage B
    earlier = history.cut_off - timedelta(days=15)
    report = task_report(world.dept, period.start, period.end, earlier)
    assert {u: r for u, r in by_unit(report).items() if r[0]} == independent_counts(
        world.dept, period.start, period.end, earlier)
    assert report.total.late == 0 and report.total.open_overdue == 6


def test_filtered_by_source_document(world, history):
    report = report_for(world, history, source_document="15/ct")
    assert report.total.assigned == 1 and report.total.open_overdue == 1
    assert [item.code for item in report.overdue] == [history.directive.code]


def test_the_subtree_only(world, history):
    report = task_report(world.division, date(2000, 1, 1), date(2100, 1, 1), history.cut_off)
    assert [row.unit_id for row in report.rows] == [world.division.pk, world.sub_division.pk]
    assert report.total.assigned == 6
    sibling = task_report(world.sibling, date(2000, 1, 1), date(2100, 1, 1), history.cut_off)
    assert sibling.total.assigned == 0 and sibling.overdue == []


def test_compared_with_the_previous_period(world, history):
    period = Period.containing(PeriodKind.MONTH, history.period_day)
    report = task_report(world.dept, period.start, period.end, history.cut_off, compare=True)
    assert (report.previous_start, report.previous_end) == (period.previous().start, period.previous().end)
    assert report.total.previous["assigned"] == 0
    assert report.total.delta["assigned"] == 9
    assert report.total.delta["rate"] is None  # nothing came to term before
    following = Period.containing(PeriodKind.MONTH, period.end + timedelta(days=1))
    after = task_report(world.dept, following.start, following.end, history.cut_off, compare=True)
    # The previous period (the tasks' month) is counted as far after its end as this cut-off is after
    # this period's end: before the results of stage B, all 9 tasks, none late yet.
    assert after.previous_cut_off == history.cut_off - (following.end - period.end)
    assert after.total.assigned == 0 and after.total.previous["assigned"] == 9 and after.total.delta["assigned"] == -9
    assert after.total.previous["late"] == 0


@pytest.mark.parametrize(("kind", "day", "start", "end", "before"), [
    (PeriodKind.MONTH, date(2026, 3, 15), date(2026, 3, 1), date(2026, 3, 31), (date(2026, 2, 1), date(2026, 2, 28))),
    (PeriodKind.QUARTER, date(2026, 5, 2), date(2026, 4, 1), date(2026, 6, 30), (date(2026, 1, 1), date(2026, 3, 31))),
    (PeriodKind.HALF, date(2026, 1, 9), date(2026, 1, 1), date(2026, 6, 30), (date(2025, 7, 1), date(2025, 12, 31))),
    (PeriodKind.YEAR, date(2026, 12, 31), date(2026, 1, 1), date(2026, 12, 31), (date(2025, 1, 1), date(2025, 12, 31))),
])
def test_periods(kind, day, start, end, before):
    period = Period.containing(kind, day)
    assert (period.start, period.end) == (start, end)
    assert previous_window(start, end) == before


def test_a_register_imported_today_reads_by_its_dates_at_a_past_cut_off(world):
    """Tasks brought in from a 2017 register have one "import" event dated today: at a cut-off in
    2017 their state follows from the register's dates, as the live rule judges them."""
    from tasks.history import import_task_history  # noqa: PLC0415
    from tests.tasks.test_history_import import good, history_book  # noqa: PLC0415

    rows = [good(world),  # done 31/03 after an extension from 28/02: on time after extension
            good(world, code="SO-002", submitted_at="", completed_at="01/04/2017", original_deadline="", quality=""),
            good(world, code="SO-003", state="chưa hoàn thành", submitted_at="", completed_at="", quality="",
                 deadline="30/06/2017")]
    result = import_task_history(history_book(rows), actor=world.head_dept, assigning_unit=world.dept)
    assert result.ok, result.errors
    q1 = (date(2017, 1, 1), date(2017, 3, 31))
    in_april = task_report(world.dept, *q1, date(2017, 4, 10))
    t = in_april.total
    assert (t.assigned, t.on_time, t.on_time_extended, t.late, t.open_within, t.open_overdue) == (3, 1, 1, 1, 1, 0)
    # On 15/03 nothing was done yet: SO-002 (deadline 31/03) and SO-003 within, SO-001 within its extension.
    in_march = task_report(world.dept, *q1, date(2017, 3, 15))
    t = in_march.total
    assert (t.assigned, t.open_within, t.open_overdue) == (3, 3, 0)
    # Before the register's assignment date, nothing was assigned.
    assert task_report(world.dept, *q1, date(2017, 1, 2)).total.assigned == 0
    # And at the end of the year, the open one is overdue.
    assert task_report(world.dept, *q1, date(2017, 12, 31)).total.open_overdue == 1
