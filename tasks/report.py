"""The periodic task report (báo cáo tình hình thực hiện nhiệm vụ, QĐ 42/2014) as of a cut-off date.

For a unit's subtree and a period: per unit, the tasks assigned in the period, done on time (of
which after an extension), done late, not done within the deadline and not done overdue, with the
on-time rate of the dashboards (tasks.rules); the totals; and the tasks overdue at the cut-off with
their reasons (extension requests and progress notes) and their lead.

**As of the cut-off, not as of now.** Every task's state at the cut-off is read back from its
history, so a report for 30/06 reads the same in December as it did on 1 July:

- its status: the `to_status` of its last event at or before the cut-off;
- its deadline: the deadline recorded on that event (TaskEvent.deadline) — an extension granted,
  or a new deadline set on a returned task, after the cut-off does not count;
- extended: an extension granted at or before the cut-off;
- submitted / completed: its last "submit" / "approve" event at or before the cut-off;
- assigned: its first "assign" event.

A task brought in from a register (tasks.history) has one "import" event dated the day of the
import; before that event (and until a later live event), its state follows from the dates of
the register (assigned, submitted, completed).

The official status is then judged by the one rule of tasks.status (official_status) with the
cut-off as "now", exactly as a live task is judged. The database reads the reconstructed columns
in one query (correlated subqueries on the events' (task, at) index); the rule runs on each row as
it streams, so memory stays flat at a province's yearly volume.

Which tasks a period reports: those first assigned within the period (and by the cut-off) and
tracked at the cut-off — a task cancelled or returned by then is not reported; one cancelled after
it is, as it stood.
"""

from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import NamedTuple

from django.db.models import Exists, F, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Unit
from tasks.models import ExtensionRequest, Task, TaskEvent, TaskStatus
from tasks.rules import ON_TIME
from tasks.status import DONE_LATE, DONE_ON_TIME_EXTENDED, NOT_TRACKED, OPEN_OVERDUE, OPEN_WITHIN, official_status

# The report's columns, in the order of the usual layout.
COUNT_KEYS = ("assigned", "on_time", "on_time_extended", "late", "open_within", "open_overdue")
TRACKED_AT_IMPORT = (TaskStatus.ASSIGNED, TaskStatus.IN_PROGRESS, TaskStatus.SUBMITTED, TaskStatus.COMPLETED)
READ_CHUNK = 5000


# -- periods -----------------------------------------------------------------------------------

class PeriodKind:
    MONTH, QUARTER, HALF, YEAR = "month", "quarter", "half", "year"
    CHOICES = [(MONTH, gettext_lazy("Month")), (QUARTER, gettext_lazy("Quarter")),
               (HALF, gettext_lazy("Six months")), (YEAR, gettext_lazy("Year"))]
    VALUES = (MONTH, QUARTER, HALF, YEAR)
    MONTHS = {MONTH: 1, QUARTER: 3, HALF: 6, YEAR: 12}


_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


@dataclass(frozen=True)
class Period:
    kind: str
    start: date
    end: date  # inclusive

    @classmethod
    def containing(cls, kind: str, day: date) -> Period:
        """The month, quarter, half-year or year that holds `day`."""
        months = PeriodKind.MONTHS[kind]
        first_month = (day.month - 1) // months * months + 1
        last_month = first_month + months - 1
        return cls(kind, date(day.year, first_month, 1),
                   date(day.year, last_month, monthrange(day.year, last_month)[1]))

    def previous(self) -> Period:
        return Period.containing(self.kind, self.start - timedelta(days=1))

    @property
    def label(self) -> str:
        year = self.start.year
        if self.kind == PeriodKind.MONTH:
            return _("month %(month)s/%(year)s") % {"month": f"{self.start.month:02d}", "year": year}
        if self.kind == PeriodKind.QUARTER:
            return _("quarter %(quarter)s/%(year)s") % {"quarter": _ROMAN[(self.start.month + 2) // 3], "year": year}
        if self.kind == PeriodKind.HALF:
            return (_("first six months of %(year)s") if self.start.month == 1
                    else _("last six months of %(year)s")) % {"year": year}
        return _("year %(year)s") % {"year": year}


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def cut_off_moment(cut_off: date | datetime) -> datetime:
    """A cut-off date counts the whole of that day: "số liệu tính đến ngày 30/06" holds what was
    done on the 30th."""
    if isinstance(cut_off, datetime):
        return cut_off
    return _day_start(cut_off + timedelta(days=1)) - timedelta(microseconds=1)


# -- the state of tasks at a past moment -------------------------------------------------------

class TaskState(NamedTuple):
    """What the official-status rule reads of a task, as it stood at the cut-off."""

    id: int
    lead_unit_id: int
    status: str
    deadline: datetime
    original_deadline: datetime | None
    extended: bool
    submitted_at: datetime | None
    completed_at: datetime | None


def tasks_as_of(moment: datetime, tasks: QuerySet[Task] | None = None) -> QuerySet[Task]:
    """`tasks` (all by default) annotated with what their history holds at `moment`, each read once:
    the last event by then (its action, status and the deadline it left), the last submission and
    approval by then, whether an extension was granted by then, whether the task came from a
    register (and in which state), and its first assignment. `state_at` turns a row into the state."""
    tasks = Task.objects.all() if tasks is None else tasks
    events = TaskEvent.objects.filter(task=OuterRef("pk"))
    by_then = events.filter(at__lte=moment).order_by("-at", "-id")
    return tasks.annotate(
        last_action=Subquery(by_then.values("action")[:1]),
        last_status=Subquery(by_then.values("to_status")[:1]),
        last_deadline=Subquery(by_then.filter(deadline__isnull=False).values("deadline")[:1]),
        last_submit=Subquery(by_then.filter(action="submit").values("at")[:1]),
        last_approve=Subquery(by_then.filter(action="approve").values("at")[:1]),
        extended_by_then=Exists(by_then.filter(action="extend")),
        import_status=Subquery(events.filter(action="import").values("to_status")[:1]),
        imported_extended=Exists(events.filter(action="import", data__has_key="original_deadline")),
        first_assigned=Coalesce(
            Subquery(events.filter(action="assign").order_by("at", "id").values("at")[:1]), F("assigned_at")),
    )


STATE_COLUMNS = ("id", "lead_unit_id", "deadline", "original_deadline", "assigned_at", "submitted_at", "completed_at",
                 "last_action", "last_status", "last_deadline", "last_submit", "last_approve", "extended_by_then",
                 "import_status", "imported_extended")


def state_at(row: dict, moment: datetime) -> TaskState:
    """A task's state at `moment` from the columns of tasks_as_of."""
    imported = row["import_status"] is not None
    on_register = imported and row["last_action"] in (None, "import")
    submitted = row["last_submit"]
    completed = row["last_approve"]
    if imported and submitted is None and row["submitted_at"] and row["submitted_at"] <= moment:
        submitted = row["submitted_at"]
    if imported and completed is None and row["completed_at"] and row["completed_at"] <= moment:
        completed = row["completed_at"]
    if row["last_action"] not in (None, "import"):
        status = row["last_status"]
    elif on_register and row["assigned_at"] and row["assigned_at"] <= moment:
        # Before its import (or until its next live event), a task of a register stands as its dates say.
        final = row["import_status"]
        if final not in TRACKED_AT_IMPORT:
            status = final
        elif completed and final == TaskStatus.COMPLETED:
            status = TaskStatus.COMPLETED
        elif submitted and final in (TaskStatus.SUBMITTED, TaskStatus.COMPLETED):
            status = TaskStatus.SUBMITTED
        else:
            status = TaskStatus.IN_PROGRESS
    else:
        status = TaskStatus.DRAFT
    return TaskState(
        id=row["id"], lead_unit_id=row["lead_unit_id"], status=status,
        deadline=row["last_deadline"] or row["deadline"], original_deadline=row["original_deadline"],
        extended=bool(row["extended_by_then"] or row["imported_extended"]),
        submitted_at=submitted, completed_at=completed)


def states_as_of(moment: datetime, tasks: QuerySet[Task]):
    """Each task's state at `moment` and its official status judged then, streamed."""
    rows = tasks_as_of(moment, tasks).values(*STATE_COLUMNS).order_by()
    for row in rows.iterator(chunk_size=READ_CHUNK):
        state = state_at(row, moment)
        yield state, official_status(state, moment)


# -- the report --------------------------------------------------------------------------------

@dataclass
class ReportRow:
    unit_id: int | None
    name: str
    depth: int = 0
    assigned: int = 0
    on_time: int = 0  # done on time, with those after an extension
    on_time_extended: int = 0
    late: int = 0
    open_within: int = 0
    open_overdue: int = 0
    previous: dict | None = None  # the same unit's counts in the previous period

    def add(self, official: str) -> None:
        self.assigned += 1
        if official in ON_TIME:
            self.on_time += 1
        if official == DONE_ON_TIME_EXTENDED:
            self.on_time_extended += 1
        elif official == DONE_LATE:
            self.late += 1
        elif official == OPEN_WITHIN:
            self.open_within += 1
        elif official == OPEN_OVERDUE:
            self.open_overdue += 1

    @property
    def came_to_term(self) -> int:
        return self.on_time + self.late + self.open_overdue

    @property
    def rate(self) -> float | None:
        """On-time rate (%), one decimal: of the tasks come to term, the share done on time (tasks.rules)."""
        return round(100 * self.on_time / self.came_to_term, 1) if self.came_to_term else None

    def counts(self) -> dict:
        return {key: getattr(self, key) for key in COUNT_KEYS} | {"rate": self.rate}

    @property
    def delta(self) -> dict | None:
        """This period minus the previous one, column by column (the rate in points)."""
        if self.previous is None:
            return None
        now = self.counts()
        result = {key: now[key] - self.previous[key] for key in COUNT_KEYS}
        result["rate"] = (round(now["rate"] - self.previous["rate"], 1)
                          if now["rate"] is not None and self.previous["rate"] is not None else None)
        return result


@dataclass
class OverdueTask:
    id: int
    code: str
    title: str
    source_number: str
    unit: str
    lead: str
    deadline: datetime
    days_overdue: int
    extended: bool
    reasons: list[dict] = field(default_factory=list)  # {"at", "kind", "text"}, oldest first


@dataclass
class TaskReport:
    """The report as plain data: what the page, the API, the Excel and the document render."""

    unit_id: int
    unit_name: str
    period_start: date
    period_end: date
    cut_off: datetime
    source_document: str
    rows: list[ReportRow]
    total: ReportRow
    overdue: list[OverdueTask]
    overdue_count: int
    previous_start: date | None = None
    previous_end: date | None = None
    previous_cut_off: datetime | None = None

    @property
    def cut_off_date(self) -> date:
        return timezone.localdate(self.cut_off)


OVERDUE_LISTED = 500  # the overdue list names this many, oldest deadline first; the count says how many in all


def _reported_tasks(unit: Unit, start: date, end: date, moment: datetime, source_document: str) -> QuerySet[Task]:
    first_moment = _day_start(start)
    last_moment = min(_day_start(end + timedelta(days=1)) - timedelta(microseconds=1), moment)
    # assigned_at is the latest assignment, never before the first: a cheap, indexed first cut.
    tasks = Task.objects.filter(lead_unit__path__startswith=unit.path, assigned_at__isnull=False,
                                assigned_at__gte=first_moment)
    if source_document:
        tasks = tasks.filter(source_number__icontains=source_document.strip())
    return tasks_as_of(moment, tasks).filter(first_assigned__gte=first_moment, first_assigned__lte=last_moment)


def _count(unit: Unit, units: list[Unit], start: date, end: date, moment: datetime, source_document: str,
           ) -> tuple[dict[int, ReportRow], ReportRow, list[TaskState]]:
    rows = {u.pk: ReportRow(u.pk, u.name, u.depth - unit.depth) for u in units}
    total = ReportRow(None, _("All units"))
    overdue = []
    for state, official in states_as_of(moment, _reported_tasks(unit, start, end, moment, source_document)):
        if official == NOT_TRACKED:
            continue
        rows[state.lead_unit_id].add(official)
        total.add(official)
        if official == OPEN_OVERDUE:
            overdue.append(state)
    return rows, total, overdue


def _overdue_list(states: list[TaskState], moment: datetime) -> list[OverdueTask]:
    states = sorted(states, key=lambda s: (s.deadline, s.id))[:OVERDUE_LISTED]
    ids = [s.id for s in states]
    tasks = {t.pk: t for t in Task.objects.filter(pk__in=ids).select_related("lead", "lead_unit")}
    reasons: dict[int, list[dict]] = {pk: [] for pk in ids}
    for request in ExtensionRequest.objects.filter(task_id__in=ids, requested_at__lte=moment).order_by("requested_at"):
        decided = request.decided_at is not None and request.decided_at <= moment
        reasons[request.task_id].append({
            "at": request.requested_at, "kind": "extension",
            "text": request.reason, "status": request.status if decided else "pending"})
    notes = TaskEvent.objects.filter(task_id__in=ids, at__lte=moment, action="report_progress").exclude(note="")
    for event in notes.order_by("at", "id"):
        reasons[event.task_id].append({"at": event.at, "kind": "progress", "text": event.note, "status": ""})
    result = []
    for state in states:
        task = tasks[state.id]
        late = moment - state.deadline
        result.append(OverdueTask(
            id=task.pk, code=task.code, title=task.title, source_number=task.source_number,
            unit=str(task.lead_unit), lead=str(task.lead) if task.lead_id else "", deadline=state.deadline,
            days_overdue=late.days + (1 if late.seconds or late.microseconds else 0), extended=state.extended,
            reasons=sorted(reasons[task.pk], key=lambda r: r["at"])))
    return result


def task_report(unit: Unit, period_start: date, period_end: date, cut_off: date | datetime,
                source_document: str | None = None, *, compare: bool = False) -> TaskReport:
    """The report for `unit`'s subtree: tasks first assigned from `period_start` to `period_end`
    (inclusive), each as it stood at `cut_off`, optionally only those of one source document
    (its number, e.g. "15/CT-UBND"). With `compare`, each row also carries the previous period of
    the same length, counted at the same distance after its end, and its deltas."""
    moment = cut_off_moment(cut_off)
    source_document = (source_document or "").strip()
    units = list(Unit.objects.filter(path__startswith=unit.path).order_by("path"))
    rows, total, overdue = _count(unit, units, period_start, period_end, moment, source_document)
    report = TaskReport(unit_id=unit.pk, unit_name=unit.name, period_start=period_start, period_end=period_end,
                        cut_off=moment, source_document=source_document, rows=list(rows.values()), total=total,
                        overdue=_overdue_list(overdue, moment), overdue_count=len(overdue))
    if compare:
        previous_start, previous_end = previous_window(period_start, period_end)
        previous_moment = min(moment - (_day_start(period_end) - _day_start(previous_end)), moment)
        before, before_total, _overdue = _count(unit, units, previous_start, previous_end, previous_moment,
                                                source_document)
        for row in report.rows:
            row.previous = before[row.unit_id].counts()
        total.previous = before_total.counts()
        report.previous_start, report.previous_end, report.previous_cut_off = previous_start, previous_end, previous_moment
    return report


def previous_window(start: date, end: date) -> tuple[date, date]:
    """The period before: the previous month, quarter, half-year or year when [start, end] is one,
    else the same number of days just before."""
    for kind in PeriodKind.VALUES:
        period = Period.containing(kind, start)
        if (period.start, period.end) == (start, end):
            before = period.previous()
            return before.start, before.end
    days = (end - start).days + 1
    return start - timedelta(days=days), start - timedelta(days=1)

