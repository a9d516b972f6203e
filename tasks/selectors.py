"""Reads of tasks, always through the access policy."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db import connection
from django.db.models import Case, Count, Exists, F, IntegerField, Max, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce, Substr, TruncMonth
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import prime_scopes, scope_for
from accounts.models import Unit
from core.text import fold
from core.inbox import InboxItem, by_due
from tasks import tallies
from tasks.access import available_actions, sees_every_task_led_in, tasks_visible_to
from tasks.models import (
    OPEN_STATUSES,
    ExtensionRequest,
    ExtensionStatus,
    Participant,
    Quality,
    Task,
    TaskEvent,
    TaskStatus,
    TaskStep,
)
from tasks.report import Period, PeriodKind, TaskReport, previous_window, task_report, tasks_as_of  # noqa: F401
from tasks.rules import CAME_TO_TERM, ON_TIME, next_report_due
from tasks.status import (
    DONE_LATE,
    DONE_ON_TIME,
    DONE_ON_TIME_EXTENDED,
    LABELS,
    OFFICIAL_ORDER,
    OPEN_OVERDUE,
    official_status,
    official_status_expression,
    overdue_q,
)

NOT_COUNTED = (TaskStatus.DRAFT, TaskStatus.RETURNED, TaskStatus.CANCELLED)


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


# The lists' order: open tasks before finished ones, each by deadline — so what is overdue comes
# first, then what is still running, and the finished record last. Task.Meta indexes this very
# expression with the deadline, so a province-wide list still stops at its page.
OPEN_FIRST = Case(When(status__in=OPEN_STATUSES, then=Value(0)), default=Value(1), output_field=IntegerField())


def task_list_for_user(user, *, tab: str = "", q: str = "", official: str = "", unit: Unit | None = None,
                       deadline_from: date | None = None, deadline_to: date | None = None,
                       directive: str = "", status: str = "") -> QuerySet[Task]:
    tasks = tasks_visible_to(user)
    if tab == "lead":
        tasks = tasks.filter(lead=user)
    elif tab == "cooperate":
        tasks = tasks.filter(pk__in=Participant.objects.filter(user=user).values("task_id"))
    elif tab == "monitor":
        tasks = tasks.filter(monitor=user)
    elif tab == "assigned":
        tasks = tasks.filter(assigner=user)
    if unit is not None:
        tasks = tasks.filter(lead_unit__path__startswith=unit.path)
    if q:
        tasks = tasks.filter(search_text__contains=fold(q))
    if directive:
        tasks = tasks.filter(source_number__icontains=directive.strip())
    if status in TaskStatus.values:
        tasks = tasks.filter(status=status)
    if deadline_from:
        tasks = tasks.filter(deadline__gte=_day_start(deadline_from))
    if deadline_to:
        tasks = tasks.filter(deadline__lt=_day_start(deadline_to) + timezone.timedelta(days=1))
    tasks = tasks.annotate(official=official_status_expression())
    if official in OFFICIAL_ORDER:
        tasks = tasks.filter(official=official)
    return tasks.select_related("lead", "lead_unit").order_by(OPEN_FIRST, "deadline", "id")


def list_position(row: dict) -> list:
    """Where a row of the lists stands in their order (open first, deadline, id), as JSON values:
    the keyset cursor of the row after it."""
    deadline = row["deadline"]
    return [0 if row["status"] in OPEN_STATUSES else 1, deadline.isoformat() if deadline else None, row["id"]]


def tasks_after(tasks: QuerySet[Task], position) -> QuerySet[Task]:
    """The rows of a list (task_list_for_user) that come after `position` (list_position) in its
    order, as the database orders a missing deadline (after every date on PostgreSQL, before on
    SQLite). ValueError when the position is not one."""
    try:
        group, deadline, pk = position
        group, pk = int(group), int(pk)
        deadline = None if deadline is None else datetime.fromisoformat(deadline)
    except (TypeError, ValueError) as exc:
        raise ValueError("not a list position") from exc
    if deadline is not None and timezone.is_naive(deadline):
        raise ValueError("not a list position")
    nulls_last = connection.features.nulls_order_largest
    if deadline is None:
        later = Q(deadline__isnull=False) if not nulls_last else Q(pk__in=[])
        same = Q(deadline__isnull=True, pk__gt=pk)
    else:
        later = Q(deadline__gt=deadline) | (Q(deadline__isnull=True) if nulls_last else Q(pk__in=[]))
        same = Q(deadline=deadline, pk__gt=pk)
    return tasks.alias(open_first=OPEN_FIRST).filter(Q(open_first__gt=group) | Q(open_first=group) & (later | same))


def _subtree_tasks(user, unit: Unit, now: datetime | None = None) -> QuerySet[Task]:
    return tasks_visible_to(user).filter(lead_unit__path__startswith=unit.path).annotate(
        official=official_status_expression(now)
    )


def unit_task_totals(user, unit: Unit) -> dict[str, int]:
    """Counts by official status for the unit's subtree, in one GROUP BY query."""
    return _totals(_subtree_tasks(user, unit))


def _totals(tasks: QuerySet[Task]) -> dict[str, int]:
    totals = {key: 0 for key in OFFICIAL_ORDER}
    for row in tasks.values("official").annotate(n=Count("id")).order_by():
        if row["official"] in totals:
            totals[row["official"]] = row["n"]
    return totals


OVERVIEW_SORTS = ("overdue", "rate", "name")


def _summary(counts: dict[str, int]) -> dict:
    on_time = sum(counts[key] for key in ON_TIME)
    came_to_term = sum(counts[key] for key in CAME_TO_TERM)
    return {"counts": counts, "total": sum(counts.values()), "on_time": on_time, "came_to_term": came_to_term,
            "rate": round(100 * on_time / came_to_term) if came_to_term else None}


def unit_overview(user, unit: Unit, *, sort: str = "overdue", months: int = 12, now: datetime | None = None) -> dict:
    """The head's dashboard of a unit's subtree: counts by official status for the subtree and each
    direct sub-unit, with its on-time rate; the sub-units with tasks ranked (most overdue first, or
    lowest on-time rate first, or by name) and those without tasks apart; the trend by month of
    deadline over the last `months`; and the overdue tasks.

    Whoever sees every task led in the subtree (its heads and council, tasks.access) reads the
    counts from the tallies kept with the data (tasks.tallies), whatever the size of the province;
    anyone else from their own visible tasks, in GROUP BY queries."""
    now = now or timezone.now()
    child_len = len(unit.path) + Unit.steplen
    starts = _trend_months(months, now)
    if sees_every_task_led_in(user, unit):
        counts = tallies.subtree_counts(unit.path, child_len, starts, now)
        totals, by_prefix, by_month = counts.totals, counts.by_prefix, counts.by_month
    else:
        totals, by_prefix, by_month = _visible_counts(user, unit, child_len, starts, now)

    children = Unit.objects.filter(path__startswith=unit.path, depth=unit.depth + 1).order_by("path")
    rows = [{"unit": child, **_summary(by_prefix.get(child.path, {key: 0 for key in OFFICIAL_ORDER}))}
            for child in children]
    with_tasks = [row for row in rows if row["total"]]
    if sort == "rate":
        with_tasks.sort(key=lambda row: (row["rate"] is None, row["rate"] or 0, -row["counts"][OPEN_OVERDUE]))
    elif sort == "overdue":
        with_tasks.sort(key=lambda row: (-row["counts"][OPEN_OVERDUE], row["rate"] if row["rate"] is not None else 101))
    # The overdue as a plain filter (not the status expression), so the (status, deadline) index finds them.
    overdue = (tasks_visible_to(user).filter(overdue_q(now), lead_unit__path__startswith=unit.path)
               .annotate(official=Value(OPEN_OVERDUE)).select_related("lead", "lead_unit").order_by("deadline", "id")[:50])
    return {"totals": totals, **{k: v for k, v in _summary(totals).items() if k != "counts"},
            "children": with_tasks, "without_tasks": [row["unit"] for row in rows if not row["total"]],
            "trend": _trend(starts, by_month, now), "overdue": overdue}


def _visible_counts(user, unit: Unit, child_len: int, starts: list[date], now: datetime):
    """The overview's counts over the tasks the user sees in the subtree, in three GROUP BY queries:
    the subtree, each direct sub-unit (by its path) and each month of deadline in `starts`."""
    tasks = _subtree_tasks(user, unit, now)
    totals = _totals(tasks)
    by_prefix: dict[str, dict[str, int]] = {}
    per_child = (
        tasks.filter(lead_unit__depth__gt=unit.depth)
        .annotate(prefix=Substr("lead_unit__path", 1, child_len))
        .values("prefix", "official").annotate(n=Count("id")).order_by()
    )
    for row in per_child:
        by_prefix.setdefault(row["prefix"], {key: 0 for key in OFFICIAL_ORDER})
        if row["official"] in OFFICIAL_ORDER:
            by_prefix[row["prefix"]][row["official"]] = row["n"]
    by_month = {start: {key: 0 for key in OFFICIAL_ORDER} for start in starts}
    end = _month_start(starts[-1].year, starts[-1].month + 1)
    rows = (tasks.filter(deadline__gte=_day_start(starts[0]), deadline__lt=_day_start(end))
            .annotate(month=TruncMonth("deadline")).values("month", "official").annotate(n=Count("id")).order_by())
    for row in rows:
        start = date(row["month"].year, row["month"].month, 1)
        if start in by_month and row["official"] in OFFICIAL_ORDER:
            by_month[start][row["official"]] += row["n"]
    return totals, by_prefix, by_month


def _month_start(year: int, month: int) -> date:
    """The first day of `month` of `year`, the month counted on past December or back before January."""
    year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    return date(year, month, 1)


def _trend_months(months: int, now: datetime) -> list[date]:
    """The first days of the last `months` months, oldest first, this month last."""
    today = timezone.localdate(now)
    return [_month_start(today.year, today.month - back) for back in range(months - 1, -1, -1)]


def _trend(starts: list[date], by_month: dict[date, dict[str, int]], now: datetime) -> list[dict]:
    """Per month of deadline, oldest first up to this month: counts by official status and the
    on-time rate, with the first and last day of the month (the list's deadline filter)."""
    end = _month_start(starts[-1].year, starts[-1].month + 1)
    trend = []
    for index, start in enumerate(starts):
        following = starts[index + 1] if index + 1 < len(starts) else end
        trend.append({"month": start, "last_day": following - timedelta(days=1), **_summary(by_month[start])})
    return trend


def task_timeline(task: Task):
    return task.events.select_related("actor").prefetch_related("evidence").order_by("at", "id")


def my_overdue_count(user) -> int:
    """How many of the tasks the person leads are open past their deadline (the home page's tile,
    which opens the list filtered the same way)."""
    return task_list_for_user(user, tab="lead", official=OPEN_OVERDUE).order_by().count()


# -- what waits for someone (the work inbox) ---------------------------------------------------

TASK_QUEUES = {
    "to_accept": _("Tasks to accept"),
    "progress_due": _("Progress reports due"),
    "to_submit": _("Results to submit"),
    "extensions": _("Extension requests to decide"),
    "to_judge": _("Results to judge"),
}


def task_inbox(user, *, now: datetime | None = None) -> dict[str, list[InboxItem]]:
    """Per queue, the tasks waiting for `user`: to accept, a progress report due under the task's
    reporting regime, a result to submit, an extension request to decide, a result to judge. The candidates are read in
    one query (their leads' scopes in two more, whatever their number); whether each waits is
    the task's own `available_actions` — the answer its buttons and services give."""
    now = now or timezone.now()
    queues: dict[str, list[InboxItem]] = {key: [] for key in TASK_QUEUES}
    scope = scope_for(user)
    if scope.user_id is None:
        return queues
    authority = Q(assigner_id=scope.user_id)
    for path in scope.managed_paths:
        authority |= Q(assigning_unit__path__startswith=path)
    pending = ExtensionRequest.objects.filter(task=OuterRef("pk"), status=ExtensionStatus.PENDING)
    reports = (TaskEvent.objects.filter(task=OuterRef("pk"), action__in=("accept", "report_progress"))
               .order_by().values("task").annotate(last=Max("at")).values("last"))
    candidates = list(
        tasks_visible_to(user).filter(status__in=OPEN_STATUSES)
        .filter(Q(lead_id=scope.user_id, status__in=(TaskStatus.ASSIGNED, TaskStatus.IN_PROGRESS))
                | (authority & (Q(status=TaskStatus.SUBMITTED) | Exists(pending))))
        .annotate(extension_pending=Exists(pending), last_report_at=Subquery(reports[:1]))
        .select_related("lead__unit", "lead_unit", "assigning_unit")
    )
    prime_scopes([user, *(task.lead for task in candidates)])
    for task in candidates:
        actions = available_actions(user, task)
        url = reverse("tasks:detail", args=[task.pk])
        lead = f"{task.lead} — {task.lead_unit}" if task.lead_id else ""
        if "accept" in actions:
            queues["to_accept"].append(InboxItem(task.code, task.title, url, task.deadline, task_id=task.pk))
        if "report_progress" in actions:
            due = next_report_due(task.reporting_regime, task.last_report_at or task.assigned_at)
            if due is not None and timezone.localdate(due) <= timezone.localdate(now):
                queues["progress_due"].append(InboxItem(task.code, task.title, url, due, task.reporting_regime, task.pk))
        if "submit" in actions:
            queues["to_submit"].append(InboxItem(task.code, task.title, url, task.deadline, task_id=task.pk))
        if task.extension_pending and "decide_extension" in actions:
            queues["extensions"].append(InboxItem(task.code, task.title, url, task.deadline, lead, task.pk))
        if "approve" in actions:
            queues["to_judge"].append(InboxItem(task.code, task.title, url, task.deadline, lead, task.pk))
    return {key: by_due(items) for key, items in queues.items()}


# -- read by the emulation module ----------------------------------------------------------------

RESULT_COUNTS = ("assigned", "completed", "to_standard", "excellent", "on_time", "late", "open_overdue")


def _due_in(start: datetime, end: datetime, unit_path: str) -> QuerySet[Task]:
    """Tasks whose deadline falls in [start, end) and that count (not drafts, returns or cancellations)."""
    return Task.objects.filter(deadline__gte=start, deadline__lt=end, lead_unit__path__startswith=unit_path,
                               lead__isnull=False).exclude(status__in=NOT_COUNTED)


def results_by_lead(start: datetime, end: datetime, unit_path: str, now: datetime | None = None) -> dict[int, dict]:
    """Per lead, the tasks due in the window: how many assigned, completed, completed to standard,
    excellent, on time (an approved extension counts as on time), late, and still open past the
    deadline. One GROUP BY query."""
    official = official_status_expression(now)
    on_time = Q(official__in=(DONE_ON_TIME, DONE_ON_TIME_EXTENDED))
    rows = (_due_in(start, end, unit_path).annotate(official=official).values("lead_id").order_by()
            .annotate(assigned=Count("id"), completed=Count("id", filter=Q(status=TaskStatus.COMPLETED)),
                      to_standard=Count("id", filter=Q(status=TaskStatus.COMPLETED) & ~Q(quality=Quality.FAIL)),
                      excellent=Count("id", filter=Q(status=TaskStatus.COMPLETED, quality=Quality.EXCELLENT)),
                      on_time=Count("id", filter=on_time), late=Count("id", filter=Q(official=DONE_LATE)),
                      open_overdue=Count("id", filter=Q(official=OPEN_OVERDUE))))
    return {row.pop("lead_id"): row for row in rows}


def problem_tasks(start: datetime, end: datetime, unit_path: str, now: datetime | None = None) -> list[dict]:
    """The tasks due in the window that cost their lead points — done late, still open past the
    deadline, a process milestone missed, or sent back for rework — with how late, how many
    milestones were missed and how many failed reviews: the evidence behind every deduction."""
    now = now or timezone.now()
    sent_back = TaskEvent.objects.filter(task=OuterRef("pk"), action="send_back")
    # A milestone is missed when its step was done after it was due, or was not done when it fell
    # due while the task was still open (an unticked step due after the result was handed in is not).
    finished = Coalesce(OuterRef("submitted_at"), OuterRef("completed_at"), Value(now))
    late_step = TaskStep.objects.filter(task=OuterRef("pk"), due_at__isnull=False).filter(
        Q(done_at__gt=F("due_at")) | Q(done_at__isnull=True, due_at__lt=finished))
    rows = (_due_in(start, end, unit_path).annotate(official=official_status_expression(now))
            .filter(Q(official__in=(DONE_LATE, OPEN_OVERDUE)) | Exists(sent_back) | Exists(late_step))
            .annotate(failed_reviews=Coalesce(Subquery(sent_back.order_by().values("task").annotate(n=Count("id"))
                                                       .values("n")[:1]), 0),
                      late_steps=Coalesce(Subquery(late_step.order_by().values("task").annotate(n=Count("id"))
                                                   .values("n")[:1]), 0))
            .values("id", "code", "title", "lead_id", "lead_unit_id", "deadline", "submitted_at", "completed_at",
                    "official", "failed_reviews", "late_steps").order_by("deadline", "id"))
    result = []
    for row in rows:
        finished = row["submitted_at"] or row["completed_at"]
        late_by = (finished if row["official"] == DONE_LATE else now) - row["deadline"]
        row["days_late"] = max(late_by.days + (1 if late_by.seconds else 0), 0) \
            if row["official"] in (DONE_LATE, OPEN_OVERDUE) else 0
        result.append(row)
    return result


def results_by_unit(start: datetime, end: datetime, unit_path: str, now: datetime | None = None) -> dict[int, dict]:
    """Per lead unit, the tasks due in the window: tracked, on time, open past the deadline."""
    official = official_status_expression(now)
    rows = (_due_in(start, end, unit_path).annotate(official=official).values("lead_unit_id").order_by()
            .annotate(assigned=Count("id"),
                      on_time=Count("id", filter=Q(official__in=(DONE_ON_TIME, DONE_ON_TIME_EXTENDED))),
                      open_overdue=Count("id", filter=Q(official=OPEN_OVERDUE))))
    return {row.pop("lead_unit_id"): row for row in rows}


# -- the periodic report sent up as the result of a report task ----------------------------------

REPORT_TASKS_SHOWN = 20


def report_tasks_for(user) -> list[Task]:
    """The tasks the user leads that can take a result now — a periodic report to send up is one of
    them: the occurrences of recurring tasks ("Báo cáo tháng") first, then by deadline."""
    tasks = (Task.objects.filter(lead=user, status=TaskStatus.IN_PROGRESS).select_related("lead_unit")
             .order_by(Case(When(recurrence__isnull=False, then=Value(0)), default=Value(1),
                            output_field=IntegerField()), "deadline", "id")[:REPORT_TASKS_SHOWN])
    return [task for task in tasks if "submit" in available_actions(user, task)]


# -- read by the reform index ------------------------------------------------------------------


def tasks_due_in_subtree(start: datetime, end: datetime, unit_path: str, now: datetime | None = None) -> list[dict]:
    """The tasks due in [start, end) led in the subtree, each with its official status (code and
    words) and whether it was done on time (an approved extension counts) or is overdue or was done
    late: what an automatic reform sub-criterion counts, and keeps as its evidence. One query."""
    rows = list(_due_in(start, end, unit_path).annotate(official=official_status_expression(now))
                .values("id", "code", "title", "official").order_by("deadline", "id"))
    for row in rows:
        row["official_label"] = str(LABELS[row["official"]])
        row["on_time"] = row["official"] in (DONE_ON_TIME, DONE_ON_TIME_EXTENDED)
        row["late"] = row["official"] in (DONE_LATE, OPEN_OVERDUE)
    return rows


def task_official_status(task: Task, now: datetime | None = None) -> tuple[str, str]:
    """The official status of one task (QĐ 42/2014) as (code, label in words)."""
    code = official_status(task, now)
    return code, str(LABELS[code])


def task_label_by_code_visible_to(user, code: str) -> tuple[int, str] | None:
    """The task of that code, if the user may see it: (id, "code — title"); else None. One query."""
    row = tasks_visible_to(user).filter(code=code.strip()).values_list("pk", "code", "title").first()
    return (row[0], f"{row[1]} — {row[2]}") if row else None


# -- read by emulation


def tasks_led_by(person_id: int, task_ids) -> QuerySet[Task]:
    """The tasks among `task_ids` that the official leads, with their assigning unit: the tasks that
    cost an emulation rating points."""
    return Task.objects.filter(pk__in=task_ids, lead_id=person_id).select_related("assigning_unit")


def task_led_by(person_id: int, task_id) -> Task | None:
    """The task if the official leads it, with its lead unit; else None."""
    return Task.objects.select_related("lead_unit").filter(pk=task_id, lead_id=person_id).first()
