"""Official status of a task (QĐ 42/2014): derived from completion time, effective deadline and now.

done on time / done late / not done within deadline / not done overdue — plus "on time after
extension", kept apart in reports. A task finished one minute after its deadline is late.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Case, CharField, F, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tasks.models import OPEN_STATUSES, Task, TaskStatus

DONE_ON_TIME = "done_on_time"
DONE_ON_TIME_EXTENDED = "done_on_time_extended"
DONE_LATE = "done_late"
OPEN_WITHIN = "open_within"
OPEN_OVERDUE = "open_overdue"
NOT_TRACKED = "not_tracked"  # draft, returned or cancelled

LABELS = {
    DONE_ON_TIME: _("Done on time"),
    DONE_ON_TIME_EXTENDED: _("Done on time after extension"),
    DONE_LATE: _("Done late"),
    OPEN_WITHIN: _("Not done, within deadline"),
    OPEN_OVERDUE: _("Not done, overdue"),
    NOT_TRACKED: _("Not tracked"),
}
OFFICIAL_ORDER = [DONE_ON_TIME, DONE_ON_TIME_EXTENDED, DONE_LATE, OPEN_WITHIN, OPEN_OVERDUE]


def official_status(task: Task, now: datetime | None = None) -> str:
    now = now or timezone.now()
    if task.status == TaskStatus.COMPLETED:
        # Timeliness is judged on when the result was submitted, not when it was approved.
        done_at = task.submitted_at or task.completed_at
        if done_at <= task.deadline:
            # "After extension" only when the extension was needed: done after the original deadline.
            needed_extension = task.extended and task.original_deadline and done_at > task.original_deadline
            return DONE_ON_TIME_EXTENDED if needed_extension else DONE_ON_TIME
        return DONE_LATE
    if task.status in OPEN_STATUSES:
        if task.status == TaskStatus.SUBMITTED and task.submitted_at and task.submitted_at <= task.deadline:
            return OPEN_WITHIN
        return OPEN_OVERDUE if now > task.deadline else OPEN_WITHIN
    return NOT_TRACKED


def overdue_q(now: datetime) -> Q:
    """Open and past the deadline — except a result submitted in time and awaiting judgement: the
    tasks official_status calls overdue, as a filter the (status, deadline) index serves."""
    submitted_in_time = Q(status=TaskStatus.SUBMITTED, submitted_at__lte=F("deadline"))
    return Q(status__in=OPEN_STATUSES, deadline__lt=now) & ~submitted_in_time


LIVE_COLUMNS = {name: name for name in ("status", "deadline", "original_deadline", "extended", "submitted_at",
                                          "completed_at")}


def official_status_expression(now: datetime | None = None, *, columns: dict[str, str] | None = None) -> Case:
    """The same rule as an SQL expression, for counting and filtering in the database.

    `columns` names where each input of the rule is read — by default the task's own fields; the
    report as of a cut-off date passes the columns it reconstructed from the task's history
    (tasks.selectors.tasks_as_of), so a past state is judged by this very rule."""
    now = now or timezone.now()
    c = {**LIVE_COLUMNS, **(columns or {})}
    status, deadline, original = c["status"], c["deadline"], c["original_deadline"]
    submitted, completed = c["submitted_at"], c["completed_at"]

    def q(column, lookup, value):
        return Q(**{f"{column}__{lookup}": value})

    done = q(status, "exact", TaskStatus.COMPLETED)
    done_in_time = done & (q(submitted, "lte", F(deadline))
                           | (q(submitted, "isnull", True) & q(completed, "lte", F(deadline))))
    after_original = q(submitted, "gt", F(original)) | (q(submitted, "isnull", True) & q(completed, "gt", F(original)))
    return Case(
        When(done_in_time & q(c["extended"], "exact", True) & after_original, then=Value(DONE_ON_TIME_EXTENDED)),
        When(done_in_time, then=Value(DONE_ON_TIME)),
        When(done, then=Value(DONE_LATE)),
        When(q(status, "exact", TaskStatus.SUBMITTED) & q(submitted, "lte", F(deadline)), then=Value(OPEN_WITHIN)),
        When(q(status, "in", OPEN_STATUSES) & q(deadline, "lt", now), then=Value(OPEN_OVERDUE)),
        When(q(status, "in", OPEN_STATUSES), then=Value(OPEN_WITHIN)),
        default=Value(NOT_TRACKED),
        output_field=CharField(),
    )
