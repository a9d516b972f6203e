"""Who may see and do what in the reform index.

A criteria set is run by its council secretary, the heads of the issuing unit (the Department of
Home Affairs) and the organisation's administrators: they see every assessment of it. Appraisers
see the assessments assigned to them. A unit's head, deputies and members see their own unit's
assessment; nobody else sees a unit's scores before publication. Once published, the ranking
(results, not the scores behind them) is open to everyone in the organisation. Everything else
is 404.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.access import scope_for
from accounts.models import Role, RoleAssignment, Unit
from reform.models import (
    Assessment,
    AssessmentStatus,
    CriteriaSet,
    Member,
    MemberRole,
    Result,
    SetStatus,
)

UNIT_HEAD_ROLES = (Role.HEAD, Role.DEPUTY)


def _secretary_sets(user_id) -> QuerySet:
    return Member.objects.filter(user_id=user_id, role=MemberRole.SECRETARY).values("criteria_set_id")


def _runs_q(scope, prefix: str = "") -> Q:
    """Sets (through `prefix`) the user runs: as secretary, head of the issuing unit or above, administrator."""
    q = Q(**{f"{prefix}pk__in": _secretary_sets(scope.user_id)})
    for path in scope.managed_paths:
        q |= Q(**{f"{prefix}issuing_unit__path__startswith": path})
    if scope.admin_org_ids:
        q |= Q(**{f"{prefix}organisation_id__in": sorted(scope.admin_org_ids)})
    return q


def _own_units_q(scope, prefix: str = "") -> Q:
    """Assessments (through `prefix`) of the user's own unit or a unit they head (not those below it:
    a province's head does not read a commune's self-assessment unless they run the set)."""
    q = Q(**{f"{prefix}unit_id": scope.own_unit_id}) if scope.own_unit_id else Q(pk__in=[])
    headed = RoleAssignment.objects.current().filter(user_id=scope.user_id, role__in=UNIT_HEAD_ROLES).values("unit_id")
    return q | Q(**{f"{prefix}unit_id__in": headed})  # headed_unit_ids, from the scope's user id


def sets_visible_to(user) -> QuerySet[CriteriaSet]:
    scope = scope_for(user)
    if scope.user_id is None:
        return CriteriaSet.objects.none()
    if scope.is_superuser:
        return CriteriaSet.objects.all()
    mine = Assessment.objects.filter(_own_units_q(scope) | Q(appraiser_id=scope.user_id)).values("criteria_set_id")
    q = (_runs_q(scope) | Q(pk__in=mine) | Q(pk__in=Member.objects.filter(user_id=scope.user_id).values("criteria_set_id")))
    if user.unit_id:
        q |= Q(status=SetStatus.PUBLISHED, organisation_id=user.unit.organisation_id)
    return CriteriaSet.objects.filter(q)


def get_set_for_user(user, pk) -> CriteriaSet:
    try:
        return sets_visible_to(user).select_related("issuing_unit", "organisation").get(pk=pk)
    except (CriteriaSet.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def assessments_visible_to(user) -> QuerySet[Assessment]:
    """Scores behind an index: the unit's own people, its appraiser, whoever runs the set."""
    scope = scope_for(user)
    if scope.user_id is None:
        return Assessment.objects.none()
    if scope.is_superuser:
        return Assessment.objects.all()
    return Assessment.objects.filter(
        _own_units_q(scope) | Q(appraiser_id=scope.user_id) | _runs_q(scope, "criteria_set__"))


def get_assessment_for_user(user, pk) -> Assessment:
    try:
        return assessments_visible_to(user).select_related(
            "criteria_set", "criteria_set__issuing_unit", "unit", "appraiser").get(pk=pk)
    except (Assessment.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def results_visible_to(user) -> QuerySet[Result]:
    """Before publication a unit sees only its own result; afterwards the organisation sees the ranking."""
    scope = scope_for(user)
    if scope.user_id is None:
        return Result.objects.none()
    if scope.is_superuser:
        return Result.objects.all()
    q = Q(assessment__in=assessments_visible_to(user))
    if user.unit_id:
        q |= Q(criteria_set__status=SetStatus.PUBLISHED, criteria_set__organisation_id=user.unit.organisation_id)
    return Result.objects.filter(q)


# -- single-object checks ------------------------------------------------------------------


def can_issue_from(user, unit: Unit) -> bool:
    """Issues criteria sets from `unit`: its head or deputy (or one above), the organisation's administrators."""
    scope = scope_for(user)
    return scope.can_manage_unit(unit) or scope.can_administer_unit(unit)


def runs_set(user, criteria_set: CriteriaSet) -> bool:
    scope = scope_for(user)
    if scope.is_superuser or criteria_set.organisation_id in scope.admin_org_ids:
        return True
    if scope.can_manage_unit(criteria_set.issuing_unit):
        return True
    return Member.objects.filter(criteria_set=criteria_set, user_id=user.pk, role=MemberRole.SECRETARY).exists()


def heads_unit(user, unit: Unit) -> bool:
    """The head or a deputy of this very unit: the one who answers for its self-assessment. The
    units are read once per user object (like their access scope), so asking about many
    assessments — the work inbox, a list — costs one query, not one each."""
    headed = getattr(user, "_reform_headed_unit_ids", None)
    if headed is None:
        headed = frozenset(headed_unit_ids(user).values_list("unit_id", flat=True))
        user._reform_headed_unit_ids = headed
    return unit.pk in headed


def headed_unit_ids(user) -> QuerySet:
    """The units the user heads or deputises (themselves, not those below them)."""
    return RoleAssignment.objects.current().filter(user_id=user.pk, role__in=UNIT_HEAD_ROLES).values("unit_id")


def may_import_self_scores(user, criteria_set: CriteriaSet) -> bool:
    """While scoring is open, the head of a unit whose self-assessment is still a draft."""
    return criteria_set.status == SetStatus.OPEN and criteria_set.assessments.filter(
        unit_id__in=headed_unit_ids(user), status=AssessmentStatus.DRAFT).exists()


def belongs_to(user, unit: Unit) -> bool:
    """The user works in `unit` or below it, or heads it: they may not appraise it."""
    if user.unit_id == unit.pk or (user.unit_id and user.unit.path.startswith(unit.path)):
        return True
    return heads_unit(user, unit)


def may_appraise(user, unit: Unit) -> bool:
    return not belongs_to(user, unit)


def available_actions(user, obj) -> set[str]:
    """The single answer to what `user` may do with a criteria set or an assessment now."""
    if isinstance(obj, CriteriaSet):
        actions: set[str] = set()
        if not runs_set(user, obj):
            return actions
        # Any set is the model of next year's ("copy"); a set in use changes only as a new version.
        actions |= {"export", "copy"}
        if obj.status == SetStatus.DRAFT:
            actions |= {"edit", "open"}
        if obj.status == SetStatus.OPEN:
            actions |= {"assign_appraiser", "import_survey", "freeze", "new_version"}
        if obj.status == SetStatus.FROZEN:
            actions |= {"publish", "remedy"}
        if obj.status == SetStatus.PUBLISHED:
            actions |= {"remedy"}
        return actions
    if isinstance(obj, Assessment):
        actions = set()
        criteria_set = obj.criteria_set
        if criteria_set.status != SetStatus.OPEN:
            return actions
        if obj.status == AssessmentStatus.DRAFT and heads_unit(user, obj.unit):
            actions |= {"self_score", "submit", "compute_automatic"}
        if obj.status == AssessmentStatus.DRAFT and runs_set(user, criteria_set):
            actions.add("compute_automatic")
        if obj.status == AssessmentStatus.SUBMITTED and obj.appraiser_id == user.pk and may_appraise(user, obj.unit):
            actions |= {"appraise", "finish_appraisal"}
        if obj.status == AssessmentStatus.APPRAISED:
            if heads_unit(user, obj.unit) and obj.answer_due_on and timezone.localdate() <= obj.answer_due_on:
                actions.add("answer")
            # The council (those who run the set) fixes the final score; nobody for their own unit.
            if runs_set(user, criteria_set) and may_appraise(user, obj.unit):
                actions |= {"decide", "finalise"}
        return actions
    raise TypeError(f"no actions for {type(obj).__name__}")
