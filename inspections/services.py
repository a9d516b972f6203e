"""Actions on plans, inspections, findings, recommendations and disciplinary decisions.

Each runs in one transaction, re-reads its row under a lock, changes the status with a
conditional UPDATE (two people acting at once cannot both win, on PostgreSQL and SQLite),
writes an Event and notifies on commit. Remediation and follow-up work is created through the
task engine's services (tasks.services.task_issue), never by writing task rows here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from guardian.shortcuts import assign_perm, remove_perm

from accounts.access import people_visible_to, scope_for, units_visible_to
from accounts.models import Unit, User
from accounts.selectors import heads_of
from core import dates, rulebook
from core.errors import ConflictError, require, required_text
from core.codes import next_code
from core.rulebook import RuleRefusal
from core.transitions import advance, locked
from inspections import rules
from inspections.access import (
    CANCELLABLE_STATUSES,
    CLOSABLE_STATUSES,
    DIRECTIVE_STATUSES,
    FOLLOWING_STATUSES,
    GRANTED_STATUSES,
    OVER_STATUSES,
    PROPOSABLE_STATUSES,
    RECOMMENDING_STATUSES,
    RECORD_PERMISSION,
    can_announce,
    can_decide_discipline,
    can_direct,
    can_explain,
    can_handle_finding,
    can_inspect_from,
    can_record,
    can_verify,
    can_withdraw_finding,
    decisions_visible_to,
    explanation_open,
    findings_visible_to,
    is_team_member,
    open_recommendation_numbers,
)
from inspections.models import (
    Attendance,
    CheckItem,
    CheckOutcome,
    CheckResult,
    ConclusionStep,
    DecisionStatus,
    DisciplinaryDecision,
    DisciplineForm,
    DisciplineFormRule,
    DisciplinePause,
    DisciplineRuleSet,
    DisciplineSystem,
    Event,
    Finding,
    FindingEvidence,
    FindingStatus,
    Handling,
    Inspection,
    InspectionKind,
    InspectionPlan,
    InspectionStatus,
    PartySubject,
    PauseKind,
    Recommendation,
    RecommendationStatus,
    RollCall,
    RollEntry,
    RollSubmission,
    TeamMember,
    TeamRole,
    ViolationType,
)
from notifications.services import notification_send
from core.evidence import validate_evidence_files
from tasks.models import TaskOwner, TaskStatus
from tasks.services import task_approve, task_cancel, task_issue, task_send_back

PERMISSION = f"inspections.{RECORD_PERMISSION}"
# The catalogue entry an absence without a reason on the roll is recorded under.
ROLL_ABSENCE_VIOLATION = "VANG_KHONG_LY_DO"


def _today() -> date:
    return timezone.localdate()


def _event(*, action: str, actor, note: str = "", data: dict | None = None, from_status: str = "",
           to_status: str = "", **targets) -> Event:
    return Event.objects.create(action=action, actor=actor, note=note, data=data or {}, from_status=from_status,
                                to_status=to_status, **targets)


def _notify(recipients: Iterable, verb: str, message: str, *, target, url: str, dedupe_key: str | None = None):
    notification_send(recipients=[r for r in recipients if r is not None], verb=verb, message=message,
                      target=target, url=url, dedupe_key=dedupe_key)


def common_ancestor(a: Unit, b: Unit) -> Unit:
    """The lowest unit whose subtree holds both (one query)."""
    shared = [path for path in a.ancestor_paths() if b.path.startswith(path)]
    if not shared:
        raise ValidationError(_("%(a)s and %(b)s belong to different organisations.") % {"a": a, "b": b})
    return Unit.objects.get(path=shared[-1])


# -- plans -----------------------------------------------------------------------------------


@transaction.atomic
def plan_create(*, actor, issuing_unit: Unit, year: int, title: str, number: str = "", approved_on=None,
                note: str = "") -> InspectionPlan:
    require(can_inspect_from(actor, issuing_unit))
    title = required_text(title, "title", _("Give the plan a title."))
    if not 2000 <= int(year) <= 2100:
        raise ValidationError({"year": _("Enter a year such as %(year)d.") % {"year": _today().year}})
    return InspectionPlan.objects.create(organisation_id=issuing_unit.organisation_id, issuing_unit=issuing_unit,
                                         year=year, title=title, number=number.strip(), approved_on=approved_on,
                                         note=note.strip(), created_by=actor)


def planned_overlaps(*, year: int, targets: Iterable[Unit], exclude_pk: int | None = None) -> list[tuple[Unit, Inspection]]:
    """Planned inspections of the same unit in the same year (good practice for agencies:
    rules.PLAN_OVERLAP_BASIS; Directive 20/CT-TTg itself limits inspections of enterprises)."""
    target_ids = [t.pk for t in targets]
    others = (Inspection.targets.through.objects
              .filter(unit_id__in=target_ids, inspection__year=year, inspection__kind=InspectionKind.PLANNED)
              .exclude(inspection__status=InspectionStatus.CANCELLED)
              .select_related("unit", "inspection"))
    if exclude_pk:
        others = others.exclude(inspection_id=exclude_pk)
    return [(row.unit, row.inspection) for row in others]


# -- inspections -----------------------------------------------------------------------------


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


# The refusals of a step on an inspection or a finding, by what the record is.
WRONG_STATE = {
    Inspection: gettext_lazy("This inspection is “%(status)s”; that step is not possible now."),
    Finding: gettext_lazy("This finding is “%(status)s”; that is not possible now."),
}
CHANGED_MEANWHILE = {
    Inspection: gettext_lazy("Someone else changed this inspection at the same moment. Reload it and try again."),
    Finding: gettext_lazy("Someone else changed this finding at the same moment. Reload it and try again."),
}


def _step(record, *, action: str, allowed: Iterable[str], to: str, actor, note: str = "", data: dict | None = None,
          **fields) -> Event:
    """Move an inspection or a finding to `to` (core.transitions.advance: only if it is still in one of
    `allowed`) and write the history row."""
    model = type(record)
    left = advance(record, allowed=allowed, to=to, wrong_state=WRONG_STATE[model],
                   changed_meanwhile=CHANGED_MEANWHILE[model], **fields)
    targets = {"inspection": record} if model is Inspection else {"inspection_id": record.inspection_id, "finding": record}
    return _event(action=action, actor=actor, note=note, data=data, from_status=left, to_status=to, **targets)


def _inspection_url(inspection: Inspection) -> str:
    return reverse("inspections:detail", args=[inspection.pk])


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


def time_limits(inspection: Inspection, *, today: date | None = None) -> list[dict]:
    """Law 84/2025's limits of the conclusion, each from its own date (inspections.rules.time_limits)."""
    return rules.time_limits(inspection, today=today)


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
def recommendation_add(*, actor, inspection: Inspection, content: str, target_unit: Unit, deadline: date,
                       expected_result: str) -> Recommendation:
    content = required_text(content, "content", _("Write the recommendation."))
    expected_result = required_text(expected_result, "expected_result", _("Say what result is expected."))
    inspection = locked(inspection)
    require(can_direct(actor, inspection) or is_team_member(actor, inspection))
    if inspection.status not in RECOMMENDING_STATUSES:
        raise ConflictError(_("Recommendations are written with the report and the draft conclusion."),
                            code="wrong_state")
    if not any(target_unit.path.startswith(t.path) for t in inspection.targets.all()):
        raise ValidationError({"target_unit": _("The unit must be an inspected unit or one below it.")})
    if deadline <= _today():
        raise ValidationError({"deadline": _("The deadline must be in the future.")})
    number = (inspection.recommendations.aggregate(n=models.Max("number"))["n"] or 0) + 1
    recommendation = Recommendation.objects.create(
        inspection=inspection, number=number, content=content, target_unit=target_unit, deadline=deadline,
        expected_result=expected_result, created_by=actor)
    _event(inspection=inspection, recommendation=recommendation, action="recommend", actor=actor,
           to_status=recommendation.status, note=content[:500])
    return recommendation


def _remediation_data(inspection: Inspection, recommendation: Recommendation, lead: User) -> dict:
    """A 5-rõ task for the head of the unit that must act (every dimension of every profile)."""
    due = timezone.make_aware(datetime.combine(recommendation.deadline, time(17, 0)))
    basis = _("Inspection conclusion %(number)s of %(date)s") % {
        "number": inspection.conclusion_number, "date": dates.dmy(inspection.conclusion_date)}
    return {
        "title": (_("Remedy: %(text)s") % {"text": recommendation.content})[:300],
        "content": recommendation.content, "source_number": inspection.conclusion_number,
        "source_date": inspection.conclusion_date, "source_issuer": str(inspection.issuing_unit)[:200],
        "lead": lead, "lead_unit": recommendation.target_unit, "monitor": inspection.leader,
        "process_description": _("1. Plan the remedy; 2. carry it out; 3. report the result with evidence to the "
                                 "inspection team."),
        "reporting_regime": _("Report when done, and whenever the team asks"),
        "deadline": due,
        "responsibility": _("The head of %(unit)s answers for remedying the recommendation.")
        % {"unit": recommendation.target_unit},
        "product_type": _("Remediation report"),
        "product_description": _("A report on the remedy, with evidence"),
        "expected_result": recommendation.expected_result,
        "acceptance_criterion": _("The inspection team verifies the result."),
        "authority_basis": basis[:300],
        "lead_may_decide": _("How the work is organised within the unit"),
    }


def _issue_remediation_task(inspection: Inspection, recommendation: Recommendation, lead: User):
    """The remediation task, owned by the recommendation: the task engine's own cancel and return
    refuse it, so it is cancelled or replaced only here, with the recommendation kept consistent."""
    return task_issue(assigner=inspection.leader,
                      assigning_unit=common_ancestor(inspection.issuing_unit, recommendation.target_unit),
                      data=_remediation_data(inspection, recommendation, lead),
                      note=_("Recommendation %(n)d of %(code)s") % {"n": recommendation.number, "code": inspection.code},
                      managed_by=TaskOwner.RECOMMENDATION)


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
               for limit in time_limits(inspection))
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
    earliest = _today() + timedelta(days=rules.PUBLICATION_DAYS - 1)
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


# -- findings --------------------------------------------------------------------------------


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
    days = settings.FINDING_EXPLANATION_DAYS
    try:
        with transaction.atomic():
            finding = Finding.objects.create(
                code=next_code(Finding, "VP"), inspection=inspection, subject_person=person, subject_unit=unit,
                violation_type=violation, occurred_at=occurred_at, location=(data.get("location") or "").strip()[:300],
                description=description, severity=severity, recorded_by=actor, client_token=client_token,
                explanation_due=_today() + timedelta(days=days))
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


# -- recommendations -------------------------------------------------------------------------


@transaction.atomic
def recommendation_verify(*, actor, recommendation: Recommendation, accepted: bool, note: str = "") -> Recommendation:
    """The inspection's team leader — never the remediation task's lead — checks the result.
    Accepting approves the submitted task and closes the recommendation; refusing sends the task back."""
    locked(recommendation)
    inspection = recommendation.inspection
    task = recommendation.task
    require(can_verify(actor, recommendation))
    if recommendation.status != RecommendationStatus.IN_REMEDIATION:
        raise ConflictError(_("This recommendation is not awaiting verification."), code="wrong_state")
    if task.status not in (TaskStatus.SUBMITTED, TaskStatus.COMPLETED):
        raise ConflictError(_("The remediation result has not been submitted yet."), code="not_submitted")
    if not accepted:
        reason = required_text(note, "note", _("Say what is still missing."))
        task_send_back(actor=actor, task=task, reason=reason)
        _event(inspection=inspection, recommendation=recommendation, action="reject", actor=actor, note=reason)
        return recommendation
    if task.status == TaskStatus.SUBMITTED:
        task_approve(actor=actor, task=task, quality="pass", note=note)
    advance(recommendation, allowed=(RecommendationStatus.IN_REMEDIATION,), to=RecommendationStatus.VERIFIED,
            wrong_state=_("This recommendation is not awaiting verification."),
            changed_meanwhile=_("Someone else verified this recommendation at the same moment."),
            verified_by=actor, verified_at=timezone.now(), verification_note=note.strip())
    _event(inspection=inspection, recommendation=recommendation, action="verify", actor=actor, note=note.strip(),
           from_status=RecommendationStatus.IN_REMEDIATION, to_status=RecommendationStatus.VERIFIED)
    recommendation.refresh_from_db()
    _notify([task.lead], "recommendation.verified", _("Remedy verified: recommendation %(n)d of %(code)s")
            % {"n": recommendation.number, "code": inspection.code}, target=inspection, url=_inspection_url(inspection))
    return recommendation






def _cancel_remediation_task(actor, recommendation: Recommendation, reason: str) -> dict:
    """Cancel the recommendation's task if it is still alive (the recommendation owns it); returns the
    event data naming it. A task already cancelled — by the task engine, before tasks were owned —
    is left as it is: that is how a stranded recommendation is repaired."""
    task = recommendation.task
    if task is None:
        return {}
    if task.status == TaskStatus.COMPLETED:
        raise ConflictError(_("The remediation task %(code)s is completed: verify the recommendation instead.")
                            % {"code": task.code}, code="task_completed")
    if task.status != TaskStatus.CANCELLED:
        task_cancel(actor=actor, task=task, reason=reason, owner=TaskOwner.RECOMMENDATION)
    return {"task": task.pk, "code": task.code}


@transaction.atomic
def recommendation_withdraw(*, actor, recommendation: Recommendation, reason: str) -> Recommendation:
    """A draft recommendation is withdrawn before signing; a signed one — while it is being remedied
    and not yet verified — is withdrawn with its reason, and its remediation task is cancelled in the
    same transaction. The recommendation is never deleted."""
    reason = required_text(reason, "reason", _("Give the reason for withdrawing."))
    recommendation = locked(recommendation)
    inspection = recommendation.inspection
    require(can_direct(actor, inspection))
    previous = recommendation.status
    data = {}
    if previous == RecommendationStatus.IN_REMEDIATION:
        if inspection.status not in FOLLOWING_STATUSES:
            raise ConflictError(_("This inspection is “%(status)s”; its recommendations no longer change.")
                                % {"status": inspection.get_status_display()}, code="wrong_state")
        data = _cancel_remediation_task(actor, recommendation, reason)
    elif previous != RecommendationStatus.DRAFT:
        raise ConflictError(_("This recommendation is “%(status)s”; it cannot be withdrawn.")
                            % {"status": recommendation.get_status_display()}, code="wrong_state")
    advance(recommendation, allowed=(previous,), to=RecommendationStatus.WITHDRAWN, wrong_state=_(
        "This recommendation is “%(status)s”; it cannot be withdrawn."), changed_meanwhile=_(
        "Someone else changed this recommendation at the same moment. Reload it and try again."))
    _event(inspection=inspection, recommendation=recommendation, action="withdraw", actor=actor,
           note=reason, from_status=previous, to_status=RecommendationStatus.WITHDRAWN, data=data)
    return recommendation


@transaction.atomic
def recommendation_replace_task(*, actor, recommendation: Recommendation, reason: str,
                                deadline: date | None = None) -> Recommendation:
    """Give a recommendation being remedied a new remediation task — its task was returned as not the
    unit's, its head changed, or it was cancelled — cancelling the old one in the same transaction.
    The new task goes to the current head of the unit to act; a new deadline may be set."""
    reason = required_text(reason, "reason", _("Give the reason for replacing the task."))
    recommendation = locked(recommendation)
    inspection = recommendation.inspection
    require(can_direct(actor, inspection))
    if recommendation.status != RecommendationStatus.IN_REMEDIATION:
        raise ConflictError(_("This recommendation is “%(status)s”; only one being remedied gets a new task.")
                            % {"status": recommendation.get_status_display()}, code="wrong_state")
    if inspection.status not in FOLLOWING_STATUSES:
        raise ConflictError(_("This inspection is “%(status)s”; its recommendations no longer change.")
                            % {"status": inspection.get_status_display()}, code="wrong_state")
    new_deadline = deadline or recommendation.deadline
    if new_deadline <= _today():
        raise ValidationError({"deadline": _("The deadline %(day)s has passed: set a new deadline in the future.")
                               % {"day": dates.dmy(new_deadline)}})
    heads = heads_of(recommendation.target_unit)
    if not heads:
        raise ValidationError({"recommendation": _("%(unit)s has no head to lead the remedy.")
                               % {"unit": recommendation.target_unit}})
    old = _cancel_remediation_task(actor, recommendation, reason)
    data = {"old_task": old.get("task"), "old_code": old.get("code")}
    if new_deadline != recommendation.deadline:
        data["deadline"] = {"from": recommendation.deadline.isoformat(), "to": new_deadline.isoformat()}
        recommendation.deadline = new_deadline
    task = _issue_remediation_task(inspection, recommendation, heads[0])
    if Recommendation.objects.filter(pk=recommendation.pk, status=RecommendationStatus.IN_REMEDIATION).update(
            task=task, deadline=new_deadline) != 1:
        raise ConflictError(_("Someone else changed this recommendation at the same moment. Reload it and try again."))
    recommendation.task = task
    _event(inspection=inspection, recommendation=recommendation, action="replace_task", actor=actor, note=reason,
           data={**data, "task": task.pk, "code": task.code})
    return recommendation


# -- disciplinary decisions ------------------------------------------------------------------


def _decision_url(decision: DisciplinaryDecision) -> str:
    return reverse("inspections:decision", args=[decision.pk])


def _check_decision_findings(actor, findings: list[Finding], *, subject: User | None, unit: Unit, system: str):
    visible = set(findings_visible_to(actor).filter(pk__in=[f.pk for f in findings]).values_list("pk", flat=True))
    for finding in findings:
        if finding.pk not in visible:
            raise ValidationError({"findings": _("Finding %(code)s is outside your remit.") % {"code": finding.code}})
        about_subject = (finding.subject_person_id == subject.pk if subject is not None
                         else finding.subject_person_id is None and finding.subject_unit_id == unit.pk)
        if not about_subject:
            raise ValidationError({"findings": _("Finding %(code)s is about someone else.") % {"code": finding.code}})
        if finding.status == FindingStatus.WITHDRAWN:
            raise ValidationError({"findings": _("Finding %(code)s was withdrawn.") % {"code": finding.code}})
        if finding.decisions.filter(system=system).exclude(status=DecisionStatus.WITHDRAWN).exists():
            raise ValidationError({"findings": _(
                "Finding %(code)s is already handled by another decision: one violation, one form, once.")
                % {"code": finding.code}})


@transaction.atomic
def decision_open(*, actor, subject: User | None, summary: str, discovered_on: date, findings: list[Finding] = (),
                  violation_date: date | None = None, complex_case: bool = False,
                  system: str = DisciplineSystem.STATE, party_subject: str = "", subject_unit: Unit | None = None,
                  opened_on: date | None = None, same_act_as: DisciplinaryDecision | None = None) -> DisciplinaryDecision:
    """Open a disciplinary proceeding on recorded findings (or on a violation known otherwise): on
    an official, or, in Party discipline, on a Party organisation (`subject_unit`, no subject).
    `opened_on` (today by default) is the date whose rules the case keeps if they change.
    `same_act_as` is the other system's decision (Party or State) on the same act; it is found by
    itself when a linked finding is already handled by one."""
    summary = required_text(summary, "summary", _("Describe the violations considered."))
    if system not in DisciplineSystem.values:
        raise ValidationError({"system": _("Choose state or Party discipline.")})
    if system == DisciplineSystem.STATE:
        party_subject = ""
    elif party_subject not in PartySubject.values:
        party_subject = PartySubject.ORGANISATION if subject is None and subject_unit is not None else PartySubject.MEMBER
    if party_subject == PartySubject.ORGANISATION:
        if subject_unit is None:
            raise ValidationError({"subject_unit": _("Choose the Party organisation concerned.")})
        subject, unit = None, subject_unit
    else:
        if subject is None:
            raise ValidationError({"subject": _("Choose the official concerned.")})
        if subject.unit is None:
            raise ValidationError({"subject": _("%(name)s belongs to no unit.") % {"name": subject}})
        unit = subject.unit
    require(can_decide_discipline(actor, unit))
    findings = list(dict.fromkeys(findings))
    _check_decision_findings(actor, findings, subject=subject, unit=unit, system=system)
    if findings:
        violation_date = min(timezone.localtime(f.occurred_at).date() for f in findings)
    if violation_date is None:
        raise ValidationError({"violation_date": _("Enter the date of the violation.")})
    if discovered_on is None or discovered_on < violation_date or discovered_on > _today():
        raise ValidationError({"discovered_on": _("The discovery date lies between the violation and today.")})
    opened_on = opened_on or _today()
    if opened_on < discovered_on or opened_on > _today():
        raise ValidationError({"opened_on": _("The proceeding opens between the discovery and today.")})
    # A Party organisation's discipline is no person's act: nothing to count once with a State decision.
    same_act_as = _same_act(actor, subject, system, findings, same_act_as) if subject is not None else None
    decision = DisciplinaryDecision.objects.create(
        code=next_code(DisciplinaryDecision, "KL"), system=system, subject=subject, subject_unit=unit,
        staff_group=subject.staff_group if subject else "", party_subject=party_subject,
        subject_is_leader=subject.is_leader if subject else False, summary=summary, discovered_on=discovered_on,
        opened_on=opened_on, complex_case=complex_case, violation_date=violation_date, same_act_as=same_act_as,
        created_by=actor)
    decision.findings.set(findings)
    _event(decision=decision, action="open_proceeding", actor=actor, to_status=decision.status,
           data={"findings": [f.code for f in findings]})
    return decision


def _same_act(actor, subject: User, system: str, findings: list[Finding],
              chosen: DisciplinaryDecision | None) -> DisciplinaryDecision | None:
    """The first decision of the act this new one shares: the chosen one, or the other system's
    decision on one of its findings. Always the act's first decision, so an act is one small group."""
    if chosen is None:
        chosen = (DisciplinaryDecision.objects.filter(findings__in=findings).exclude(system=system)
                  .exclude(status=DecisionStatus.WITHDRAWN).order_by("id").first()) if findings else None
        if chosen is None:
            return None
    elif not decisions_visible_to(actor).filter(pk=chosen.pk).exists():
        raise ValidationError({"same_act_as": _("That decision is outside your remit.")})
    if chosen.subject_id != subject.pk:
        raise ValidationError({"same_act_as": _("Decision %(code)s is about someone else.") % {"code": chosen.code}})
    if chosen.system == system:
        raise ValidationError({"same_act_as": _(
            "Decision %(code)s is of the same system: the same act is disciplined once in each system.")
            % {"code": chosen.code}})
    if chosen.status == DecisionStatus.WITHDRAWN:
        raise ValidationError({"same_act_as": _("Decision %(code)s was withdrawn.") % {"code": chosen.code}})
    return chosen.same_act_as or chosen


def _lock_acts_of(person_id: int | None) -> None:
    """Issuing or withdrawing a decision recounts the other decisions of its act, all of one person:
    their person's row is locked first, so two decisions of one act never recount at the same time
    (and every such transaction takes its locks in the same order)."""
    if person_id is not None:
        list(User.objects.select_for_update(no_key=True).filter(pk=person_id).values_list("pk", flat=True))


def _recount_act(decision: DisciplinaryDecision) -> None:
    """A Party and a State decision on the same act count once, whatever their years: every issued
    decision of the act counts in the year of its first issued one (DOMAIN.md §2, §7)."""
    first_id = decision.same_act_as_id or decision.pk
    act = DisciplinaryDecision.objects.filter(Q(pk=first_id) | Q(same_act_as_id=first_id))
    issued = act.filter(status=DecisionStatus.ISSUED)
    first_day = issued.order_by("decision_date").values_list("decision_date", flat=True).first()
    issued.update(counted_in_year=first_day.year if first_day else None)
    act.exclude(status=DecisionStatus.ISSUED).update(counted_in_year=None)


@transaction.atomic
def decision_add_pause(*, actor, decision: DisciplinaryDecision, kind: str, starts_on: date,
                       ends_on: date | None = None, note: str = "") -> DisciplinePause:
    """Time that does not count (the case may not be considered, criminal proceedings, a complaint):
    neither the limitation nor the processing time runs."""
    locked(decision)
    require(can_decide_discipline(actor, decision.subject_unit))
    if decision.status != DecisionStatus.PROCEEDING:
        raise ConflictError(_("Pauses are recorded while the case is under consideration."), code="wrong_state")
    if kind not in PauseKind.values:
        raise ValidationError({"kind": _("Choose the reason for the pause.")})
    if starts_on is None or starts_on < decision.violation_date:
        raise ValidationError({"starts_on": _("A pause starts on or after the date of the violation.")})
    if ends_on is not None and ends_on < starts_on:
        raise ValidationError({"ends_on": _("The pause ends before it starts.")})
    if rules.pauses_overlap(list(decision.pauses.all()), starts_on, ends_on):
        raise ValidationError({"starts_on": _("This pause overlaps another one.")})
    pause = DisciplinePause.objects.create(decision=decision, kind=kind, starts_on=starts_on, ends_on=ends_on,
                                           note=note.strip()[:300], created_by=actor)
    _event(decision=decision, action="pause", actor=actor, note=note.strip(),
           data={"kind": kind, "from": starts_on.isoformat(), "to": ends_on.isoformat() if ends_on else None})
    return pause


@dataclass(frozen=True)
class IssueChecks:
    rule: DisciplineFormRule  # the form rule applied
    rules: rules.CaseRules
    limitation: rules.Limitation
    warnings: list[str]


def issue_checks(decision: DisciplinaryDecision, *, form: str, decision_date: date, warranted_form: str = "",
                 violation_count: int | None = None) -> IssueChecks:
    """What issuing `form` on `decision_date` means, or a ValidationError. `warranted_form` is the
    form the (heaviest) violation warrants on its own, `violation_count` how many violations the
    case considers (by default its findings, at least one)."""
    case = rules.case_rules(decision, decision_date)
    rule = rules.check_form(system=decision.system, staff_group=decision.staff_group,
                            is_leader=decision.subject_is_leader, form=form, on=decision_date,
                            party_subject=decision.party_subject, rules=case.forms)
    if warranted_form and warranted_form not in case.ladder:
        raise ValidationError({"warranted_form": _("“%(form)s” is not a form of discipline for this case.")
                               % {"form": DisciplineForm(warranted_form).label if warranted_form in DisciplineForm.values
                                  else warranted_form}})
    findings = list(decision.findings.select_related("violation_type"))
    pauses = list(decision.pauses.all())
    later = rules.later_violation_dates(decision.subject_id, decision.violation_date) if decision.subject_id else []
    limitation = rules.limitation_for(
        violation_date=decision.violation_date, decision_date=decision_date, form=form, later_violations=later,
        no_limitation=any(f.violation_type.no_limitation for f in findings), pauses=pauses, rule_set=case.rule_set)
    if not limitation.allows(decision_date):
        raise RuleRefusal({"decision_date": _("Past the statute of limitations: %(why)s") % {"why": limitation.describe()}},
                          rules=[limitation.rule_set])
    if violation_count is not None and violation_count < 1:
        raise ValidationError({"violation_count": _("A case considers at least one violation.")})
    warnings = list(case.notes)
    window = rules.processing_window(decision, today=decision_date)
    if window and decision_date > window.due_on:
        warnings.append(_("Decided after the processing time: due by %(day)s (%(days)d days, %(paused)d paused; "
                          "%(basis)s).") % {"day": dates.dmy(window.due_on), "days": window.days,
                                            "paused": window.paused, "basis": window.basis})
    in_force = list(rules.decisions_in_force(decision.subject_id, decision.violation_date, system=decision.system)
                    .exclude(pk=decision.pk)) if decision.subject_id else []
    # Without the form the violations warrant, the form chosen stands for it: several violations
    # cannot be checked, and a discipline in force only as far as "one level above it".
    count = (violation_count or max(len(findings), 1)) if warranted_form else 1
    advice = rules.form_advice(rules=case, warranted_form=warranted_form or form, violation_count=count,
                               in_force=in_force, warranted_known=bool(warranted_form))
    if rules.is_lighter(form, advice.form, case.ladder):
        warnings.append(_("The rules call for at least “%(form)s”: %(why)s")
                        % {"form": DisciplineForm(advice.form).label, "why": " ".join(advice.reasons)})
    return IssueChecks(rule, case, limitation, warnings)


@transaction.atomic
def decision_issue(*, actor, decision: DisciplinaryDecision, form: str, number: str, decision_date: date,
                   signer: str, effective_from: date | None = None, public_duty: bool = True,
                   warranted_form: str = "", violation_count: int | None = None,
                   announced_on: date | None = None) -> DisciplinaryDecision:
    """Issue the decision under the rules the case is decided by; warnings are kept with it. A Party
    decision's announcement date starts the state follow-up (or is recorded later). `public_duty`:
    the violation is related to public duty, so the discipline forces the year's rating to KHT."""
    number = required_text(number, "number", _("Enter the decision number."))
    signer = required_text(signer, "signer", _("Enter who signed the decision."))
    if decision_date is None or decision_date > _today():
        raise ValidationError({"decision_date": _("Enter the decision date (not in the future).")})
    _lock_acts_of(decision.subject_id)
    locked(decision)
    require(can_decide_discipline(actor, decision.subject_unit))
    if decision.status != DecisionStatus.PROCEEDING:
        raise ConflictError(_("This decision has already been issued or withdrawn."), code="wrong_state")
    if decision_date < decision.discovered_on:
        raise ValidationError({"decision_date": _("The decision cannot precede the discovery of the violation.")})
    _check_announcement(decision, announced_on, decision_date)
    checks = issue_checks(decision, form=form, decision_date=decision_date, warranted_form=warranted_form,
                          violation_count=violation_count)
    rule, warnings = checks.rule, checks.warnings
    effective_from = effective_from or decision_date
    fields = {
        "form": form, "form_rule": rule, "rule_set": checks.rules.rule_set,
        "number": number, "decision_date": decision_date, "signer": signer, "effective_from": effective_from,
        "announced_on": announced_on,
        "effect_until": dates.add_months(effective_from, rule.effect_months) - timedelta(days=1),
        "salary_delay_until": (dates.add_months(effective_from, rule.salary_delay_months)
                               if rule.salary_delay_months else None),
        "public_duty": bool(public_duty),
        "warnings": warnings,
    }
    advance(decision, allowed=(DecisionStatus.PROCEEDING,), to=DecisionStatus.ISSUED,
            wrong_state=_("This decision has already been issued or withdrawn."),
            changed_meanwhile=_("Someone else issued this decision at the same moment."), **fields)
    _recount_act(decision)
    decision.refresh_from_db(fields=["counted_in_year"])
    _event(decision=decision, action="issue", actor=actor, from_status=DecisionStatus.PROCEEDING,
           to_status=DecisionStatus.ISSUED, data={"form": form, "rule": rule.pk, "rule_set": checks.rules.rule_set.pk,
                                                  "kept_rule_set": checks.rules.kept.pk, "warnings": warnings,
                                                  "public_duty": decision.public_duty,
                                                  "counted_in_year": decision.counted_in_year})
    if decision.subject is None:
        return decision
    _notify([decision.subject], "decision.issued", _("Disciplinary decision %(number)s: %(form)s")
            % {"number": number, "form": decision.get_form_display()}, target=decision, url=_decision_url(decision))
    if decision.system == DisciplineSystem.PARTY:
        if announced_on is None:
            _add_warning(decision, _("Record the date the decision is announced: the state discipline is "
                                     "considered from it."))
        else:
            _follow_party_discipline(actor, decision)
    elif decision.subject.is_party_member:
        _notify([actor], "decision.notify_party", _(
            "%(name)s is a Party member: notify their Party organisation of decision %(number)s within %(days)d days.")
            % {"name": decision.subject, "number": number, "days": rules.PARTY_NOTICE_DAYS}, target=decision,
            url=_decision_url(decision))
    return decision


def _check_announcement(decision: DisciplinaryDecision, announced_on: date | None, decision_date: date) -> None:
    if announced_on is None:
        return
    if decision.system != DisciplineSystem.PARTY:
        raise ValidationError({"announced_on": _("Only a Party decision's announcement is recorded here.")})
    if announced_on < decision_date or announced_on > _today():
        raise ValidationError({"announced_on": _("The announcement lies between the decision date and today.")})


@transaction.atomic
def decision_announce(*, actor, decision: DisciplinaryDecision, announced_on: date) -> DisciplinaryDecision:
    """Record when a Party decision on an official was announced: the state follow-up runs from it."""
    locked(decision)
    require(can_decide_discipline(actor, decision.subject_unit))
    if not can_announce(decision):
        raise ConflictError(_("Only the announcement of an issued Party decision on an official, once."),
                            code="wrong_state")
    if announced_on is None:
        raise ValidationError({"announced_on": _("Enter the date the decision was announced.")})
    _check_announcement(decision, announced_on, decision.decision_date)
    if DisciplinaryDecision.objects.filter(pk=decision.pk, announced_on__isnull=True).update(
            announced_on=announced_on) != 1:
        raise ConflictError(_("Someone else recorded the announcement at the same moment."))
    decision.announced_on = announced_on
    _event(decision=decision, action="announce", actor=actor, data={"announced_on": announced_on.isoformat()})
    _follow_party_discipline(actor, decision)
    return decision


def _add_warning(decision: DisciplinaryDecision, warning: str) -> None:
    decision.warnings = [*decision.warnings, warning]
    DisciplinaryDecision.objects.filter(pk=decision.pk).update(warnings=decision.warnings)


def state_follow_up_due(decision: DisciplinaryDecision) -> tuple[date, DisciplineRuleSet]:
    """The last day to consider the state discipline after a Party decision: counted from its
    announcement, by the Party rule set in force on the decision date."""
    rule_set = rules.rule_set_for(decision.decision_date, system=DisciplineSystem.PARTY)
    if rule_set.state_follow_up_days is None:
        raise ValidationError({"announced_on": _("The Party rule set %(name)s sets no time for the state "
                                                 "follow-up.") % {"name": rule_set.name}})
    if rule_set.state_follow_up_working_days:
        return dates.add_working_days(decision.announced_on, rule_set.state_follow_up_days), rule_set
    return decision.announced_on + timedelta(days=rule_set.state_follow_up_days), rule_set


def _follow_party_discipline(actor, decision: DisciplinaryDecision) -> None:
    """A state discipline is considered within the days the Party rule set gives (30) of the Party
    decision's announcement: a 5-rõ task for the head of the subject's unit (or of the unit above
    when the subject heads it)."""
    due_day, rule_set = state_follow_up_due(decision)
    due = timezone.make_aware(datetime.combine(due_day, time(17, 0)))
    days = rule_set.state_follow_up_days
    if due <= timezone.now():
        _add_warning(decision, _("The %(days)d days to consider state discipline have already passed (%(basis)s).")
                     % {"days": days, "basis": rule_set.state_follow_up_basis})
        return
    unit = decision.subject_unit
    heads = [h for h in heads_of(unit) if h.pk != decision.subject_id]
    parent = Unit.objects.get_parent(unit)
    if not heads and parent is not None:
        unit, parent = parent, Unit.objects.get_parent(parent)
        heads = heads_of(unit)
    if not heads:
        _add_warning(decision, _("No head found to consider state discipline: assign it by hand."))
        return
    task = task_issue(assigner=actor, assigning_unit=parent or unit, data={
        "title": (_("Consider state discipline for %(name)s") % {"name": decision.subject})[:300],
        "content": _("Party discipline %(number)s of %(day)s (%(form)s), announced on %(announced)s: consider the "
                     "state discipline by %(due)s (%(basis)s).")
        % {"number": decision.number, "day": dates.dmy(decision.decision_date), "form": decision.get_form_display(),
           "announced": dates.dmy(decision.announced_on), "due": dates.dmy(due_day),
           "basis": rule_set.state_follow_up_basis},
        "source_number": decision.number, "source_date": decision.decision_date,
        "source_issuer": decision.signer[:200], "lead": heads[0], "lead_unit": unit,
        "process_description": _("1. Review the case; 2. convene the discipline council if required; 3. decide."),
        "reporting_regime": _("Report the decision when taken"), "deadline": due,
        "responsibility": _("The disciplining authority answers for considering the case in time."),
        "product_type": _("Decision"), "product_description": _("A disciplinary decision or a reasoned conclusion"),
        "expected_result": _("The state discipline is considered and decided in time."),
        "acceptance_criterion": _("A decision (or a reasoned conclusion not to discipline) is recorded."),
        "authority_basis": _("Party discipline %(number)s") % {"number": decision.number},
        "lead_may_decide": _("Whether a discipline council is needed"),
    }, note=decision.code)
    _event(decision=decision, action="remediation_task", actor=actor, data={"task": task.pk, "code": task.code})


@transaction.atomic
def decision_record(*, actor, subject: User | None, summary: str, discovered_on: date, form: str, number: str,
                    decision_date: date, signer: str, findings: list[Finding] = (), violation_date: date | None = None,
                    complex_case: bool = False, system: str = DisciplineSystem.STATE, party_subject: str = "",
                    subject_unit: Unit | None = None, opened_on: date | None = None,
                    effective_from: date | None = None, public_duty: bool = True,
                    same_act_as: DisciplinaryDecision | None = None,
                    warranted_form: str = "", violation_count: int | None = None,
                    announced_on: date | None = None) -> DisciplinaryDecision:
    """Enter a decision already taken: open and issue in one transaction (nothing kept if refused).
    Without `opened_on` the case is taken as opened on its decision date."""
    if opened_on is None and decision_date and discovered_on and discovered_on <= decision_date <= _today():
        opened_on = decision_date
    decision = decision_open(actor=actor, subject=subject, summary=summary, discovered_on=discovered_on,
                             findings=findings, violation_date=violation_date, complex_case=complex_case, system=system,
                             party_subject=party_subject, subject_unit=subject_unit, opened_on=opened_on,
                             same_act_as=same_act_as)
    return decision_issue(actor=actor, decision=decision, form=form, number=number, decision_date=decision_date,
                          signer=signer, effective_from=effective_from, public_duty=public_duty,
                          warranted_form=warranted_form,
                          violation_count=violation_count, announced_on=announced_on)


@transaction.atomic
def decision_withdraw(*, actor, decision: DisciplinaryDecision, reason: str) -> DisciplinaryDecision:
    """Never deleted: a withdrawn decision stays in the register with the reason, who and when."""
    reason = required_text(reason, "reason", _("Give the reason for withdrawing."))
    _lock_acts_of(decision.subject_id)
    locked(decision)
    require(can_decide_discipline(actor, decision.subject_unit))
    already_withdrawn = _("This decision is already withdrawn.")
    previous = advance(decision, allowed=(DecisionStatus.PROCEEDING, DecisionStatus.ISSUED),
                       to=DecisionStatus.WITHDRAWN, wrong_state=already_withdrawn, changed_meanwhile=already_withdrawn,
                       withdrawn_reason=reason)
    _recount_act(decision)  # the act's other decision now counts in its own year
    _event(decision=decision, action="withdraw", actor=actor, note=reason, from_status=previous,
           to_status=DecisionStatus.WITHDRAWN)
    _notify([decision.subject], "decision.withdrawn", _("Disciplinary decision %(number)s was withdrawn.")
            % {"number": decision.number or decision.code}, target=decision, url=_decision_url(decision))
    return decision


# -- the roll of a public-service check (kiểm tra công vụ) -------------------------------------


class RollConflict(ConflictError):
    """Rows another team member changed since the submitter saw them: nothing of the submission
    is written; `rows` names each one with what it holds now."""

    def __init__(self, message: str, rows: list[dict]):
        super().__init__(message, code="roll_conflict")
        self.rows = rows


def _require_roll(actor, inspection: Inspection, action: str) -> None:
    from inspections.access import roll_actions

    if inspection.kind != InspectionKind.PUBLIC_SERVICE:
        raise ConflictError(_("Only a public-service check takes a roll."), code="not_a_check")
    require(action in roll_actions(actor, inspection))


@transaction.atomic
def roll_open(*, actor, inspection: Inspection, unit: Unit) -> RollCall:
    """Open the roll of a unit visited: its active officials as of now (its subtree, from accounts)
    and the active check items. Opening it again returns the roll already open."""
    inspection = locked(inspection)
    _require_roll(actor, inspection, "open")
    if unit is None or unit.pk not in {t.pk for t in inspection.targets.all()}:
        raise ValidationError({"unit": _("Choose one of the units this check visits.")})
    roll, created = RollCall.objects.get_or_create(inspection=inspection, unit=unit, defaults={"opened_by": actor})
    if not created:
        return roll
    people = User.objects.filter(unit__path__startswith=unit.path, is_active=True).order_by("id").only("id", "unit_id")
    RollEntry.objects.bulk_create([RollEntry(roll=roll, person_id=p.pk, person_unit_id=p.unit_id) for p in people])
    CheckResult.objects.bulk_create([CheckResult(roll=roll, item=item) for item in CheckItem.objects.filter(active=True)])
    _event(inspection=inspection, action="roll_open", actor=actor, data={"unit": unit.pk, "code": unit.name})
    return roll


@transaction.atomic
def roll_add_person(*, actor, roll: RollCall, person: User) -> RollEntry:
    """Put an official missing from the roll on it: only someone of the unit visited."""
    _require_roll(actor, roll.inspection, "mark")
    if person is None or person.unit is None or not person.unit.path.startswith(roll.unit.path):
        raise ValidationError({"person": _("%(name)s does not belong to %(unit)s: only its officials are on its roll.")
                               % {"name": person, "unit": roll.unit}})
    entry, _created = RollEntry.objects.get_or_create(roll=roll, person=person,
                                                      defaults={"person_unit_id": person.unit_id})
    return entry


def _clean_roll_rows(roll: RollCall, entries: list[dict], checks: list[dict]):
    """Parse the rows sent; each bad row is named by its number and the person or item."""
    on_roll = {e.person_id: e for e in roll.entries.select_related("person")}
    items = {c.item_id: c for c in roll.checks.select_related("item")}
    errors = []
    parsed_entries, parsed_checks = [], []
    for n, row in enumerate(entries, start=1):
        try:
            person_id = int(row.get("person"))
        except (TypeError, ValueError):
            person_id = None
        entry = on_roll.get(person_id)
        if entry is None:
            errors.append(_("Row %(n)d: this person is not on the roll of %(unit)s.") % {"n": n, "unit": roll.unit})
            continue
        state = row.get("state") or ""
        reason = (row.get("reason") or "").strip()[:300]
        if state not in Attendance.values:
            errors.append(_("Row %(n)d (%(name)s): choose present, absent with a reason or absent without one.")
                          % {"n": n, "name": entry.person})
            continue
        if state == Attendance.EXCUSED and not reason:
            errors.append(_("Row %(n)d (%(name)s): write the reason for the absence.") % {"n": n, "name": entry.person})
            continue
        if state != Attendance.EXCUSED:
            reason = ""
        parsed_entries.append((entry, state, reason, row.get("version")))
    for n, row in enumerate(checks, start=1):
        try:
            item_id = int(row.get("item"))
        except (TypeError, ValueError):
            item_id = None
        result = items.get(item_id)
        if result is None:
            errors.append(_("Check item %(n)d: not on this roll.") % {"n": n})
            continue
        outcome = row.get("outcome") or ""
        if outcome not in CheckOutcome.values:
            errors.append(_("Check item %(n)d (%(item)s): choose met or not met.") % {"n": n, "item": result.item})
            continue
        parsed_checks.append((result, outcome, (row.get("note") or "").strip()[:500], row.get("version")))
    if errors:
        raise ValidationError({"entries": errors})
    return parsed_entries, parsed_checks


def _apply_row(model, row, *, actor, values: dict, version) -> dict | None:
    """Write one row if it still holds the version the submitter saw; None when written or already
    as asked, else the conflict (what the row holds now, and who set it)."""
    current = {name: getattr(row, name) for name in values}
    if current == values:
        return None
    if row.finding_id is not None:
        return {"id": row.pk, "finding": row.finding_id, **current, "version": row.version,
                "by": str(row.updated_by) if row.updated_by_id else ""}
    try:
        version = int(version)
    except (TypeError, ValueError):
        version = -1
    changed = model.objects.filter(pk=row.pk, version=version, finding__isnull=True).update(
        **values, version=models.F("version") + 1, updated_by=actor, updated_at=timezone.now())
    if changed == 1:
        return None
    row.refresh_from_db()
    now = {name: getattr(row, name) for name in values}
    if now == values:  # someone else marked it the same way at the same moment
        return None
    return {"id": row.pk, **now, "version": row.version, "by": str(row.updated_by) if row.updated_by_id else ""}


@transaction.atomic
def roll_submit(*, actor, roll: RollCall, client_token: str, entries: list[dict] = (), checks: list[dict] = ()) -> dict:
    """Apply the changes a team member made to the roll, all or nothing. Each row carries the
    version it was seen at: a row someone else changed since is a conflict (nothing is written,
    the answer names the rows and what they hold now). The same `client_token` sent again by the
    same member changes nothing and answers what the first submission did (`replayed`)."""
    client_token = (client_token or "").strip()[:64]
    if not client_token:
        raise ValidationError({"client_token": _("The submission has no token; reload the page and submit again.")})
    def earlier_answer():
        earlier = RollSubmission.objects.filter(submitted_by=actor, client_token=client_token).first()
        if earlier is not None and earlier.roll_id != roll.pk:
            raise ValidationError({"client_token": _("This submission token was already used for another roll; reload "
                                                     "the page and submit again.")})
        return None if earlier is None else {**earlier.result, "replayed": True}

    if (answer := earlier_answer()) is not None:
        return answer
    # Submissions to one check wait for each other here; the same one sent twice at once finds the first.
    inspection = locked(roll.inspection)
    if (answer := earlier_answer()) is not None:
        return answer
    _require_roll(actor, inspection, "mark")
    parsed_entries, parsed_checks = _clean_roll_rows(roll, list(entries), list(checks))
    conflicts, changed = [], 0
    for entry, state, reason, version in parsed_entries:
        before = (entry.state, entry.reason)
        conflict = _apply_row(RollEntry, entry, actor=actor, values={"state": state, "reason": reason}, version=version)
        if conflict:
            conflicts.append({**conflict, "person": entry.person_id, "name": str(entry.person)})
        elif before != (state, reason):
            changed += 1
    for result, outcome, note, version in parsed_checks:
        before = (result.outcome, result.note)
        conflict = _apply_row(CheckResult, result, actor=actor, values={"outcome": outcome, "note": note},
                              version=version)
        if conflict:
            conflicts.append({**conflict, "item": result.item_id, "name": str(result.item)})
        elif before != (outcome, note):
            changed += 1
    if conflicts:
        names = ", ".join(row["name"] for row in conflicts)
        raise RollConflict(_("Someone else changed these rows before you: %(names)s. Their marks are shown now; check "
                             "them and mark again if needed.") % {"names": names}, conflicts)
    from inspections.selectors import roll_summary

    result = {"changed": changed, "summary": roll_summary(roll)}
    try:
        with transaction.atomic():
            RollSubmission.objects.create(roll=roll, client_token=client_token, submitted_by=actor, result=result)
    except IntegrityError:
        # The same submission arrived twice at once: the first one applied it.
        transaction.set_rollback(True)
        earlier = RollSubmission.objects.get(submitted_by=actor, client_token=client_token)
        return {**earlier.result, "replayed": True}
    return {**result, "replayed": False}


def roll_submission_message(result: dict) -> str:
    """What the member is told after a submission (page and API)."""
    if result["replayed"]:
        return _("This submission was already recorded; nothing changed.")
    return _("Roll saved: %(summary)s.") % {"summary": result["summary"]["text"]}


@transaction.atomic
def roll_record_findings(*, actor, inspection: Inspection) -> list[Finding]:
    """Findings through finding_record: each absence without a reason on the person, each item not
    met on the unit visited. A row already turned into a finding is not recorded again."""
    _require_roll(actor, inspection, "record_findings")
    absent = violation_type = None
    recorded = []
    entries = (RollEntry.objects.select_for_update(of=("self",)).filter(
        roll__inspection=inspection, state=Attendance.UNEXCUSED, finding__isnull=True)
        .select_related("roll__unit", "person__unit"))
    for entry in entries:
        if violation_type is None:
            violation_type = ViolationType.objects.get(code=ROLL_ABSENCE_VIOLATION)
        absent = finding_record(actor=actor, inspection=inspection, client_token=f"roll-entry-{entry.pk}", data={
            "subject_person": entry.person, "subject_unit": entry.roll.unit, "violation_type": violation_type,
            "occurred_at": entry.roll.checked_at, "location": entry.roll.unit.name,
            "description": _("Absent without a reason at the public-service check of %(day)s.")
            % {"day": dates.dmy(timezone.localtime(entry.roll.checked_at).date())}})
        RollEntry.objects.filter(pk=entry.pk).update(finding=absent)
        recorded.append(absent)
    results = (CheckResult.objects.select_for_update(of=("self",)).filter(
        roll__inspection=inspection, outcome=CheckOutcome.NOT_MET, finding__isnull=True)
        .select_related("roll__unit", "item__violation_type"))
    for result in results:
        description = _("Not met at the public-service check: %(item)s.") % {"item": result.item.name}
        if result.note:
            description = f"{description} {result.note}"
        finding = finding_record(actor=actor, inspection=inspection, client_token=f"roll-check-{result.pk}", data={
            "subject_person": None, "subject_unit": result.roll.unit, "violation_type": result.item.violation_type,
            "occurred_at": result.roll.checked_at, "location": result.roll.unit.name, "description": description})
        CheckResult.objects.filter(pk=result.pk).update(finding=finding)
        recorded.append(finding)
    if recorded:
        _event(inspection=inspection, action="roll_findings", actor=actor, data={"count": len(recorded)})
    return recorded


def _notify_check_results(inspection: Inspection) -> None:
    """The notice of results to each unit visited: its heads get the roll's summary and the items
    not met, when the check is concluded."""
    from inspections.selectors import roll_summary

    for roll in inspection.rolls.select_related("unit"):
        summary = roll_summary(roll)
        not_met = [r.item.name for r in roll.checks.filter(outcome=CheckOutcome.NOT_MET).select_related("item")]
        message = _("Results of the public-service check %(code)s at %(unit)s: %(summary)s.") % {
            "code": inspection.code, "unit": roll.unit, "summary": summary["text"]}
        if not_met:
            message = f"{message} " + _("Not met: %(items)s.") % {"items": "; ".join(not_met)}
        _notify(heads_of(roll.unit), "inspection.check_results", message, target=inspection,
                url=_inspection_url(inspection), dedupe_key=f"check-results-{roll.pk}")
