"""Findings (biên bản vi phạm): recorded with evidence, explained by the subject, handled, withdrawn."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import scope_for
from accounts.models import Unit, User
from accounts.selectors import heads_of
from core import dates
from core.codes import next_code
from core.errors import ConflictError, require, required_text
from core.transitions import locked
from inspections import rules
from inspections.access import (
    PROPOSABLE_STATUSES,
    can_explain,
    can_handle_finding,
    can_record,
    can_withdraw_finding,
    explanation_open,
)
from inspections.models import DecisionStatus, Finding, FindingEvidence, FindingStatus, Handling, Inspection
from inspections.services._common import _event, _notify, _step, _today
from core.evidence import validate_evidence_files


def _finding_url(finding: Finding) -> str:
    return reverse("inspections:finding", args=[finding.pk])


def _attach(finding: Finding, files, actor, *, for_explanation: bool = False) -> list[FindingEvidence]:
    return [FindingEvidence.objects.create(finding=finding, file=f, name=f.name[:255], size=f.size,
                                           for_explanation=for_explanation, uploaded_by=actor) for f in files]


def check_finding_subject(inspection: Inspection, person: User | None, unit: Unit | None) -> Unit:
    """The subject must lie in an inspected unit's subtree; returns the subject's unit."""
    if person is None and unit is None:
        raise ValidationError({"subject_person": _("Choose the person or the unit concerned.")})
    if person is not None:
        if person.unit is None:
            raise ValidationError({"subject_person": _("%(name)s belongs to no unit.") % {"name": person}})
        unit = unit or person.unit
        if not person.unit.path.startswith(unit.path):
            raise ValidationError({"subject_unit": _("%(name)s does not belong to %(unit)s.")
                                   % {"name": person, "unit": unit}})
    target_paths = [t.path for t in inspection.targets.all()]
    if not any(unit.path.startswith(path) for path in target_paths):
        raise ValidationError({"subject_unit": _("%(unit)s is not among the units this inspection covers.")
                               % {"unit": unit}})
    return unit


def finding_warnings(finding: Finding) -> list[str]:
    """Discipline in force on the violation date: a new discipline must be one level heavier."""
    if finding.subject_person_id is None:
        return []
    day = timezone.localtime(finding.occurred_at).date()
    return [
        _("%(name)s was under discipline (%(form)s, decision %(number)s) when this happened: a new discipline must be "
          "one level heavier.") % {"name": finding.subject_person, "form": d.get_form_display(), "number": d.number}
        for d in rules.decisions_in_force(finding.subject_person_id, day)
    ]


def _retried_finding(actor, inspection: Inspection, client_token: str) -> Finding | None:
    """The finding `actor` recorded under `client_token`, only ever among their own findings."""
    existing = Finding.objects.filter(recorded_by=actor, client_token=client_token).first()
    if existing is not None and existing.inspection_id != inspection.pk:
        raise ValidationError({"client_token": _(
            "This submission token was already used for finding %(code)s in another inspection; reload the form "
            "and submit again.") % {"code": existing.code}})
    return existing


@transaction.atomic
def finding_record(*, actor, inspection: Inspection, data: dict, files=(), client_token: str = "") -> Finding:
    """Record a violation with its evidence; the subject is told and may explain before the deadline.
    A retried submission with the same client token returns the finding this recorder already recorded
    (tokens are unique per recorder: another inspector's token is just another token)."""
    client_token = (client_token or "").strip()[:64] or None
    if client_token:
        existing = _retried_finding(actor, inspection, client_token)
        if existing is not None:
            return existing
    validate_evidence_files(files)
    inspection = locked(inspection)
    require(can_record(actor, inspection))
    person, violation = data.get("subject_person"), data.get("violation_type")
    if violation is None or not violation.active:
        raise ValidationError({"violation_type": _("Choose the violation from the catalogue.")})
    if person is not None and not scope_for(actor).can_read_person(person):
        raise ValidationError({"subject_person": _("Choose a person among the people you can see.")})
    unit = check_finding_subject(inspection, person, data.get("subject_unit"))
    occurred_at = data.get("occurred_at") or timezone.now()
    if occurred_at > timezone.now() + timedelta(minutes=5):
        raise ValidationError({"occurred_at": _("The violation cannot be in the future.")})
    description = required_text(data.get("description"), "description", _("Describe what was seen."))
    severity = data.get("severity") or violation.default_severity
    try:
        with transaction.atomic():
            finding = Finding.objects.create(
                code=next_code(Finding, "VP"), inspection=inspection, subject_person=person, subject_unit=unit,
                violation_type=violation, occurred_at=occurred_at, location=(data.get("location") or "").strip()[:300],
                description=description, severity=severity, recorded_by=actor, client_token=client_token,
                explanation_due=rules.explanation_due(_today()))
    except IntegrityError:
        # The same submission from the same recorder arrived twice at once: the first one recorded it.
        existing = _retried_finding(actor, inspection, client_token) if client_token else None
        if existing is None:
            raise
        return existing
    _attach(finding, files, actor)
    warnings = finding_warnings(finding)
    _event(inspection=inspection, finding=finding, action="record", actor=actor, to_status=finding.status,
           data={"warnings": warnings} if warnings else None)
    recipients = [person] if person is not None else heads_of(unit)
    _notify(recipients, "finding.recorded", _("A violation was recorded: %(what)s. You may explain by %(day)s.")
            % {"what": violation.name, "day": dates.dmy(finding.explanation_due)},
            target=finding, url=_finding_url(finding))
    finding.warnings = warnings
    return finding


@transaction.atomic
def finding_explain(*, actor, finding: Finding, text: str, files=()) -> Finding:
    """The subject's explanation (giải trình), before the deadline."""
    text = required_text(text, "explanation", _("Write your explanation."))
    validate_evidence_files(files)
    finding = locked(finding)
    require(can_explain(actor, finding))
    if finding.status == FindingStatus.AWAITING_EXPLANATION and not explanation_open(finding):
        raise ConflictError(_("The deadline for explaining was %(day)s.") % {"day": dates.dmy(finding.explanation_due)},
                            code="deadline_passed")
    _step(finding, action="explain", allowed=(FindingStatus.AWAITING_EXPLANATION,),
                  to=FindingStatus.EXPLAINED, actor=actor, note=text[:1000], explanation=text, explained_by=actor,
                  explained_at=timezone.now())
    _attach(finding, files, actor, for_explanation=True)
    leader = Inspection.objects.get(pk=finding.inspection_id).leader
    _notify([finding.recorded_by, leader], "finding.explained", _("%(who)s explained finding %(code)s")
            % {"who": actor, "code": finding.code}, target=finding, url=_finding_url(finding))
    return finding


@transaction.atomic
def finding_propose_handling(*, actor, finding: Finding, handling: str, note: str = "") -> Finding:
    if handling not in Handling.values:
        raise ValidationError({"proposed_handling": _("Choose the handling to propose.")})
    finding = locked(finding)
    inspection = Inspection.objects.get(pk=finding.inspection_id)
    require(can_handle_finding(actor, finding, inspection))
    if explanation_open(finding):
        raise ConflictError(_("The subject may explain until %(day)s; propose handling after that.")
                            % {"day": dates.dmy(finding.explanation_due)}, code="awaiting_explanation")
    _step(finding, action="propose",
                  allowed=PROPOSABLE_STATUSES,
                  to=FindingStatus.HANDLED, actor=actor, note=note.strip(), data={"handling": handling},
                  proposed_handling=handling, handling_note=note.strip())
    recipients = [finding.subject_person] if finding.subject_person_id else heads_of(finding.subject_unit)
    _notify(recipients, "finding.handling", _("Handling proposed for %(code)s: %(handling)s")
            % {"code": finding.code, "handling": Handling(handling).label}, target=finding, url=_finding_url(finding))
    return finding


@transaction.atomic
def finding_withdraw(*, actor, finding: Finding, reason: str) -> Finding:
    """A finding is never deleted: withdrawing keeps it, with the reason, who and when."""
    reason = required_text(reason, "reason", _("Give the reason for withdrawing."))
    finding = locked(finding)
    require(can_withdraw_finding(actor, finding, Inspection.objects.get(pk=finding.inspection_id)))
    if finding.decisions.filter(status=DecisionStatus.ISSUED).exists():
        raise ConflictError(_("A disciplinary decision rests on this finding; withdraw the decision first."),
                            code="has_decision")
    _step(finding, action="withdraw", allowed=[s for s in FindingStatus.values if s != FindingStatus.WITHDRAWN],
                  to=FindingStatus.WITHDRAWN, actor=actor, note=reason, withdrawn_reason=reason)
    return finding
