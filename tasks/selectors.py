"""Reads of tasks, always through the access policy."""

from __future__ import annotations

from datetime import date, datetime, time

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr
from django.utils import timezone

from accounts.models import Unit
from accounts.text import fold
from tasks.access import tasks_visible_to
from tasks.models import ExtensionStatus, Participant, Task, TaskStatus
from tasks.status import OFFICIAL_ORDER, OPEN_OVERDUE, official_status_expression


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
