"""Extensions: asked by the lead before the deadline, decided by the assigning authority."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.dates import show_date, show_datetime
from core.errors import ConflictError, require, required_text
from tasks.access import ACTION_STATES, can
from tasks.models import ExtensionRequest, ExtensionStatus, Task, TaskPolicy
from tasks.services._common import _event, _locked, _notify


@transaction.atomic
def task_request_extension(*, actor, task: Task, new_deadline: datetime, reason: str) -> ExtensionRequest:
    """Asked in writing with reasons, to the assigning authority, before the deadline (DOMAIN.md §1)."""
    reason = required_text(reason, "reason", _("Give the reasons for the extension."))
    task = _locked(task)
    require(can(actor, task, "request_extension"))
    if task.status not in ACTION_STATES["request_extension"]:
        raise ConflictError(_("An extension can be asked only while the task is open."), code="wrong_state")
    policy = TaskPolicy.objects.filter(organisation_id=task.assigning_unit.organisation_id).first()
    lead_days = policy.extension_lead_days if policy else 0
    latest = task.deadline - timedelta(days=lead_days)
    if timezone.now() >= latest:
        raise ValidationError({"new_deadline": _("An extension must be asked before %(when)s.")
                               % {"when": show_datetime(latest)}})
    if new_deadline <= task.deadline:
        raise ValidationError({"new_deadline": _("The new deadline must be later than the current one.")})
    if task.extension_requests.filter(status=ExtensionStatus.PENDING).exists():
        raise ConflictError(_("An extension request is already waiting for a decision."), code="pending_extension")
    request = ExtensionRequest.objects.create(task=task, requested_by=actor, current_deadline=task.deadline,
                                              requested_deadline=new_deadline, reason=reason)
    _event(task, action="request_extension", actor=actor, note=reason,
           data={"requested_deadline": new_deadline.isoformat(), "request": request.pk})
    _notify(task, [task.assigner], "task.extension_requested", _("%(lead)s asks to extend %(title)s to %(when)s")
            % {"lead": actor, "title": task.title, "when": show_date(new_deadline)})
    return request


@transaction.atomic
def task_decide_extension(*, actor, request: ExtensionRequest, approve: bool, granted_deadline: datetime | None = None,
                          note: str = "") -> ExtensionRequest:
    task = _locked(request.task)
    require(can(actor, task, "decide_extension"))
    # Whoever waited on the lock sees the decision already taken: that is a conflict, not bad input.
    request.refresh_from_db()
    if request.status != ExtensionStatus.PENDING:
        raise ConflictError(_("This extension request has already been decided."), code="already_decided")
    if not approve:
        note = required_text(note, "note", _("Give the reason for refusing."))
    granted = (granted_deadline or request.requested_deadline) if approve else None
    if approve and granted <= task.deadline:
        raise ValidationError({"granted_deadline": _("The new deadline must be later than the current one.")})
    now = timezone.now()
    decided = ExtensionRequest.objects.filter(pk=request.pk, status=ExtensionStatus.PENDING).update(
        status=ExtensionStatus.APPROVED if approve else ExtensionStatus.REFUSED, decided_by=actor, decided_at=now,
        granted_deadline=granted, decision_note=note.strip(),
    )
    if decided != 1:
        raise ConflictError(_("This extension request has already been decided."), code="already_decided")
    request.refresh_from_db()
    if approve:
        if task.status not in ACTION_STATES["decide_extension"]:
            raise ConflictError(_("The task is no longer open."), code="wrong_state")
        # The original deadline stays in original_deadline; every change stays in the events.
        Task.objects.filter(pk=task.pk).update(deadline=granted, extended=True, overdue_marked_at=None, updated_at=now)
        previous = task.deadline
        task.deadline = granted
        _event(task, action="extend", actor=actor, note=note.strip(),
               data={"from": previous.isoformat(), "to": granted.isoformat(), "request": request.pk})
        message = _("Extension granted for %(title)s: new deadline %(when)s") % {
            "title": task.title, "when": show_datetime(granted)}
    else:
        _event(task, action="refuse_extension", actor=actor, note=note.strip(), data={"request": request.pk})
        message = _("Extension refused for %(title)s: %(note)s") % {"title": task.title, "note": note.strip()[:200]}
    _notify(task, [task.lead, task.monitor], "task.extension_decided", message)
    return request
