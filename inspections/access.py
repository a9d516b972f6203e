"""Who may see and do what in inspections and discipline.

Inspections: the team (past and present), whoever reads the inspecting body's subtree
(its head, inspectors and council above it), the heads of inspected units once the
inspection has started (an unannounced check is not announced by the system), administrators.
Recording findings needs the team's guardian grant, given when the inspection starts and
removed when it closes or is cancelled.

Findings and decisions are sensitive: the subject sees their own, heads, inspectors and
council members see their subtree's, the team sees its inspection's. Plain members of a
unit do not see their colleagues'. Everything else is 404.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.access import scope_for
from accounts.models import Role, RoleAssignment, Unit
from accounts.selectors import role_units
from inspections.models import (
    RECORDING_STATUSES,
    DecisionStatus,
    DisciplinaryDecision,
    DisciplineSystem,
    Finding,
    FindingStatus,
    Inspection,
    InspectionKind,
    InspectionPlan,
    InspectionStatus,
    Recommendation,
    RecommendationStatus,
    TeamMember,
)
from tasks.rules import TaskStatus

RECORD_PERMISSION = "record_finding"
INSPECTING_ROLES = (Role.INSPECTOR, Role.HEAD, Role.DEPUTY)


def _team_of(user_id) -> QuerySet:
    return TeamMember.objects.filter(user_id=user_id).values("inspection_id")


def inspections_visible_to(user) -> QuerySet[Inspection]:
    scope = scope_for(user)
    if scope.user_id is None:
        return Inspection.objects.none()
    if scope.is_superuser:
        return Inspection.objects.all()
    q = Q(pk__in=_team_of(scope.user_id)) | Q(created_by_id=scope.user_id)
    for path in scope.read_paths:
        q |= Q(issuing_unit__path__startswith=path)
    for path in scope.managed_paths:
        targeted = Inspection.targets.through.objects.filter(unit__path__startswith=path).values("inspection_id")
        q |= Q(pk__in=targeted) & ~Q(status=InspectionStatus.PLANNED)
    if scope.admin_org_ids:
        q |= Q(organisation_id__in=sorted(scope.admin_org_ids))
    return Inspection.objects.filter(q)


def get_inspection_for_user(user, pk) -> Inspection:
    try:
        return inspections_visible_to(user).select_related("issuing_unit", "leader", "plan").get(pk=pk)
    except (Inspection.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def can_see_inspection(user, inspection: Inspection) -> bool:
    """Whether a link to the inspection opens for the user: the subject of a finding sees the finding,
    not necessarily the inspection that recorded it."""
    return inspections_visible_to(user).filter(pk=inspection.pk).exists()


def plans_visible_to(user) -> QuerySet[InspectionPlan]:
    """Plans: their creator, whoever reads the inspecting body's subtree (its inspectors and heads,
    and those above it — the people who plan and file inspections under it), whoever sees one of
    the plan's inspections, the organisation's administrators. The pages, the API (the writable
    `plan` of an inspection included) and the admin all use this one rule."""
    scope = scope_for(user)
    if scope.user_id is None:
        return InspectionPlan.objects.none()
    if scope.is_superuser:
        return InspectionPlan.objects.all()
    filed = inspections_visible_to(user).filter(plan__isnull=False).order_by().values("plan_id")
    q = Q(created_by_id=scope.user_id) | Q(pk__in=filed)
    for path in scope.read_paths:
        q |= Q(issuing_unit__path__startswith=path)
    if scope.admin_org_ids:
        q |= Q(organisation_id__in=sorted(scope.admin_org_ids))
    return InspectionPlan.objects.filter(q)


def get_plan_for_user(user, pk) -> InspectionPlan:
    try:
        return plans_visible_to(user).select_related("issuing_unit").get(pk=pk)
    except (InspectionPlan.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def findings_visible_to(user) -> QuerySet[Finding]:
    scope = scope_for(user)
    if scope.user_id is None:
        return Finding.objects.none()
    if scope.is_superuser:
        return Finding.objects.all()
    q = (Q(subject_person_id=scope.user_id) | Q(recorded_by_id=scope.user_id)
         | Q(inspection_id__in=_team_of(scope.user_id)))
    for path in scope.read_paths:
        q |= Q(subject_unit__path__startswith=path)
    if scope.admin_org_ids:
        q |= Q(subject_unit__organisation_id__in=sorted(scope.admin_org_ids))
    return Finding.objects.filter(q)


def get_finding_for_user(user, pk) -> Finding:
    try:
        return findings_visible_to(user).select_related(
            "inspection", "subject_person", "subject_unit", "violation_type", "recorded_by", "explained_by"
        ).get(pk=pk)
    except (Finding.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def recommendations_visible_to(user) -> QuerySet[Recommendation]:
    scope = scope_for(user)
    if scope.user_id is None:
        return Recommendation.objects.none()
    q = Q(inspection__in=inspections_visible_to(user))
    for path in scope.managed_paths:
        q |= Q(target_unit__path__startswith=path) & ~Q(status=RecommendationStatus.DRAFT)
    return Recommendation.objects.filter(q)


def decisions_visible_to(user) -> QuerySet[DisciplinaryDecision]:
    scope = scope_for(user)
    if scope.user_id is None:
        return DisciplinaryDecision.objects.none()
    if scope.is_superuser:
        return DisciplinaryDecision.objects.all()
    q = Q(subject_id=scope.user_id) | Q(created_by_id=scope.user_id)
    for path in scope.read_paths:
        q |= Q(subject_unit__path__startswith=path)
    if scope.admin_org_ids:
        q |= Q(subject_unit__organisation_id__in=sorted(scope.admin_org_ids))
    return DisciplinaryDecision.objects.filter(q)


def get_decision_for_user(user, pk) -> DisciplinaryDecision:
    try:
        return decisions_visible_to(user).select_related("subject", "subject_unit", "form_rule", "rule_set").get(pk=pk)
    except (DisciplinaryDecision.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


# -- single-object checks ------------------------------------------------------------------


def is_team_member(user, inspection: Inspection) -> bool:
    return TeamMember.objects.filter(inspection=inspection, user_id=user.pk).exists()


def can_record(user, inspection: Inspection) -> bool:
    """A team member, while the inspection is under way, through the team's guardian grant."""
    return inspection.status in RECORDING_STATUSES and user.has_perm(f"inspections.{RECORD_PERMISSION}", inspection)


def can_direct(user, inspection: Inspection) -> bool:
    """Moves the inspection through its lifecycle: the team leader or the head of the inspecting body."""
    return inspection.leader_id == user.pk or scope_for(user).can_manage_unit(inspection.issuing_unit)


def can_inspect_from(user, unit: Unit) -> bool:
    """Plans and opens inspections for `unit`: its inspectors and heads (or those above it), administrators."""
    scope = scope_for(user)
    if scope.is_superuser or unit.organisation_id in scope.admin_org_ids:
        return True
    return RoleAssignment.objects.current().filter(
        user_id=user.pk, role__in=INSPECTING_ROLES, unit__path__in=unit.ancestor_paths()
    ).exists()


def can_file_in_plan(user, plan: InspectionPlan) -> bool:
    """Opens an inspection under the plan: someone who opens inspections at all (the form answers 404
    to anyone else) and may inspect from the plan's inspecting body."""
    return bool(inspecting_units(user)) and can_inspect_from(user, plan.issuing_unit)


def inspecting_units(user) -> list[Unit]:
    """Units from which the user may plan and open inspections (administrators: their organisation's root)."""
    units = role_units(user, INSPECTING_ROLES)
    if not units and scope_for(user).is_admin:
        units = role_units(user, (Role.ADMIN,))
    return units


def inspecting_bodies(user, units: list[Unit] | None = None) -> QuerySet[Unit]:
    """The units a plan or an inspection may be issued from by `user`: every active unit at or below
    one they inspect from — exactly the units `can_inspect_from` accepts, so the form offers what
    the service takes. `units`: the user's `inspecting_units`, when the caller has them already."""
    q = Q(pk__in=[])
    for unit in inspecting_units(user) if units is None else units:
        q |= Q(path__startswith=unit.path)
    return Unit.objects.filter(q, active=True).order_by("path")


def can_explain(user, finding: Finding) -> bool:
    """The person concerned; for a finding on a unit only, its head or deputy."""
    if finding.subject_person_id is not None:
        return finding.subject_person_id == user.pk
    return scope_for(user).can_manage_unit(finding.subject_unit)


def can_verify(user, recommendation: Recommendation) -> bool:
    """Checks the remedy of a recommendation: the inspection's team leader — never the lead of the
    remediation task (the head whose unit remedies does not verify it, DESIGN.md)."""
    task = recommendation.task
    return (task is not None and recommendation.inspection.leader_id is not None
            and recommendation.inspection.leader_id == user.pk and task.lead_id != user.pk)


def verification_awaited(recommendation: Recommendation) -> bool:
    """The remedy is being followed and its result is in: a verification is what it waits for."""
    task = recommendation.task
    return (recommendation.status == RecommendationStatus.IN_REMEDIATION and task is not None
            and task.status in (TaskStatus.SUBMITTED, TaskStatus.COMPLETED))


def can_decide_discipline(user, unit: Unit) -> bool:
    """The disciplining authority: heads and deputies above the subject's unit, administrators."""
    scope = scope_for(user)
    return scope.can_manage_unit(unit) or scope.can_administer_unit(unit)



def can_announce(decision: DisciplinaryDecision) -> bool:
    """The announcement may be recorded: an issued Party decision on an official, not yet announced
    (the disciplining authority records it)."""
    return (decision.system == DisciplineSystem.PARTY and decision.status == DecisionStatus.ISSUED
            and decision.subject_id is not None and decision.announced_on is None)


# -- the roll of a public-service check ------------------------------------------------------

ROLL_EDIT_ACTIONS = ("open", "mark", "record_findings")


def roll_actions(user, inspection: Inspection) -> frozenset[str]:
    """Who may do what with the roll of a public-service check, in which state — the one answer the
    services, pages, templates and API use. Whoever may see the inspection sees its roll ("view";
    the caller has already loaded it through get_inspection_for_user); only the team, while the
    check is under way (its guardian grant), opens a unit's roll, marks it and records its
    findings."""
    if inspection.kind != InspectionKind.PUBLIC_SERVICE:
        return frozenset()
    if can_record(user, inspection):
        return frozenset(("view", *ROLL_EDIT_ACTIONS))
    return frozenset(("view",))


def get_roll_for_user(user, inspection_pk, roll_pk):
    """The roll of a check the user may see (404 otherwise), with its inspection and unit."""
    from inspections.models import RollCall

    inspection = get_inspection_for_user(user, inspection_pk)
    try:
        roll = RollCall.objects.select_related("unit").get(pk=roll_pk, inspection=inspection)
    except (RollCall.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    roll.inspection = inspection
    return roll


# -- who may do what in which state: the one statement -----------------------------------------
#
# available_actions(user, obj) is what the pages offer (views pass it to the templates as
# `actions`) and what the services accept: each service refuses what is not here with the same
# error as ever (PermissionDenied when it is not the user's to do, ConflictError when the record's
# state does not allow it), through the predicates below.

# The steps during which the team holds its grant (recording findings, the roll).
GRANTED_STATUSES = (InspectionStatus.IN_PROGRESS, InspectionStatus.REPORTED, InspectionStatus.DRAFT_CONCLUSION,
                    InspectionStatus.CONCLUDED, InspectionStatus.PUBLISHED, InspectionStatus.FOLLOW_UP)
# The steps after which the implementing directive (Law 84/2025 art. 53) may be recorded.
DIRECTIVE_STATUSES = (InspectionStatus.CONCLUDED, InspectionStatus.PUBLISHED, InspectionStatus.FOLLOW_UP)
# The inspection's steps during which a signed recommendation is followed (and may be withdrawn or re-tasked).
FOLLOWING_STATUSES = DIRECTIVE_STATUSES
# The steps in which recommendations are written (with the report and the draft conclusion).
RECOMMENDING_STATUSES = (InspectionStatus.REPORTED, InspectionStatus.DRAFT_CONCLUSION)
CANCELLABLE_STATUSES = (InspectionStatus.PLANNED, InspectionStatus.IN_PROGRESS)
CLOSABLE_STATUSES = (InspectionStatus.PUBLISHED, InspectionStatus.FOLLOW_UP)
OVER_STATUSES = (InspectionStatus.CLOSED, InspectionStatus.CANCELLED)
# The finding's states from which handling is proposed (again).
PROPOSABLE_STATUSES = (FindingStatus.AWAITING_EXPLANATION, FindingStatus.EXPLAINED, FindingStatus.NOT_EXPLAINED,
                       FindingStatus.HANDLED)


def explanation_open(finding: Finding, today: date | None = None) -> bool:
    """The subject may still explain: the finding awaits it and its deadline has not passed."""
    today = today or timezone.localdate()
    return finding.status == FindingStatus.AWAITING_EXPLANATION and today <= finding.explanation_due


def open_recommendation_numbers(inspection: Inspection) -> list[int]:
    """The recommendations not yet verified done (nor withdrawn): the inspection cannot close."""
    return list(inspection.recommendations.filter(
        status__in=(RecommendationStatus.DRAFT, RecommendationStatus.IN_REMEDIATION)).values_list("number", flat=True))


def inspection_actions(user, inspection: Inspection) -> frozenset[str]:
    directs = can_direct(user, inspection)
    status = inspection.status
    actions = set()
    if can_record(user, inspection):
        actions.add("record")
    if (directs or is_team_member(user, inspection)) and status in RECOMMENDING_STATUSES:
        actions.add("recommend")
    if not directs:
        return frozenset(actions)
    steps = {
        "team": status not in OVER_STATUSES,
        "start": status == InspectionStatus.PLANNED,
        "report": status == InspectionStatus.IN_PROGRESS,
        "assign_drafting": status == InspectionStatus.REPORTED and not inspection.drafting_assigned_on,
        "draft": status == InspectionStatus.REPORTED,
        "directive": status in DIRECTIVE_STATUSES and not inspection.directive_date,
        "conclude": status == InspectionStatus.DRAFT_CONCLUSION,
        "publish": status == InspectionStatus.CONCLUDED,
        "follow_up": status == InspectionStatus.PUBLISHED,
        "close": status in CLOSABLE_STATUSES and not open_recommendation_numbers(inspection),
        "cancel": status in CANCELLABLE_STATUSES and not inspection.findings.exists(),
    }
    return frozenset(actions | {name for name, allowed in steps.items() if allowed})


def can_see_finding(user, finding: Finding) -> bool:
    return findings_visible_to(user).filter(pk=finding.pk).exists()


def can_handle_finding(user, finding: Finding, inspection: Inspection) -> bool:
    """Proposes handling: the team or whoever directs the inspection — among those who see the
    finding (the head of the inspecting body does not see findings outside their subtree)."""
    return (is_team_member(user, inspection) or can_direct(user, inspection)) and can_see_finding(user, finding)


def can_withdraw_finding(user, finding: Finding, inspection: Inspection) -> bool:
    return can_direct(user, inspection) and can_see_finding(user, finding)


def finding_actions(user, finding: Finding, inspection: Inspection | None = None) -> frozenset[str]:
    inspection = inspection or finding.inspection
    if not can_see_finding(user, finding):
        return frozenset()
    directs = can_direct(user, inspection)
    actions = set()
    if can_explain(user, finding) and explanation_open(finding):
        actions.add("explain")
    if ((directs or is_team_member(user, inspection)) and finding.status in PROPOSABLE_STATUSES
            and not explanation_open(finding)):
        actions.add("propose")
    if (directs and finding.status != FindingStatus.WITHDRAWN
            and not finding.decisions.filter(status=DecisionStatus.ISSUED).exists()):
        actions.add("withdraw")
    return frozenset(actions)


def recommendation_actions(user, recommendation: Recommendation) -> frozenset[str]:
    inspection = recommendation.inspection
    actions = set()
    if can_verify(user, recommendation) and verification_awaited(recommendation):
        actions.add("verify")
    if can_direct(user, inspection):
        if recommendation.status == RecommendationStatus.DRAFT:
            actions.add("withdraw")
        elif (recommendation.status == RecommendationStatus.IN_REMEDIATION and inspection.status in FOLLOWING_STATUSES
              and recommendation.task is not None and recommendation.task.status != TaskStatus.COMPLETED):
            actions |= {"withdraw", "replace_task"}
    return frozenset(actions)


def decision_actions(user, decision: DisciplinaryDecision) -> frozenset[str]:
    if not can_decide_discipline(user, decision.subject_unit):
        return frozenset()
    proceeding = decision.status == DecisionStatus.PROCEEDING
    steps = {"issue": proceeding, "pause": proceeding, "announce": can_announce(decision),
             "withdraw": decision.status != DecisionStatus.WITHDRAWN}
    return frozenset(name for name, allowed in steps.items() if allowed)


def plan_actions(user, plan: InspectionPlan) -> frozenset[str]:
    return frozenset(("file",)) if can_file_in_plan(user, plan) else frozenset()


def available_actions(user, obj) -> frozenset[str]:
    """What `user` may do with `obj` now: an inspection, a finding, a recommendation, a disciplinary
    decision or a plan."""
    if isinstance(obj, Inspection):
        return inspection_actions(user, obj)
    if isinstance(obj, Finding):
        return finding_actions(user, obj)
    if isinstance(obj, Recommendation):
        return recommendation_actions(user, obj)
    if isinstance(obj, DisciplinaryDecision):
        return decision_actions(user, obj)
    if isinstance(obj, InspectionPlan):
        return plan_actions(user, obj)
    raise TypeError(f"No actions for {type(obj).__name__}")
