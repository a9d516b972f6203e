"""What every task service shares: the lock, the transition and its history row, the
notifications, the evidence and the roll-up of sub-tasks' progress."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Avg, Case, IntegerField, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import ConflictError
from core.transitions import advance, locked
from notifications.services import notification_send
from tasks.access import owner_refusal
from tasks.models import Evidence, Task, TaskEvent, TaskStatus


def _task_url(task: Task) -> str:
    return reverse("tasks:detail", args=[task.pk])


def _notify(task: Task, recipients: Iterable, verb: str, message: str, dedupe_key: str | None = None) -> None:
    notification_send(
        recipients=[r for r in recipients if r is not None],
        verb=verb, message=message, target=task, url=_task_url(task), dedupe_key=dedupe_key,
    )


def _locked(task: Task) -> Task:
    """Re-read the caller's task in place under a row lock (core.transitions.locked)."""
    return locked(task)


def _transition(task: Task, *, action: str, allowed: Iterable[str], to: str, actor, note: str = "",
                data: dict | None = None, **fields) -> TaskEvent:
    """Move `task` to `to` only if it is still in one of `allowed`; write the history row."""
    now = timezone.now()
    wrong_state = _("This task is “%(status)s”; it cannot be %(action)s now.") % {
        "status": "%(status)s", "action": _action_label(action)}
    left = advance(task, allowed=allowed, to=to, wrong_state=wrong_state,
                   changed_meanwhile=_("Someone else changed this task at the same moment. Reload it and try again."),
                   updated_at=now, **fields)
    return TaskEvent.objects.create(
        task=task, action=action, from_status=left, to_status=to, actor=actor, at=now, note=note, data=data or {},
        deadline=task.deadline,
    )


def _refuse_if_owned(task: Task, action: str, *, owner: str = "") -> None:
    refusal = owner_refusal(task, action, owner=owner)
    if refusal:
        raise ConflictError(refusal, code="managed")


def _action_label(action: str) -> str:
    return {
        "assign": _("assigned"), "accept": _("accepted"), "return": _("returned"),
        "report_progress": _("reported on"), "request_extension": _("extended"), "submit": _("submitted"),
        "approve": _("approved"), "send_back": _("sent back"), "cancel": _("cancelled"), "edit": _("edited"),
    }.get(action, action)


def _event(task: Task, *, action: str, actor, note: str = "", data: dict | None = None) -> TaskEvent:
    return TaskEvent.objects.create(
        task=task, action=action, from_status=task.status, to_status=task.status, actor=actor, note=note, data=data or {},
        deadline=task.deadline,
    )


def _attach(task: Task, event: TaskEvent, files, actor) -> list[Evidence]:
    return [
        Evidence.objects.create(task=task, event=event, file=f, name=f.name[:255], size=f.size, uploaded_by=actor)
        for f in files
    ]


def _roll_up(parent_id: int) -> None:
    """A parent's progress is the mean of its live sub-tasks (a completed one counts 100%)."""
    mean = (
        Task.objects.filter(parent_id=parent_id).exclude(status__in=(TaskStatus.CANCELLED, TaskStatus.DRAFT))
        .annotate(p=Case(When(status=TaskStatus.COMPLETED, then=Value(100)), default="progress_percent",
                         output_field=IntegerField()))
        .aggregate(mean=Avg("p"))["mean"]
    )
    if mean is not None:
        Task.objects.filter(pk=parent_id, status=TaskStatus.IN_PROGRESS).update(progress_percent=round(mean))
