"""Who sees and does what in emulation.

A period is seen by those who read its scope (heads, deputies, council members, inspectors of the
subtree, administrators of the organisation) and by every official inside it — who sees only their
own rating. Running a period (recompute, move it on, open and close council sessions) is for the
council's secretary at or above the scope, the head of the scope (the council's chair) and the
organisation's administrators. Scores of general criteria are entered from above the official —
never by the official, a peer or a subordinate (can_score). Outsiders get 404.

`available_actions(user, record)` is the one statement of who may do what in which state: the
pages show exactly these actions, and the services refuse any other — 403 when the user may never
do it, 409 (with its own message) when the record is not in a state for it.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.access import manages_from_above, scope_for
from accounts.models import Role, RoleAssignment, Unit
from emulation.models import (
    COMPUTABLE_STATUSES,
    PERIOD_ORDER,
    Award,
    BallotReceipt,
    CouncilSession,
    Nomination,
    NominationStatus,
    Period,
    PeriodStatus,
    Rating,
    SessionMember,
    SessionStatus,
    UnitScore,
)

RUNNING_ROLES = (Role.COUNCIL_SECRETARY, Role.HEAD)

# True of every row, and it stays true in an OR (a negated empty IN compiles to no condition).
EVERY_ROW = ~Q(pk__in=[])


def reading_q(user, prefix: str) -> Q:
    """Units readable through roles, grants or administration — not merely one's own unit.

    Never empty: for a superuser it is a condition every row meets. The empty Q() would read as
    "everything" on its own but vanish from an OR (Q() | Q(x) is Q(x)), leaving a superuser only
    what the other branch lets in."""
    scope = scope_for(user)
    if scope.is_superuser:
        return EVERY_ROW
    q = Q(**{f"{prefix}pk__in": []})
    if scope.admin_org_ids:
        q |= Q(**{f"{prefix}organisation_id__in": sorted(scope.admin_org_ids)})
    for path in scope.read_paths:
        q |= Q(**{f"{prefix}path__startswith": path})
    return q


def readable(queryset: QuerySet, user, prefix: str, *also: Q) -> QuerySet:
    """The rows of `queryset` the user reads: those whose unit (through `prefix`) is readable, or
    that one of `also` lets in; every row for a superuser; none for an anonymous or inactive user.
    The one reading filter of this module."""
    scope = scope_for(user)
    if scope.user_id is None:
        return queryset.none()
    if scope.is_superuser:
        return queryset.all()
    q = reading_q(user, prefix)
    for extra in also:
        q |= extra
    return queryset.filter(q)


def periods_visible_to(user) -> QuerySet[Period]:
    # A period is seen from inside its scope: by whoever reads a unit at or below it (its results
    # are then listed within what they read) and by every official of a unit below it.
    scope = scope_for(user)
    above = {path for read in scope.read_paths for path in Unit.paths_above(read)}
    if scope.user_id is not None and user.unit_id:
        above.update(user.unit.ancestor_paths())
    return readable(Period.objects.all(), user, "unit__", Q(unit__path__in=sorted(above)))


def get_period_for_user(user, pk) -> Period:
    try:
        return periods_visible_to(user).select_related("unit", "organisation").get(pk=pk)
    except (Period.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def can_read_results(user, period: Period) -> bool:
    """Everyone's results in the period, not only one's own."""
    scope = scope_for(user)
    return (scope.is_superuser or period.organisation_id in scope.admin_org_ids
            or any(period.unit.path.startswith(p) or p.startswith(period.unit.path) for p in scope.read_paths))


def ratings_visible_to(user) -> QuerySet[Rating]:
    return readable(Rating.objects.all(), user, "unit__", Q(person_id=user.pk))


def get_rating_for_user(user, period: Period, person_id) -> Rating:
    try:
        return ratings_visible_to(user).select_related("person", "unit", "rule_set", "period__unit") \
            .get(period=period, person_id=person_id)
    except (Rating.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def unit_scores_visible_to(user) -> QuerySet[UnitScore]:
    return readable(UnitScore.objects.all(), user, "unit__")


def _running_paths(user) -> list[str]:
    """The subtrees where the user is the council's secretary or the head (the council's chair)."""
    return list(RoleAssignment.objects.current().filter(user_id=user.pk, role__in=RUNNING_ROLES)
                .values_list("unit__path", flat=True))


def can_run_in(user, unit: Unit) -> bool:
    """Open and run emulation periods for this unit's subtree."""
    scope = scope_for(user)
    if scope.is_superuser or unit.organisation_id in scope.admin_org_ids:
        return True
    return any(unit.path.startswith(path) for path in _running_paths(user))


def can_run(user, period: Period) -> bool:
    return can_run_in(user, period.unit)


def units_to_run(user) -> QuerySet[Unit]:
    """The units whose subtree the user may open a period for (one query for the roles)."""
    scope = scope_for(user)
    if scope.is_superuser:
        return Unit.objects.all()
    q = Q(organisation_id__in=sorted(scope.admin_org_ids))
    for path in _running_paths(user):
        q |= Q(path__startswith=path)
    return Unit.objects.filter(q)


def can_score(user, person) -> bool:
    """General-criteria points come from above the official (accounts.access.manages_from_above):
    the head or a deputy over a plain official's unit, and for the head or a deputy of a unit the
    leaders of the unit above. Never the official themself, nor a peer or a subordinate: a deputy
    does not score their head, nor the head their deputy (DOMAIN.md §3)."""
    return manages_from_above(user, person)


def can_score_unit(user, unit: Unit) -> bool:
    """Manual criterion points for a unit come from outside it, from above: never from someone who
    works in it or in a unit below it, or who heads or deputises it or a unit below it. (Who runs
    the period is asked separately, by can_run.)"""
    scope = scope_for(user)
    if scope.user_id is None:
        return False
    if user.unit_id is not None and user.unit.path.startswith(unit.path):
        return False
    return not any(path.startswith(unit.path) for path in scope.managed_paths)


def can_nominate(user, period: Period, unit: Unit) -> bool:
    return unit.path.startswith(period.unit.path) and (scope_for(user).can_manage_unit(unit) or can_run(user, period))


def sessions_visible_to(user) -> QuerySet[CouncilSession]:
    seats = SessionMember.objects.filter(user_id=user.pk).values("session_id")
    return readable(CouncilSession.objects.all(), user, "period__unit__", Q(pk__in=seats))


def get_session_for_user(user, pk) -> CouncilSession:
    try:
        return sessions_visible_to(user).select_related("period__unit", "period__organisation").get(pk=pk)
    except (CouncilSession.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def sessions_awaiting_ballot(user) -> QuerySet[CouncilSession]:
    """The open sessions where the user holds a seat and has not voted yet: the ballots
    services.ballot_cast would take from them."""
    voted = BallotReceipt.objects.filter(member_id=user.pk).values("session_id")
    seats = SessionMember.objects.filter(user_id=user.pk).values("session_id")
    return sessions_visible_to(user).filter(pk__in=seats, status=SessionStatus.OPEN).exclude(pk__in=voted)


def seat_of(user, session: CouncilSession) -> SessionMember | None:
    return SessionMember.objects.filter(session=session, user_id=user.pk).first()


def recusals(session: CouncilSession) -> dict[int, set[int]]:
    """Nobody judges their own work (DESIGN.md): per nomination on the session's ballot, the members
    who do not vote on it — the nominee, and for a unit's nomination the head of that unit."""
    seated = set(session.members.values_list("user_id", flat=True))
    nominations = list(session.nominations.values_list("pk", "person_id", "unit_id"))
    out = {pk: {person_id} & seated for pk, person_id, _unit in nominations if person_id}
    collective = defaultdict(list)
    for pk, person_id, unit_id in nominations:
        if not person_id:
            collective[unit_id].append(pk)
    if collective:
        heads = RoleAssignment.objects.current().filter(role=Role.HEAD, unit_id__in=list(collective),
                                                        user_id__in=seated).values_list("unit_id", "user_id")
        for unit_id, user_id in heads:
            for pk in collective[unit_id]:
                out.setdefault(pk, set()).add(user_id)
    return {pk: users for pk, users in out.items() if users}


# -- who may do what, in which state ------------------------------------------------------------------

NOMINATING_STATUSES = (PeriodStatus.REVIEW, PeriodStatus.VOTING)


def next_status(period: Period) -> str | None:
    index = PERIOD_ORDER.index(period.status)
    return PERIOD_ORDER[index + 1] if index + 1 < len(PERIOD_ORDER) else None


def _nominates(user, period: Period, unit: Unit, runs) -> bool:
    """can_nominate, with whether the user runs the period asked through `runs`."""
    return unit.path.startswith(period.unit.path) and (scope_for(user).can_manage_unit(unit) or runs(period))


def _period_actions(user, period: Period, runs) -> set[str]:
    """Running the period: recompute and manual points until the vote, one step on at a time,
    council sessions at the vote."""
    if not runs(period):
        return set()
    actions = set()
    if period.status in COMPUTABLE_STATUSES:
        actions |= {"recompute", "import_manual"}
    if next_status(period) is not None:
        actions.add("advance")
    if period.status == PeriodStatus.VOTING:
        actions.add("open_session")
    return actions


def _rating_actions(user, rating: Rating, runs) -> set[str]:
    """On one official's rating: general points from above them while the inputs still change, a
    recognised initiative (from above them or by who runs the period), the decided level in the
    review, a nomination by their unit's managers or who runs the period."""
    period, person = rating.period, rating.person
    computable = period.status in COMPUTABLE_STATUSES
    running, scores = runs(period), can_score(user, person)
    actions = set()
    if computable and scores:
        actions.add("set_general")
    if computable and (running or scores):
        actions.add("record_initiative")
    if running and period.status == PeriodStatus.REVIEW:
        actions.add("decide_level")
    if period.status in NOMINATING_STATUSES and person.unit_id and _nominates(user, period, person.unit, runs):
        actions.add("nominate")
    return actions


def _unit_score_actions(user, score: UnitScore, runs) -> set[str]:
    """On one unit of the period: manual points from above it while the inputs still change, and
    its nomination as a collective."""
    period, unit = score.period, score.unit
    actions = set()
    if period.status in COMPUTABLE_STATUSES and runs(period) and can_score_unit(user, unit):
        actions.add("enter_manual")
    if period.status in NOMINATING_STATUSES and _nominates(user, period, unit, runs):
        actions.add("nominate")
    return actions


def _nomination_actions(user, nomination: Nomination, runs) -> set[str]:
    """A proposal not yet decided is withdrawn by who may nominate for its unit."""
    if not _nominates(user, nomination.period, nomination.unit, runs):
        return set()
    if nomination.status != NominationStatus.PROPOSED or nomination.sessions.filter(
            status=SessionStatus.CLOSED).exists():
        return set()
    return {"withdraw"}


def _session_actions(user, session: CouncilSession, runs) -> set[str]:
    """An open session: who runs the period records presence and closes it; a member casts one
    secret ballot. Only the fact of having voted is read here, never a choice."""
    if session.status != SessionStatus.OPEN:
        return set()
    actions = set()
    if runs(session.period):
        actions |= {"record_presence", "close"}
    if seat_of(user, session) is not None and not BallotReceipt.objects.filter(session=session,
                                                                                member_id=user.pk).exists():
        actions.add("vote")
    return actions


def _award_actions(user, award: Award, runs) -> set[str]:
    if award.revoked_at is None and runs(award.period):
        return {"revoke"}
    return set()


_ACTIONS = {Period: _period_actions, Rating: _rating_actions, UnitScore: _unit_score_actions,
            Nomination: _nomination_actions, CouncilSession: _session_actions, Award: _award_actions}


def available_actions(user, record) -> frozenset[str]:
    """What `user` may do to `record` now: a period, a rating, a unit's score, a nomination, a
    council session or an award."""
    if scope_for(user).user_id is None:
        return frozenset()
    return frozenset(_ACTIONS[type(record)](user, record, lambda period: can_run(user, period)))


def actions_of_each(user, records) -> dict[int, frozenset[str]]:
    """available_actions for every record of a list, by pk; whether the user runs a period is read
    once per period, not once per row."""
    if scope_for(user).user_id is None:
        return {record.pk: frozenset() for record in records}
    running: dict[int, bool] = {}

    def runs(period):
        if period.pk not in running:
            running[period.pk] = can_run(user, period)
        return running[period.pk]

    return {record.pk: frozenset(_ACTIONS[type(record)](user, record, runs)) for record in records}
