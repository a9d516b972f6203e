"""Reads of emulation results, always through the access policy."""

from __future__ import annotations

from collections import defaultdict
from functools import cached_property

from django.core.exceptions import ValidationError
from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.access import MANAGING_ROLES, prime_scopes, scope_for
from accounts.collation import by_vietnamese
from accounts.models import RoleAssignment, Unit
from core.inbox import InboxItem, by_due
from core.pagination import WindowPaginator
from core.text import fold
from emulation import rules
from emulation.access import (
    can_score,
    ratings_visible_to,
    readable,
    sessions_awaiting_ballot,
    unit_scores_visible_to,
)
from emulation.models import (
    COMPUTABLE_STATUSES,
    Award,
    Nomination,
    NominationStatus,
    Period,
    Rating,
    RatingLevel,
    RecomputeRun,
    Title,
    UnitScore,
    Verdict,
)

# Every sort ends on the id, so that a page of rows is the same page whenever it is read.
SORTS = {
    "score": [F("score").desc(nulls_last=True), "person__full_name", "id"],
    "name": ["person__full_name", "id"],
    "unit": ["unit__path", "rank_in_unit", "person__full_name", "id"],
    "level": [F("final").asc(nulls_last=True), F("score").desc(nulls_last=True), "id"],
}
LEVEL_ORDER = {RatingLevel.HTXS: 1, RatingLevel.HTT: 2, RatingLevel.HT: 3, RatingLevel.KHT: 4}
PENDING = ""  # the level of a rating neither computed nor decided yet: "not rated yet"


def level_is(level: str) -> Q:
    """The ratings whose level — decided, else computed — is `level` (PENDING: neither)."""
    if level == PENDING:
        return Q(computed_level="", level="")
    return Q(level=level) | Q(level="", computed_level=level)


def ranking_filter(*, q: str = "", unit=None, level: str = "", staff_group: str = "", withheld: bool = False) -> Q:
    """The ranking's filters as one condition on the ratings (the empty Q when none is set)."""
    where = Q()
    if q:
        where &= Q(person__search_text__contains=fold(q))
    if unit is not None:
        where &= Q(unit__path__startswith=unit.path)
    if level == "pending":
        where &= level_is(PENDING)
    elif level in RatingLevel.values:
        where &= level_is(level)
    if staff_group:
        where &= Q(staff_group=staff_group)
    if withheld:
        where &= Q(withheld=True)
    return where


def ranking(user, period: Period, *, q: str = "", unit=None, level: str = "", staff_group: str = "",
            withheld: bool = False, sort: str = "score") -> QuerySet[Rating]:
    """The council's ranking table: the period's ratings the user may read, filtered and sorted in
    SQL (the breakdown, read only on an official's own page, left out)."""
    ratings = ratings_visible_to(user).filter(period=period).select_related("person", "unit").defer("breakdown")
    where = ranking_filter(q=q, unit=unit, level=level, staff_group=staff_group, withheld=withheld)
    if where:
        ratings = ratings.filter(where)
    if sort == "level":
        final = Case(*[When(level_is(lv), then=Value(n)) for lv, n in LEVEL_ORDER.items()],
                     default=Value(None), output_field=IntegerField())
        ratings = ratings.annotate(final=final)
    return ratings.order_by(*SORTS.get(sort, SORTS["score"]))


class RankingPaginator(WindowPaginator):
    """Pages of the ranking read a page at a time: the page's ids in the ranking's SQL order
    (ORDER BY … LIMIT … OFFSET over the narrow rows), then those rows whole, in one query. The
    number of matching rows is given (ranking_counts), capped as WindowPaginator caps it."""

    def __init__(self, ratings: QuerySet[Rating], per_page: int, *, number: int, matching: int):
        super().__init__(ratings, per_page, number=number)
        self.matching = matching

    @cached_property
    def count(self):
        return min(self.matching, self.window + 1)

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        ids = self.object_list.values("pk")[bottom:bottom + self.per_page]
        return self._get_page(list(self.object_list.filter(pk__in=ids)), number, self)


def ranking_counts(user, period: Period, **filters) -> tuple[list[dict], int]:
    """One aggregate over the period's ratings the user may read: how many at each level (decided,
    else computed; the distribution, whatever the filters) and how many the filters let through."""
    levels = [*RatingLevel.values, PENDING]
    counts = {f"n{index}": Count("pk", filter=level_is(level)) for index, level in enumerate(levels)}
    where = ranking_filter(**filters)
    counts["matching"] = Count("pk", filter=where) if where else Count("pk")
    row = ratings_visible_to(user).filter(period=period).order_by().aggregate(**counts)
    labels = dict(RatingLevel.choices)
    chart = [{"level": level, "label": labels.get(level, ""), "n": row[f"n{index}"]}
             for index, level in enumerate(levels)]
    return chart, row["matching"]


def unit_ranking(user, period: Period) -> QuerySet[UnitScore]:
    return unit_scores_visible_to(user).filter(period=period).select_related("unit", "cluster") \
        .order_by(F("cluster__name").asc(nulls_last=True), "unit__path", "rank")


TITLE_ORDER = {title: index for index, title in enumerate(Title.values)}  # LĐTT first, then the higher titles


def verdicts_for_person(period: Period, person_id: int) -> list[Verdict]:
    return sorted(Verdict.objects.filter(period=period, person_id=person_id), key=lambda v: TITLE_ORDER[v.title])


def verdicts_for_unit(period: Period, unit_id: int) -> list[Verdict]:
    return sorted(Verdict.objects.filter(period=period, unit_id=unit_id, person__isnull=True),
                  key=lambda v: TITLE_ORDER[v.title])


def nominations(user, period: Period) -> QuerySet[Nomination]:
    """The period's live nominations of people and units the user reads."""
    return readable(period.nominations.all(), user, "unit__").select_related("person", "unit", "nominated_by") \
        .exclude(status=NominationStatus.WITHDRAWN)


def decision_list(user, period: Period) -> QuerySet[Award]:
    """The period's awards the user reads, in the order of the decision list: title, unit, name."""
    return readable(Award.objects.filter(period=period), user, "unit__").select_related("person", "unit", "session") \
        .annotate(flag_count=Count("flags")).order_by("title", "unit__path", by_vietnamese("person__full_name"), "id")


def latest_run(period: Period) -> RecomputeRun | None:
    return period.recompute_runs.first()


def withheld_reasons(period: Period, person_ids: list[int]) -> dict[int, list[dict]]:
    """The failed conditions of LĐTT — why each official is withheld from commendation."""
    verdicts = Verdict.objects.filter(period=period, title=Title.LDTT, person_id__in=person_ids)
    return {v.person_id: [c for c in v.conditions if not c["passed"]] for v in verdicts}


def verdicts_for_nominations(period: Period, nominations: list[Nomination]) -> dict[int, Verdict]:
    """Each nomination's eligibility verdict (one query)."""
    titles = {n.title for n in nominations}
    verdicts = Verdict.objects.filter(period=period, title__in=titles).filter(
        Q(person_id__in=[n.person_id for n in nominations if n.person_id])
        | Q(person__isnull=True, unit_id__in=[n.unit_id for n in nominations if not n.person_id]))
    by_key = {(v.title, v.person_id, None if v.person_id else v.unit_id): v for v in verdicts}
    return {n.pk: by_key.get((n.title, n.person_id, None if n.person_id else n.unit_id)) for n in nominations}


# -- what waits for someone (the work inbox) ---------------------------------------------------

EMULATION_QUEUES = {
    "ballots": _("Ballots to cast"),
    "scores": _("General-criteria scores to enter"),
}


def _scored_directly_by(user, scope) -> tuple[set[int], dict[int, set[int]]]:
    """Where `user` is the nearest leader above: the units whose plain officials they score (the
    nearest unit at or above with a head or deputy is theirs), and per unit just below such a
    unit, its leaders (scored from the unit above). Two queries over the user's subtrees."""
    near = Q(pk__in=[])
    for path in scope.managed_paths:
        near |= Q(path__startswith=path)
    units = list(Unit.objects.filter(near).order_by("path").values_list("pk", "path"))
    leaders: dict[str, set[int]] = {}
    for path, user_id in RoleAssignment.objects.current().filter(
            role__in=MANAGING_ROLES, unit__in=[pk for pk, _path in units]).values_list("unit__path", "user_id"):
        leaders.setdefault(path, set()).add(user_id)

    def nearest(path: str) -> set[int]:
        while path:
            if leaders.get(path):
                return leaders[path]
            path = path[:-Unit.steplen]
        return set()

    plain_units, leader_units = set(), {}
    for pk, path in units:
        if user.pk in nearest(path):
            plain_units.add(pk)
        if path not in scope.managed_paths and user.pk in nearest(path[:-Unit.steplen]) and leaders.get(path):
            leader_units[pk] = leaders[path]
    return plain_units, leader_units


def emulation_inbox(user) -> dict[str, list[InboxItem]]:
    """Per queue, what waits for `user`: a council session's secret ballot not cast yet, and the
    general-criteria points (or assessment) not entered yet, while the period is still computed,
    of the people the user scores (can_score) as their nearest leader above — the officials of the
    units they lead without a head of their own, and the leaders of the units just below. Six
    queries however many people and units."""
    queues: dict[str, list[InboxItem]] = {key: [] for key in EMULATION_QUEUES}
    scope = scope_for(user)
    if scope.user_id is None:
        return queues
    for session in sessions_awaiting_ballot(user).select_related("period").order_by("held_on", "id"):
        queues["ballots"].append(InboxItem("", session.name, reverse("emulation:ballot", args=[session.pk]),
                                           session.held_on, str(session.period)))
    if scope.managed_paths:
        plain_units, leader_units = _scored_directly_by(user, scope)
        mine = Q(unit_id__in=sorted(plain_units))
        for unit_id, leader_ids in leader_units.items():
            mine |= Q(unit_id=unit_id, person_id__in=sorted(leader_ids))
        ratings = list(ratings_visible_to(user).filter(mine, period__status__in=COMPUTABLE_STATUSES,
                                                       general_by__isnull=True)
                       .exclude(person_id=scope.user_id).select_related("person__unit", "unit", "period")
                       .order_by("period__ends_on", "unit__path", "person__full_name"))
        prime_scopes([user, *(rating.person for rating in ratings)])
        for rating in ratings:
            if can_score(user, rating.person):
                queues["scores"].append(InboxItem(
                    "", rating.person.full_name,
                    reverse("emulation:person", args=[rating.period_id, rating.person_id]), rating.period.ends_on,
                    f"{rating.unit} · {rating.period}"))
    return {key: by_due(items) for key, items in queues.items()}


# -- read by the services ------------------------------------------------------------------------


def quota_errors(period: Period) -> list[str]:
    """HTXS ≤ 20% of those rated HTT (25% in an agency rated HTXS), counted per agency — the
    department or commune People's Committee, not each of its divisions — and staff group (Decree
    335/2025; 233/2026): one message per group that is over, naming who is rated HTXS."""
    units = {unit.path: unit for unit in Unit.objects.filter(path__startswith=period.unit.path)
             .only("id", "path", "name", "kind")}
    kinds = {path: unit.kind for path, unit in units.items()}
    unit_levels = dict(UnitScore.objects.filter(period=period).values_list("unit_id", "level"))
    groups = defaultdict(list)
    for rating in Rating.objects.filter(period=period).select_related("person", "unit", "rule_set"):
        if rating.rule_set_id:
            agency = units.get(rules.quota_agency(rating.unit.path, kinds), rating.unit)
            groups[(agency.pk, rating.staff_group)].append((agency, rating))
    errors = []
    for members in groups.values():
        agency, first = members[0]
        levels = [(r.person.full_name, r.final_level) for _agency, r in members]
        try:
            rules.check_htxs_quota(levels, first.rule_set,
                                   excellent_unit=unit_levels.get(agency.pk) == RatingLevel.HTXS)
        except ValidationError as error:
            errors.append(f"{agency.name} ({first.get_staff_group_display()}): {error.messages[0]}")
    return errors


def verdict_for(period: Period, title: str, person, unit: Unit) -> Verdict | None:
    """The eligibility verdict of a person (or, without one, of the unit as a collective) for a title."""
    verdicts = Verdict.objects.filter(period=period, title=title)
    return (verdicts.filter(person=person) if person else verdicts.filter(person__isnull=True, unit=unit)).first()
