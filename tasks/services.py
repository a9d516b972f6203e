"""Actions on tasks. Each runs in one transaction, locks the task row, changes the status with a
conditional UPDATE (so two people acting at once cannot both win, on PostgreSQL and SQLite
alike), writes a TaskEvent and notifies people once the transaction commits.

Views and serializers call these; they never set `status` themselves.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Avg, Case, IntegerField, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import scope_for
from accounts.models import Unit, User
from core.dates import show_date, show_datetime
from core.codes import next_code
from core.errors import ConflictError, require, required_text
from core.transitions import advance, locked
from notifications.services import notification_send
from tasks.access import ACTION_STATES, available_actions, can, can_assign_in, owner_refusal
from tasks.clarity import DIMENSION_NAMES, clarity_check, missing_dimensions
from tasks.evidence import validate_evidence_files
from tasks.models import (
    OPEN_STATUSES,
    Evidence,
    ExtensionRequest,
    ExtensionStatus,
    Participant,
    Quality,
    Task,
    TaskEvent,
    TaskPolicy,
    TaskStatus,
    TaskStep,
)
from tasks.recurrence import period_label

EDITABLE_FIELDS = (
    "title", "content", "source_number", "source_date", "source_issuer", "lead", "lead_unit", "monitor",
    "process_template", "process_description", "reporting_regime", "deadline", "responsibility", "product_type",
    "product_description", "expected_result", "acceptance_criterion", "authority_basis", "lead_may_decide",
)


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


# -- drafts -----------------------------------------------------------------------------


def _check_people(actor, *, assigning_unit: Unit, lead: User | None, lead_unit: Unit | None, monitor: User | None,
                  parent: Task | None, authorised: bool = False) -> None:
    """Writable relations are scoped: a head assigns within the subtree of the assigning unit."""
    errors = {}
    if parent is None and not authorised:
        if not can_assign_in(actor, assigning_unit):
            raise ValidationError({"assigning_unit": _("You may not assign work in this unit.")})
    if lead is not None:
        if not lead.is_active or lead.unit is None or not lead.unit.path.startswith(assigning_unit.path):
            errors["lead"] = _("The lead must be an active official of %(unit)s or a unit below it.") % {"unit": assigning_unit}
    if lead_unit is not None and not lead_unit.path.startswith(assigning_unit.path):
        errors["lead_unit"] = _("The lead unit must be %(unit)s or a unit below it.") % {"unit": assigning_unit}
    if lead is not None and lead_unit is not None and lead.unit_id and not lead.unit.path.startswith(lead_unit.path):
        errors["lead"] = _("The lead must belong to the lead unit.")
    if monitor is not None and (monitor.unit is None or not scope_for(actor).can_read_person(monitor)):
        errors["monitor"] = _("Choose a monitor among the people you can see.")
    if errors:
        raise ValidationError(errors)


def _check_participants(actor, assigning_unit: Unit, participants: list[dict]) -> None:
    scope = scope_for(actor)
    for index, p in enumerate(participants, start=1):
        user, unit = p.get("user"), p.get("unit")
        if user is None and unit is None:
            raise ValidationError({"participants": _("Co-operating party %(n)d: choose a person or a unit.") % {"n": index}})
        if user is not None and not scope.can_read_person(user):
            raise ValidationError({"participants": _("Co-operating party %(n)d is outside your remit.") % {"n": index}})
        if unit is not None and unit.organisation_id != assigning_unit.organisation_id:
            raise ValidationError({"participants": _("Co-operating party %(n)d is in another organisation.") % {"n": index}})


def _save_parts(task: Task, participants: list[dict] | None, steps: list[dict] | None) -> None:
    if participants is not None:
        task.participants.all().delete()
        Participant.objects.bulk_create([
            Participant(task=task, user=p.get("user"), unit=p.get("unit"), part=p.get("part", ""), deadline=p.get("deadline"))
            for p in participants
        ])
    if steps is not None:
        task.steps.all().delete()
        TaskStep.objects.bulk_create([
            TaskStep(task=task, order=i, name=s["name"], responsible=s.get("responsible", ""), due_at=s.get("due_at"))
            for i, s in enumerate(steps, start=1)
        ])


def _steps_from_template(task: Task) -> list[dict]:
    if task.process_template_id is None:
        return []
    start = timezone.now()
    steps, elapsed = [], 0
    for step in task.process_template.steps.all():
        elapsed += step.duration_days
        steps.append({"name": step.name, "responsible": step.responsible, "due_at": start + timedelta(days=elapsed)})
    return steps


@transaction.atomic
def task_create_draft(*, actor, assigning_unit: Unit, data: dict, participants: list[dict] | None = None,
                      steps: list[dict] | None = None, parent: Task | None = None) -> Task:
    """A new task in draft. With `parent`, the parent's lead delegates part of it (a sub-task)."""
    if parent is not None:
        require("delegate" in available_actions(actor, parent))
        assigning_unit = parent.lead_unit
    return _create(actor=actor, assigning_unit=assigning_unit, data=data, participants=participants, steps=steps,
                   parent=parent)


@transaction.atomic
def task_issue(*, assigner, assigning_unit: Unit, data: dict, participants: list[dict] | None = None,
               note: str = "", managed_by: str = "") -> Task:
    """Create and assign at once a task that a signed act requires (a recommendation of an inspection
    conclusion, the follow-up of a Party discipline). The act is the authority, so the assigner need
    not head the assigning unit; the 5-rõ gate and the scoping of the lead still apply. With
    `managed_by` (a TaskOwner), the act's record owns the task: only its services cancel or return it."""
    task = _create(actor=assigner, assigning_unit=assigning_unit, data=data, participants=participants, steps=None,
                   parent=None, authorised=True, note=note, managed_by=managed_by)
    return task_assign(actor=assigner, task=task)


def default_lead_unit(fields: dict) -> dict:
    """The lead unit defaults to the lead's unit — on a new draft, on an edited one and in the live
    checklist alike, so the checklist never shows green for what the gate then refuses."""
    lead = fields.get("lead")
    if lead is not None and fields.get("lead_unit") is None:
        fields["lead_unit"] = lead.unit
    return fields


def _create(*, actor, assigning_unit: Unit, data: dict, participants, steps, parent, authorised: bool = False,
            note: str = "", managed_by: str = "") -> Task:
    fields = default_lead_unit({name: data.get(name) for name in EDITABLE_FIELDS if name in data})
    if not (fields.get("title") or "").strip():
        raise ValidationError({"title": _("Give the task a title.")})
    _check_people(actor, assigning_unit=assigning_unit, lead=fields.get("lead"), lead_unit=fields.get("lead_unit"),
                  monitor=fields.get("monitor"), parent=parent, authorised=authorised)
    _check_participants(actor, assigning_unit, participants or [])
    for text_field in ("content", "process_description", "reporting_regime", "responsibility", "product_type",
                       "product_description", "expected_result", "acceptance_criterion", "authority_basis",
                       "lead_may_decide", "source_number", "source_issuer"):
        fields[text_field] = (fields.get(text_field) or "").strip()
    task = Task.objects.create(code=next_code(Task, "NV"), assigner=actor, assigning_unit=assigning_unit,
                               parent=parent, managed_by=managed_by, **fields)
    if steps is None and task.process_template_id:
        steps = _steps_from_template(task)
    _save_parts(task, participants, steps)
    _event(task, action="create", actor=actor, note=note)
    return task


@transaction.atomic
def task_update_draft(*, actor, task: Task, data: dict, participants: list[dict] | None = None,
                      steps: list[dict] | None = None) -> Task:
    task = _locked(task)
    require(can(actor, task, "edit"))
    if task.status not in ACTION_STATES["edit"]:
        raise ConflictError(_("Only a draft or a returned task can be edited."), code="wrong_state")
    fields = {name: data[name] for name in EDITABLE_FIELDS if name in data}
    if "lead" in fields:
        default_lead_unit(fields)
    for name, value in fields.items():
        setattr(task, name, value.strip() if isinstance(value, str) else value)
    _check_people(actor, assigning_unit=task.assigning_unit, lead=task.lead, lead_unit=task.lead_unit,
                  monitor=task.monitor, parent=task.parent)
    _check_participants(actor, task.assigning_unit, participants or [])
    task.save()
    if steps is None and "process_template" in fields and task.process_template_id:
        steps = _steps_from_template(task)
    _save_parts(task, participants, steps)
    _event(task, action="edit", actor=actor)
    return task


@transaction.atomic
def task_create_occurrence(*, rule, period: str, due_at: datetime) -> Task:
    """One period's task of a recurrence: a copy of the template, assigned by the template's assigner."""
    template = rule.template
    data = {name: getattr(template, name) for name in EDITABLE_FIELDS}
    data["deadline"] = due_at
    task = Task.objects.create(code=next_code(Task, "NV"), assigner=template.assigner,
                               assigning_unit=template.assigning_unit, recurrence=rule, period=period, **data)
    participants = [{"user": p.user, "unit": p.unit, "part": p.part} for p in template.participants.all()]
    steps = [{"name": s.name, "responsible": s.responsible} for s in template.steps.all()]
    _save_parts(task, participants, steps)
    _event(task, action="create", actor=None, note=_("Recurring task for %(period)s") % {"period": period_label(period)})
    return task_assign(actor=template.assigner, task=task)


# -- the lifecycle ----------------------------------------------------------------------


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
def task_report_progress(*, actor, task: Task, percent: int, note: str = "", files=(), steps_done=()) -> TaskEvent:
    """Progress in percent, with a note, evidence, and the process steps finished since the last report."""
    if not 0 <= int(percent) <= 100:
        raise ValidationError({"percent": _("Progress is a percentage from 0 to 100.")})
    validate_evidence_files(files)
    task = _locked(task)
    require(can(actor, task, "report_progress"))
    if task.status not in ACTION_STATES["report_progress"]:
        raise ConflictError(_("Progress can be reported only while the task is in progress."), code="wrong_state")
    now = timezone.now()
    Task.objects.filter(pk=task.pk).update(progress_percent=percent, updated_at=now)
    task.progress_percent = percent
    finished = list(task.steps.filter(order__in=[int(o) for o in steps_done], done_at__isnull=True)
                    .values_list("order", flat=True))
    task.steps.filter(order__in=finished).update(done_at=now)
    data = {"percent": int(percent)} | ({"steps_done": finished} if finished else {})
    event = _event(task, action="report_progress", actor=actor, note=note.strip(), data=data)
    _attach(task, event, files, actor)
    if task.parent_id:
        _roll_up(task.parent_id)
    _notify(task, [task.assigner, task.monitor], "task.progress",
            _("%(title)s: %(percent)d%% done") % {"title": task.title, "percent": int(percent)})
    return event


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


@transaction.atomic
def task_submit_result(*, actor, task: Task, note: str, files=()) -> Task:
    validate_evidence_files(files)
    task = _locked(task)
    require(can(actor, task, "submit"))
    # The result needs its own evidence: a progress report's files do not prove the result (a result
    # sent back and submitted again may rest on the files of its earlier submission).
    if not files and not task.evidence.filter(event__action="submit").exists():
        raise ValidationError({"files": _("Attach the evidence of the result.")})
    now = timezone.now()
    event = _transition(task, action="submit", allowed=ACTION_STATES["submit"], to=TaskStatus.SUBMITTED,
                        actor=actor, note=note.strip(), submitted_at=now, progress_percent=100)
    _attach(task, event, files, actor)
    # An extension still waiting is settled by the result: approving it later would turn a result
    # delivered in time into one "on time after extension".
    for request_id in task.extension_requests.filter(status=ExtensionStatus.PENDING).values_list("pk", flat=True):
        ExtensionRequest.objects.filter(pk=request_id, status=ExtensionStatus.PENDING).update(
            status=ExtensionStatus.SETTLED, decided_at=now, decision_note=_("The result was submitted first."))
        _event(task, action="settle_extension", actor=actor, data={"request": request_id})
    _notify(task, [task.assigner, task.monitor], "task.submitted", _("Result submitted: %(title)s") % {"title": task.title})
    return task


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


def task_submit_report(*, actor, task_id: int, note: str, file_name: str, content: bytes) -> Task:
    """A generated report (the periodic task report's workbook) sent as the result of a report task
    the actor leads: the file is its evidence. The same checks as any result (tasks.access)."""
    task = Task.objects.filter(pk=task_id, lead=actor).first()
    if task is None:
        raise ValidationError({"task": _("Choose a report task you lead.")})
    upload = SimpleUploadedFile(file_name, content)
    return task_submit_result(actor=actor, task=task, note=note, files=[upload])


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
