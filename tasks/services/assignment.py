"""The assignment: leaving draft through the 5-rõ gate, the lead accepting or returning it, the
assigning authority cancelling it."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.dates import show_datetime
from core.errors import require, required_text
from tasks.access import ACTION_STATES, can
from tasks.clarity import DIMENSION_NAMES, clarity_check, missing_dimensions
from tasks.models import Task, TaskStatus
from tasks.services._common import _locked, _notify, _refuse_if_owned, _transition


@transaction.atomic
def task_assign(*, actor, task: Task) -> Task:
    """Leave draft: only when every dimension of the profile is clear."""
    task = _locked(task)
    require(can(actor, task, "assign"))
    missing = missing_dimensions(clarity_check(task))
    if missing:
        dims = ", ".join(str(DIMENSION_NAMES[dim]) for dim in missing)  # named in words; the keys keep the codes
        raise ValidationError({"clarity": [_("Not clear yet: %(dims)s.") % {"dims": dims}]}
                              | {f"clarity.{dim}": reasons for dim, reasons in missing.items()})
    if task.deadline <= timezone.now():
        raise ValidationError({"deadline": _("The deadline must be in the future.")})
    _transition(task, action="assign", allowed=ACTION_STATES["assign"], to=TaskStatus.ASSIGNED,
                actor=actor, assigned_at=timezone.now(), original_deadline=task.original_deadline or task.deadline)
    people = [task.lead, task.monitor, *[p.user for p in task.participants.select_related("user")]]
    _notify(task, people, "task.assigned", _("New task: %(title)s (deadline %(deadline)s)")
            % {"title": task.title, "deadline": show_datetime(task.deadline)})
    return task


@transaction.atomic
def task_accept(*, actor, task: Task) -> Task:
    task = _locked(task)
    require(can(actor, task, "accept"))
    _transition(task, action="accept", allowed=ACTION_STATES["accept"], to=TaskStatus.IN_PROGRESS, actor=actor)
    _notify(task, [task.assigner], "task.accepted", _("%(lead)s accepted: %(title)s") % {"lead": actor, "title": task.title})
    return task


@transaction.atomic
def task_return(*, actor, task: Task, reason: str) -> Task:
    """The lead gives the task back to the assigner, with a reason (it is not theirs, not clear…)."""
    reason = required_text(reason, "reason", _("Give the reason for returning the task."))
    task = _locked(task)
    require(can(actor, task, "return"))
    _refuse_if_owned(task, "return")
    _transition(task, action="return", allowed=ACTION_STATES["return"], to=TaskStatus.RETURNED, actor=actor, note=reason)
    _notify(task, [task.assigner], "task.returned", _("%(lead)s returned the task %(title)s: %(reason)s")
            % {"lead": actor, "title": task.title, "reason": reason[:200]})
    return task


@transaction.atomic
def task_cancel(*, actor, task: Task, reason: str, owner: str = "") -> Task:
    """`owner` is passed only by the services of the record that manages the task (Task.managed_by):
    they have checked the actor's authority over that record, which governs its task."""
    reason = required_text(reason, "reason", _("Give the reason for cancelling."))
    task = _locked(task)
    if not (owner and owner == task.managed_by):
        require(can(actor, task, "cancel"))
        _refuse_if_owned(task, "cancel", owner=owner)
    _transition(task, action="cancel", allowed=ACTION_STATES["cancel"],
                to=TaskStatus.CANCELLED, actor=actor, note=reason)
    _notify(task, [task.lead, task.monitor], "task.cancelled", _("Task cancelled: %(title)s") % {"title": task.title})
    return task
