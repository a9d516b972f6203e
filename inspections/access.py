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

from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.access import scope_for
from accounts.models import Role, RoleAssignment, Unit
from accounts.selectors import role_units
from inspections.models import (
    RECORDING_STATUSES,
    DecisionStatus,
    DisciplinaryDecision,
    DisciplineSystem,
    Finding,
    Inspection,
    InspectionKind,
    InspectionPlan,
    InspectionStatus,
    Recommendation,
    RecommendationStatus,
    TeamMember,
)
from tasks.models import TaskStatus

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
