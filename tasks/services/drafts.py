"""Drafts: created (by an assigner, a sub-task by the parent's lead, or issued by a signed act) and edited
until assigned; the relations they name are scoped to the actor."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import scope_for
from accounts.models import Unit, User
from core.codes import next_code
from core.errors import ConflictError, require
from tasks.access import ACTION_STATES, available_actions, can, can_assign_in
from tasks.models import Participant, Task, TaskStep
from tasks.services.assignment import task_assign
from tasks.services._common import _event, _locked


EDITABLE_FIELDS = (
    "title", "content", "source_number", "source_date", "source_issuer", "lead", "lead_unit", "monitor",
    "process_template", "process_description", "reporting_regime", "deadline", "responsibility", "product_type",
    "product_description", "expected_result", "acceptance_criterion", "authority_basis", "lead_may_decide",
)


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
