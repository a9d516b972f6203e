"""Reads of tasks, always through the access policy."""

from __future__ import annotations

from datetime import date, datetime, time

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Substr
from django.utils import timezone

from accounts.models import Unit
from accounts.text import fold
from tasks.access import tasks_visible_to
from tasks.models import ExtensionStatus, Participant, Quality, Task, TaskEvent, TaskStatus, TaskStep
from tasks.status import (
    DONE_LATE,
    DONE_ON_TIME,
    DONE_ON_TIME_EXTENDED,
    OFFICIAL_ORDER,
    OPEN_OVERDUE,
    official_status_expression,
)

NOT_COUNTED = (TaskStatus.DRAFT, TaskStatus.RETURNED, TaskStatus.CANCELLED)


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def task_list_for_user(user, *, tab: str = "", q: str = "", official: str = "", unit: Unit | None = None,
                       deadline_from: date | None = None, deadline_to: date | None = None,
                       directive: str = "") -> QuerySet[Task]:
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
    if deadline_from:
        tasks = tasks.filter(deadline__gte=_day_start(deadline_from))
    if deadline_to:
        tasks = tasks.filter(deadline__lt=_day_start(deadline_to) + timezone.timedelta(days=1))
    tasks = tasks.annotate(official=official_status_expression())
    if official in OFFICIAL_ORDER:
        tasks = tasks.filter(official=official)
    return tasks.select_related("lead", "lead_unit").order_by("deadline", "id")


def _subtree_tasks(user, unit: Unit) -> QuerySet[Task]:
    return tasks_visible_to(user).filter(lead_unit__path__startswith=unit.path).annotate(
        official=official_status_expression()
    )


def unit_task_totals(user, unit: Unit) -> dict[str, int]:
    """Counts by official status for the unit's subtree, in one GROUP BY query."""
    totals = {key: 0 for key in OFFICIAL_ORDER}
    for row in _subtree_tasks(user, unit).values("official").annotate(n=Count("id")).order_by():
        if row["official"] in totals:
            totals[row["official"]] = row["n"]
    return totals


def unit_overview(user, unit: Unit) -> dict:
    """Counts by official status for the unit's subtree and for each direct sub-unit (two
    GROUP BY queries), and the overdue tasks."""
    tasks = _subtree_tasks(user, unit)
    totals = unit_task_totals(user, unit)

    child_len = len(unit.path) + Unit.steplen
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
    children = Unit.objects.filter(path__startswith=unit.path, depth=unit.depth + 1).order_by("path")
    rows = [{"unit": child, "counts": by_prefix.get(child.path, {key: 0 for key in OFFICIAL_ORDER})} for child in children]
    for row in rows:
        row["total"] = sum(row["counts"].values())
    overdue = tasks.filter(official=OPEN_OVERDUE).select_related("lead", "lead_unit").order_by("deadline")[:50]
    total = sum(totals.values())
    return {"totals": totals, "total": total, "children": rows, "overdue": overdue}


def task_timeline(task: Task):
    return task.events.select_related("actor").prefetch_related("evidence").order_by("at", "id")


def my_task_counts(user) -> dict[str, int]:
    """The home page's numbers for one person, in one query."""
    now = timezone.now()
    visible = tasks_visible_to(user)
    return visible.aggregate(
        leading=Count("id", distinct=True, filter=Q(lead=user, status__in=(TaskStatus.ASSIGNED, TaskStatus.IN_PROGRESS))),
        to_accept=Count("id", distinct=True, filter=Q(lead=user, status=TaskStatus.ASSIGNED)),
        overdue=Count("id", distinct=True, filter=Q(lead=user, status__in=(TaskStatus.ASSIGNED, TaskStatus.IN_PROGRESS), deadline__lt=now)),
        to_judge=Count("id", distinct=True, filter=Q(assigner=user, status=TaskStatus.SUBMITTED)),
        extensions=Count("id", distinct=True, filter=Q(assigner=user, extension_requests__status=ExtensionStatus.PENDING)),
    )


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
