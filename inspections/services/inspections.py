"""An inspection's lifecycle: created, started, reported, drafted, concluded, published, followed up, closed
(or cancelled), and its team, whose grant follows the steps."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from accounts.access import people_visible_to, units_visible_to
from accounts.models import Unit, User
from accounts.selectors import heads_of
from core import dates, rulebook
from core.codes import next_code
from core.errors import ConflictError, require, required_text
from core.rulebook import RuleRefusal
from core.transitions import advance, locked
from inspections import rules
from inspections.access import (
    CANCELLABLE_STATUSES,
    CLOSABLE_STATUSES,
    DIRECTIVE_STATUSES,
    GRANTED_STATUSES,
    OVER_STATUSES,
    can_direct,
    can_inspect_from,
    open_recommendation_numbers,
)
from inspections.models import (
    ConclusionStep,
    Inspection,
    InspectionKind,
    InspectionStatus,
    RecommendationStatus,
    TeamMember,
    TeamRole,
)
from inspections.selectors import planned_overlaps
from inspections.services._common import PERMISSION, _event, _inspection_url, _notify, _step, _today
from inspections.services.recommendations import _issue_remediation_task
from inspections.services.rolls import _notify_check_results


def _check_team(actor, leader: User, members: list[User]) -> list[User]:
    visible = set(people_visible_to(actor).filter(pk__in=[leader.pk, *[m.pk for m in members]], is_active=True)
                  .values_list("pk", flat=True))
    if leader.pk not in visible:
        raise ValidationError({"leader": _("Choose an active team leader among the people you can see.")})
    for member in members:
        if member.pk not in visible:
            raise ValidationError({"members": _("%(name)s is not among the people you can see.") % {"name": member}})
    return [m for m in dict.fromkeys(members) if m.pk != leader.pk]


@transaction.atomic
def inspection_create(*, actor, issuing_unit: Unit, data: dict, targets: list[Unit], leader: User,
                      members: list[User] = (), overlap_reason: str = "") -> Inspection:
    """A new inspection (planned). Planning the same unit twice in a year needs a stated reason."""
    require(can_inspect_from(actor, issuing_unit))
    title = required_text(data.get("title"), "title", _("Give the inspection a title."))
    kind = data.get("kind") or InspectionKind.PLANNED
    if kind not in InspectionKind.values:
        raise ValidationError({"kind": _("Choose a kind of inspection.")})
    targets = list(dict.fromkeys(targets))
    if not targets:
        raise ValidationError({"targets": _("Choose at least one unit to inspect.")})
    visible = set(units_visible_to(actor).filter(pk__in=[t.pk for t in targets]).values_list("pk", flat=True))
    for target in targets:
        if target.pk not in visible or target.organisation_id != issuing_unit.organisation_id:
            raise ValidationError({"targets": _("%(unit)s is outside your remit.") % {"unit": target}})
    plan = data.get("plan")
    if plan is not None and plan.issuing_unit_id != issuing_unit.pk:
        raise ValidationError({"plan": _("The plan belongs to another inspecting body.")})
    period_from, period_to = data.get("period_from"), data.get("period_to")
    if period_from and period_to and period_from > period_to:
        raise ValidationError({"period_to": _("The period ends before it starts.")})
    starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
    if starts_on and ends_on and starts_on > ends_on:
        raise ValidationError({"ends_on": _("The inspection ends before it starts.")})
    year = plan.year if plan else (starts_on or data.get("decision_date") or _today()).year
    members = _check_team(actor, leader, list(members))
    overlaps = planned_overlaps(year=year, targets=targets) if kind == InspectionKind.PLANNED else []
    overlap_reason = (overlap_reason or "").strip()
    if overlaps and not overlap_reason:
        listed = "; ".join(f"{unit} ({inspection.code})" for unit, inspection in overlaps)
        raise RuleRefusal({"overlap_reason": _(
            "Already planned for inspection in %(year)d: %(list)s. Inspecting the same body twice in a year is best "
            "avoided (%(basis)s); give the reason to plan it anyway.")
            % {"year": year, "list": listed, "basis": rules.PLAN_OVERLAP_BASIS}},
            code="overlap", rules=[rulebook.registered_constant("inspections.plan_overlap")])
    re_of = data.get("re_inspection_of")
    inspection = Inspection.objects.create(
        code=next_code(Inspection, "TT"), organisation_id=issuing_unit.organisation_id, plan=plan, kind=kind,
        year=year, title=title, issuing_unit=issuing_unit, decision_number=(data.get("decision_number") or "").strip(),
        decision_date=data.get("decision_date"), scope=(data.get("scope") or "").strip(), period_from=period_from,
        period_to=period_to, starts_on=starts_on, ends_on=ends_on, re_inspection_of=re_of, leader=leader,
        created_by=actor,
    )
    inspection.targets.set(targets)
    TeamMember.objects.bulk_create([TeamMember(inspection=inspection, user=leader, role=TeamRole.LEADER)]
                                   + [TeamMember(inspection=inspection, user=m) for m in members])
    data_out = {"overlaps": [i.code for _u, i in overlaps], "overlap_reason": overlap_reason} if overlaps else {}
    _event(inspection=inspection, action="create", actor=actor, to_status=inspection.status, data=data_out)
    return inspection


def _grant_team(inspection: Inspection) -> None:
    for member in TeamMember.objects.filter(inspection=inspection).select_related("user"):
        assign_perm(PERMISSION, member.user, inspection)


def _revoke_team(inspection: Inspection) -> None:
    for member in TeamMember.objects.filter(inspection=inspection).select_related("user"):
        remove_perm(PERMISSION, member.user, inspection)


@transaction.atomic
def inspection_set_team(*, actor, inspection: Inspection, leader: User, members: list[User]) -> Inspection:
    """Change the team; while the inspection runs, grants follow the change at once."""
    inspection = locked(inspection)
    require(can_direct(actor, inspection))
    if inspection.status in OVER_STATUSES:
        raise ConflictError(_("The inspection is over; its team can no longer change."), code="wrong_state")
    members = _check_team(actor, leader, list(members))
    granted = inspection.status in GRANTED_STATUSES
    if granted:
        _revoke_team(inspection)
    TeamMember.objects.filter(inspection=inspection).delete()
    TeamMember.objects.bulk_create([TeamMember(inspection=inspection, user=leader, role=TeamRole.LEADER)]
                                   + [TeamMember(inspection=inspection, user=m) for m in members])
    Inspection.objects.filter(pk=inspection.pk).update(leader=leader)
    inspection.leader = leader
    if granted:
        _grant_team(inspection)
    _event(inspection=inspection, action="team", actor=actor,
           data={"leader": leader.pk, "members": [m.pk for m in members]})
    return inspection


def _team_users(inspection: Inspection) -> list[User]:
    return [m.user for m in inspection.team.select_related("user")]


@transaction.atomic
def inspection_start(*, actor, inspection: Inspection) -> Inspection:
    inspection = locked(inspection)
    require(can_direct(actor, inspection))
    if not inspection.decision_number or not inspection.decision_date:
        raise ValidationError({"decision_number": _("An inspection starts under a decision: enter its number and date.")})
    _step(inspection, action="start", allowed=(InspectionStatus.PLANNED,), to=InspectionStatus.IN_PROGRESS,
          actor=actor, started_at=timezone.now())
    _grant_team(inspection)
    heads = [h for unit in inspection.targets.all() for h in heads_of(unit)]
    _notify([*_team_users(inspection), *heads], "inspection.started",
            _("Inspection started: %(title)s (decision %(number)s)") % {"title": inspection.title,
                                                                        "number": inspection.decision_number},
            target=inspection, url=_inspection_url(inspection))
    return inspection


@transaction.atomic
def inspection_report(*, actor, inspection: Inspection, note: str = "") -> Inspection:
    inspection = locked(inspection)
    require(can_direct(actor, inspection))
    _step(inspection, action="report", allowed=(InspectionStatus.IN_PROGRESS,), to=InspectionStatus.REPORTED,
          actor=actor, note=note.strip(), reported_at=timezone.now())
    return inspection


def _check_step_date(day: date | None, field: str, *, not_before: date | None, what: str) -> date:
    if day is None:
        raise ValidationError({field: _("Enter the date %(what)s.") % {"what": what}})
    if day > _today():
        raise ValidationError({field: _("The date %(what)s cannot be in the future.") % {"what": what}})
    if not_before and day < not_before:
        raise ValidationError({field: _("The date %(what)s cannot precede %(day)s.")
                               % {"what": what, "day": dates.dmy(not_before)}})
    return day


@transaction.atomic
def inspection_assign_drafting(*, actor, inspection: Inspection, assigned_on: date) -> Inspection:
    """The head assigns the drafting of the conclusion (Law 84/2025 art. 34(1): within 5 working days
    of the report): the date is recorded once, and the time limit counts against it."""
    inspection = locked(inspection)
    require(can_direct(actor, inspection))
    if inspection.status != InspectionStatus.REPORTED or inspection.drafting_assigned_on:
        raise ConflictError(_("The drafting is assigned once, after the report and before the draft."),
                            code="wrong_state")
    assigned_on = _check_step_date(assigned_on, "drafting_assigned_on", what=_("the drafting was assigned"),
                                   not_before=timezone.localtime(inspection.reported_at).date())
    changed = Inspection.objects.filter(pk=inspection.pk, status=InspectionStatus.REPORTED,
                                        drafting_assigned_on__isnull=True).update(drafting_assigned_on=assigned_on)
    if changed != 1:
        raise ConflictError(_("Someone else changed this inspection at the same moment. Reload it and try again."))
    inspection.drafting_assigned_on = assigned_on
    late = _late(inspection, ConclusionStep.ASSIGN_DRAFTING)
    _event(inspection=inspection, action="assign_drafting", actor=actor,
           data={"on": assigned_on.isoformat(), **({"late": True} if late else {})})
    return inspection


def _late(inspection: Inspection, step: str) -> bool:
    return any(limit["step"] == step and limit["state"] == "late" for limit in rules.time_limits(inspection))


@transaction.atomic
def inspection_draft_conclusion(*, actor, inspection: Inspection, text: str, received_on: date | None = None,
                                drafting_assigned_on: date | None = None) -> Inspection:
    """The head receives the draft conclusion (the signing limit counts from that day, art. 36(1)).
    When the drafting's assignment was not recorded, its date may be given here."""
    text = required_text(text, "conclusion_text", _("Write the draft conclusion."))
    inspection = locked(inspection)
    require(can_direct(actor, inspection))
    reported = timezone.localtime(inspection.reported_at).date() if inspection.reported_at else None
    fields = {}
    if inspection.drafting_assigned_on is None and drafting_assigned_on is not None:
        fields["drafting_assigned_on"] = _check_step_date(
            drafting_assigned_on, "drafting_assigned_on", what=_("the drafting was assigned"), not_before=reported)
    assigned = fields.get("drafting_assigned_on") or inspection.drafting_assigned_on
    received_on = _check_step_date(received_on or _today(), "draft_received_on", what=_("the draft was received"),
                                   not_before=assigned or reported)
    _step(inspection, action="draft_conclusion", allowed=(InspectionStatus.REPORTED,),
             to=InspectionStatus.DRAFT_CONCLUSION, actor=actor, conclusion_text=text, draft_conclusion_at=timezone.now(),
             draft_received_on=received_on, **fields)
    return inspection


@transaction.atomic
def inspection_record_directive(*, actor, inspection: Inspection, number: str, directive_date: date) -> Inspection:
    """The directive implementing the conclusion (Law 84/2025 art. 53: within 15 days), recorded once."""
    number = required_text(number, "directive_number", _("Enter the directive's number."))
    inspection = locked(inspection)
    require(can_direct(actor, inspection))
    if inspection.status not in DIRECTIVE_STATUSES or inspection.directive_date:
        raise ConflictError(_("The implementing directive is recorded once, after the conclusion is signed."),
                            code="wrong_state")
    directive_date = _check_step_date(directive_date, "directive_date", what=_("of the directive"),
                                      not_before=inspection.conclusion_date)
    changed = Inspection.objects.filter(pk=inspection.pk, status__in=DIRECTIVE_STATUSES,
                                        directive_date__isnull=True).update(directive_number=number,
                                                                            directive_date=directive_date)
    if changed != 1:
        raise ConflictError(_("Someone else changed this inspection at the same moment. Reload it and try again."))
    inspection.directive_number, inspection.directive_date = number, directive_date
    late = _late(inspection, ConclusionStep.IMPLEMENTING_DIRECTIVE)
    _event(inspection=inspection, action="directive", actor=actor, note=number,
           data={"on": directive_date.isoformat(), **({"late": True} if late else {})})
    return inspection


@transaction.atomic
def inspection_conclude(*, actor, inspection: Inspection, number: str, conclusion_date: date, signer: str,
                        text: str = "") -> Inspection:
    """Sign the conclusion: each recommendation becomes a remediation task through the task engine."""
    number = required_text(number, "conclusion_number", _("Enter the conclusion's number."))
    signer = required_text(signer, "conclusion_signer", _("Enter who signed the conclusion."))
    if conclusion_date is None or conclusion_date > _today():
        raise ValidationError({"conclusion_date": _("Enter the date the conclusion was signed (not in the future).")})
    inspection = locked(inspection)
    require(can_direct(actor, inspection))
    recommendations = list(inspection.recommendations.filter(status=RecommendationStatus.DRAFT)
                           .select_related("target_unit"))
    problems = []
    leads = {}
    for rec in recommendations:
        heads = heads_of(rec.target_unit)
        if not heads:
            problems.append(_("Recommendation %(n)d: %(unit)s has no head to lead the remedy.")
                            % {"n": rec.number, "unit": rec.target_unit})
        elif rec.deadline <= _today():
            problems.append(_("Recommendation %(n)d: its deadline has passed.") % {"n": rec.number})
        else:
            leads[rec.pk] = heads[0]
    if problems:
        raise ValidationError({"recommendations": problems})
    late = any(limit["step"] == ConclusionStep.SIGN_CONCLUSION and limit["due"] < conclusion_date
               for limit in rules.time_limits(inspection))
    _step(inspection, action="conclude", allowed=(InspectionStatus.DRAFT_CONCLUSION,), to=InspectionStatus.CONCLUDED,
          actor=actor, data={"late": True} if late else None, concluded_at=timezone.now(), conclusion_number=number,
          conclusion_date=conclusion_date, conclusion_signer=signer,
          conclusion_text=(text or "").strip() or inspection.conclusion_text)
    for rec in recommendations:
        task = _issue_remediation_task(inspection, rec, leads[rec.pk])
        changed_meanwhile = _("Someone else changed the recommendations at the same moment.")
        advance(rec, allowed=(RecommendationStatus.DRAFT,), to=RecommendationStatus.IN_REMEDIATION, task=task,
                wrong_state=changed_meanwhile, changed_meanwhile=changed_meanwhile)
        _event(inspection=inspection, recommendation=rec, action="remediation_task", actor=actor,
               from_status=RecommendationStatus.DRAFT, to_status=RecommendationStatus.IN_REMEDIATION,
               data={"task": task.pk, "code": task.code})
    if inspection.kind == InspectionKind.PUBLIC_SERVICE:
        _notify_check_results(inspection)
    return inspection


@transaction.atomic
def inspection_publish(*, actor, inspection: Inspection, publish_until: date) -> Inspection:
    inspection = locked(inspection)
    require(can_direct(actor, inspection))
    earliest = rules.earliest_publish_until(_today())
    if publish_until is None or publish_until < earliest:
        raise ValidationError({"publish_until": _("The conclusion is published for at least %(n)d consecutive days: "
                                                  "until %(day)s or later.") % {"n": rules.PUBLICATION_DAYS,
                                                                                "day": dates.dmy(earliest)}})
    _step(inspection, action="publish", allowed=(InspectionStatus.CONCLUDED,), to=InspectionStatus.PUBLISHED,
          actor=actor, published_at=timezone.now(), publish_until=publish_until)
    return inspection


@transaction.atomic
def inspection_follow_up(*, actor, inspection: Inspection) -> Inspection:
    inspection = locked(inspection)
    require(can_direct(actor, inspection))
    _step(inspection, action="follow_up", allowed=(InspectionStatus.PUBLISHED,), to=InspectionStatus.FOLLOW_UP,
          actor=actor)
    return inspection


@transaction.atomic
def inspection_close(*, actor, inspection: Inspection, note: str = "") -> Inspection:
    """Only when every recommendation is verified done (or withdrawn); the team's grants end."""
    inspection = locked(inspection)
    require(can_direct(actor, inspection))
    still_open = open_recommendation_numbers(inspection)
    if still_open:
        raise ConflictError(_("Recommendations %(list)s are not verified done yet; the inspection cannot close.")
                            % {"list": ", ".join(str(n) for n in still_open)}, code="open_recommendations")
    _step(inspection, action="close", allowed=CLOSABLE_STATUSES,
          to=InspectionStatus.CLOSED, actor=actor, note=note.strip(), closed_at=timezone.now())
    _revoke_team(inspection)
    return inspection


@transaction.atomic
def inspection_cancel(*, actor, inspection: Inspection, reason: str) -> Inspection:
    reason = required_text(reason, "reason", _("Give the reason for cancelling."))
    inspection = locked(inspection)
    require(can_direct(actor, inspection))
    if inspection.findings.exists():
        raise ConflictError(_("Findings have been recorded: the inspection goes on to its conclusion."),
                            code="has_findings")
    was_granted = inspection.status in GRANTED_STATUSES
    _step(inspection, action="cancel", allowed=CANCELLABLE_STATUSES,
          to=InspectionStatus.CANCELLED, actor=actor, note=reason)
    if was_granted:
        _revoke_team(inspection)
    return inspection
