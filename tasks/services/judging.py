"""Judging the result: approved with an evaluation or sent back for rework, by someone other than
the lead (tasks.access.may_judge); or completed by the record that owns the task."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import require, required_text
from tasks.access import ACTION_STATES, can
from tasks.models import OPEN_STATUSES, Quality, Task, TaskStatus
from tasks.services._common import _locked, _notify, _roll_up, _transition


@transaction.atomic
def task_approve(*, actor, task: Task, quality: str, note: str = "", open_subtasks_reason: str = "") -> Task:
    if quality not in Quality.values or quality == Quality.FAIL:
        raise ValidationError({"quality": _("Choose the quality of the result (a failing result is sent back).")})
    task = _locked(task)
    require(can(actor, task, "approve"))
    open_subtasks = task.subtasks.filter(status__in=(*OPEN_STATUSES, TaskStatus.DRAFT)).count()
    if open_subtasks and not open_subtasks_reason.strip():
        raise ValidationError({"open_subtasks_reason": _(
            "%(n)d sub-task(s) are still open: give the reason for approving anyway.") % {"n": open_subtasks}})
    data = {"quality": quality}
    if open_subtasks:
        data["open_subtasks"] = open_subtasks
        data["open_subtasks_reason"] = open_subtasks_reason.strip()
    _transition(task, action="approve", allowed=ACTION_STATES["approve"], to=TaskStatus.COMPLETED, actor=actor,
                note=note.strip(), data=data, completed_at=timezone.now(), quality=quality, evaluation_note=note.strip())
    if task.parent_id:
        _roll_up(task.parent_id)
    _notify(task, [task.lead, task.monitor], "task.approved", _("Result approved: %(title)s") % {"title": task.title})
    return task


@transaction.atomic
def task_send_back(*, actor, task: Task, reason: str) -> Task:
    """The result does not meet the acceptance criterion: back to the lead for rework."""
    reason = required_text(reason, "reason", _("Say what must be reworked."))
    task = _locked(task)
    require(can(actor, task, "send_back"))
    _transition(task, action="send_back", allowed=ACTION_STATES["send_back"], to=TaskStatus.IN_PROGRESS, actor=actor,
                note=reason, data={"quality": Quality.FAIL}, submitted_at=None)
    _notify(task, [task.lead], "task.sent_back", _("Rework needed on %(title)s: %(reason)s")
            % {"title": task.title, "reason": reason[:200]})
    return task


@transaction.atomic
def task_complete_for_owner(*, actor, task: Task, owner: str, note: str = "") -> Task:
    """The record that owns a task (Task.managed_by) completes it when its own act is done — a unit's
    reform self-assessment submitted completes the task to self-assess. The owner's services have
    checked the actor's authority over that record; the completion time, against the deadline, tells
    on time from late as for any task. A task already finished or cancelled is left as it is."""
    task = _locked(task)
    require(bool(owner) and owner == task.managed_by)
    if task.status not in OPEN_STATUSES:
        return task
    now = timezone.now()
    _transition(task, action="approve", allowed=OPEN_STATUSES, to=TaskStatus.COMPLETED, actor=actor,
                note=note.strip(), data={"owner": owner}, submitted_at=task.submitted_at or now, completed_at=now,
                progress_percent=100)
    _notify(task, [task.assigner, task.monitor], "task.approved", _("Completed: %(title)s") % {"title": task.title})
    return task
