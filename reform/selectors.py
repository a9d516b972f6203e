"""Reads of the reform index for the pages, the API and the apps above (emulation)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import Unit
from core.inbox import InboxItem, by_due
from reform import rules
from reform.access import (
    assessments_visible_to,
    available_actions,
    headed_unit_ids,
    results_visible_to,
    sets_visible_to,
)
from reform.models import (
    Assessment,
    AssessmentStatus,
    Band,
    CriteriaSet,
    Result,
    Score,
    SetStatus,
    SubCriterion,
    SurveyScore,
)
from tasks.selectors import task_official_status

# What the reform index puts in the work inbox ("Việc cần xử lý"), composed by the top layer.
REFORM_QUEUES = {
    "self_assessments": _("Reform self-assessments to submit"),
    "appraisals": _("Reform self-assessments to appraise"),
}


def set_list_for_user(user) -> QuerySet[CriteriaSet]:
    return sets_visible_to(user).select_related("issuing_unit").annotate(
        unit_count=Count("assessments", distinct=True)).order_by("-year", "unit_group", "title")


def assessment_list_for_user(user, *, criteria_set: CriteriaSet | None = None, appraiser_queue: bool = False
                             ) -> QuerySet[Assessment]:
    """Assessments with their progress: sub-criteria self-scored and appraised so far."""
    queryset = assessments_visible_to(user)
    if criteria_set is not None:
        queryset = queryset.filter(criteria_set=criteria_set)
    if appraiser_queue:
        queryset = queryset.filter(appraiser_id=user.pk, criteria_set__status=SetStatus.OPEN)
    return queryset.select_related("unit", "appraiser", "criteria_set", "task").annotate(
        self_scored=Count("scores", filter=Q(scores__self_points__isnull=False)),
        appraised=Count("scores", filter=Q(scores__appraised_by__isnull=False)),
    ).order_by("criteria_set", "unit__name")


def submission_summary(user, criteria_set: CriteriaSet, today) -> dict[str, int]:
    """The secretary's overview head: how many units submitted on time, late, not yet (and of those, how
    many are past the deadline), and how many have no self-assessment task (no head). One query."""
    deadline = criteria_set.self_assessment_deadline
    submitted = Q(submitted_at__isnull=False)
    late_cut = deadline is not None and Q(submitted_at__date__gt=deadline)
    counts = assessments_visible_to(user).filter(criteria_set=criteria_set).aggregate(
        total=Count("id"),
        submitted=Count("id", filter=submitted),
        submitted_late=Count("id", filter=submitted & late_cut) if late_cut else Count("id", filter=Q(pk__in=[])),
        missing=Count("id", filter=Q(submitted_at__isnull=True)),
        without_task=Count("id", filter=Q(task__isnull=True)),
    )
    counts["overdue"] = counts["missing"] if deadline is not None and deadline < today else 0
    counts["on_time"] = counts["submitted"] - counts["submitted_late"]
    return counts


def remedy_list_for_user(user, criteria_set: CriteriaSet, *, unit_id: int | None = None) -> QuerySet[Score]:
    """The lost points of a set turned into remedial tasks, scoped like the assessments behind them,
    each with its task and the task's official status (done on time, late, overdue…), followed to
    completion like an inspection's recommendations. One query for the page of rows."""
    queryset = (Score.objects.filter(assessment__in=assessments_visible_to(user).filter(criteria_set=criteria_set),
                                     remedy_task__isnull=False)
                .select_related("assessment__unit", "sub_criterion", "remedy_task", "remedy_task__lead")
                .order_by("assessment__unit__name", "sub_criterion__code"))
    if unit_id is not None:
        queryset = queryset.filter(assessment__unit_id=unit_id)
    return queryset


def with_task_state(scores, now=None) -> list[Score]:
    """Each remedy of a page with its task's official status, as (code, label) in `task_state`."""
    scores = list(scores)
    for score in scores:
        score.task_state = task_official_status(score.remedy_task, now)
    return scores


def ranking_for_user(user, criteria_set: CriteriaSet) -> QuerySet[Result]:
    return results_visible_to(user).filter(criteria_set=criteria_set).select_related("unit").order_by(
        "rank", "unit__name")


def unit_reform_results(unit_ids, *, organisation_id: int, year: int) -> dict[int, tuple[Decimal, str]]:
    """The published reform index and class of each unit for `year` (the latest version of a set
    per group), for the emulation ranking. Units without a published result are absent."""
    rows = (Result.objects.filter(unit_id__in=list(unit_ids), criteria_set__organisation_id=organisation_id,
                                  criteria_set__year=year, criteria_set__status=SetStatus.PUBLISHED)
            .order_by("unit_id", "-criteria_set__version").values_list("unit_id", "index", "band_name"))
    found: dict[int, tuple[Decimal, str]] = {}
    for unit_id, index, band in rows:
        found.setdefault(unit_id, (index, band))
    return found


@dataclass(frozen=True)
class ReformStanding:
    """A unit's published reform result for a year, with the thresholds of its set's classes."""

    index: Decimal
    band_name: str
    band_min_percent: Decimal | None
    class_thresholds: dict[str, Decimal]  # the set's class names → their thresholds
    set_id: int
    set_title: str

    def reaches(self, least: str) -> bool | None:
        """Whether the unit's class is `least` or above it; None where the set has no class so named."""
        threshold = self.class_thresholds.get(least.strip())
        if threshold is None:
            return None
        return self.band_min_percent is not None and self.band_min_percent >= threshold


def unit_reform_standings(unit_ids, *, organisation_id: int, year: int) -> dict[int, ReformStanding]:
    """Per unit, its published reform index and class for `year` (the latest version of a set per
    group) with the set's classes, for the conditions of collective titles. Two queries; `unit_ids`
    may be a subquery (a province's units)."""
    rows = (Result.objects.filter(unit_id__in=unit_ids if isinstance(unit_ids, QuerySet) else list(unit_ids), criteria_set__organisation_id=organisation_id,
                                  criteria_set__year=year, criteria_set__status=SetStatus.PUBLISHED)
            .order_by("unit_id", "-criteria_set__version")
            .values_list("unit_id", "index", "band_name", "band__min_percent", "criteria_set_id",
                         "criteria_set__title"))
    latest = {}
    for unit_id, *rest in rows:
        latest.setdefault(unit_id, rest)
    thresholds: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for set_id, name, min_percent in Band.objects.filter(
            criteria_set_id__in={row[3] for row in latest.values()}).values_list("criteria_set_id", "name",
                                                                                 "min_percent"):
        thresholds[set_id][name] = min_percent
    return {unit_id: ReformStanding(index=index, band_name=band, band_min_percent=min_percent,
                                    class_thresholds=thresholds[set_id], set_id=set_id, set_title=title)
            for unit_id, (index, band, min_percent, set_id, title) in latest.items()}


def reform_inbox(user) -> dict[str, list[InboxItem]]:
    """Per queue, what waits for `user`: the self-assessment of a unit they head, not submitted yet,
    due by its set's deadline; a submitted one they were assigned to appraise. Two queries however
    many there are; whether each waits is asked of reform.access.available_actions."""
    queues: dict[str, list[InboxItem]] = {key: [] for key in REFORM_QUEUES}
    if not getattr(user, "is_authenticated", False):
        return queues
    # Only what can wait for this user: drafts of the units they head, submissions assigned to them
    # (a secretary sees every assessment of the set, and none of them waits for the secretary).
    mine = (Q(status=AssessmentStatus.DRAFT, unit_id__in=headed_unit_ids(user))
            | Q(status=AssessmentStatus.SUBMITTED, appraiser_id=user.pk))
    candidates = (assessments_visible_to(user).filter(mine, criteria_set__status=SetStatus.OPEN)
                  .select_related("unit", "criteria_set").order_by("criteria_set_id", "unit__name"))
    for assessment in candidates:
        actions = available_actions(user, assessment)
        url = reverse("reform:assessment", args=[assessment.pk])
        if "submit" in actions:
            queues["self_assessments"].append(InboxItem(
                "", str(assessment.criteria_set.title), url, assessment.criteria_set.self_assessment_deadline,
                str(assessment.unit)))
        if "finish_appraisal" in actions:
            queues["appraisals"].append(InboxItem("", str(assessment.unit), url, None,
                                                  str(assessment.criteria_set.title)))
    return {key: by_due(items) for key, items in queues.items()}


def previous_year_set(criteria_set: CriteriaSet) -> CriteriaSet | None:
    """The set of the year before for the same organisation and group: its latest published version
    (a published ranking is open to the whole organisation, so showing it beside this one reveals nothing)."""
    return (CriteriaSet.objects.filter(organisation_id=criteria_set.organisation_id, unit_group=criteria_set.unit_group,
                                       year=criteria_set.year - 1, status=SetStatus.PUBLISHED)
            .order_by("-version").first())


def previous_results(criteria_set: CriteriaSet, unit_ids=None) -> tuple[CriteriaSet | None, dict[int, Result]]:
    """Last year's set and its results by unit (of `unit_ids` when given): two queries."""
    previous = previous_year_set(criteria_set)
    if previous is None:
        return None, {}
    rows = Result.objects.filter(criteria_set=previous)
    if unit_ids is not None:
        rows = rows.filter(unit_id__in=list(unit_ids))
    return previous, {row.unit_id: row for row in rows.only("unit_id", "index", "band_name", "rank")}


# -- what the services read: the lines a unit scores, what it has not scored, the totals --------

def applicable_sub_criteria(criteria_set: CriteriaSet, unit: Unit) -> list[SubCriterion]:
    return [sub for sub in criteria_set.sub_criteria.select_related("criterion__area") if sub.applies_to(unit.kind)]


def missing_self_scores(assessment: Assessment) -> list[SubCriterion]:
    scored = set(assessment.scores.filter(self_points__isnull=False).values_list("sub_criterion_id", flat=True))
    return [sub for sub in applicable_sub_criteria(assessment.criteria_set, assessment.unit) if sub.pk not in scored]


@dataclass
class Totals:
    self_points: Decimal = rules.ZERO
    appraised_points: Decimal = rules.ZERO
    survey_points: Decimal = rules.ZERO
    applicable_points: Decimal = rules.ZERO


def compute_totals(criteria_set: CriteriaSet) -> dict[int, Totals]:
    """Per assessment: the unit's own points, the final (appraised) points, the survey points and the
    points that apply to its kind of unit. A few set-wide queries, whatever the number of units."""
    subs = {pk: (max_points, kinds) for pk, max_points, kinds in
            criteria_set.sub_criteria.values_list("pk", "max_points", "unit_kinds")}
    survey_max = sum((area.survey_max_points for area in criteria_set.areas.filter(survey_max_points__isnull=False)),
                     rules.ZERO)
    kinds = dict(criteria_set.assessments.values_list("pk", "unit__kind"))
    totals = {pk: Totals() for pk in kinds}
    for pk, kind in kinds.items():
        totals[pk].applicable_points = survey_max + sum(
            (maximum for maximum, applies in subs.values() if not applies or kind in applies), rules.ZERO)
    for assessment_id, sub_id, own, appraised, decided in Score.objects.filter(
            assessment__criteria_set=criteria_set).values_list("assessment_id", "sub_criterion_id", "self_points",
                                                                "appraised_points", "decided_points"
                                                                ).iterator(chunk_size=5000):
        applies = subs[sub_id][1]
        if applies and kinds[assessment_id] not in applies:
            continue
        total = totals[assessment_id]
        total.self_points += own or rules.ZERO
        final = decided if decided is not None else appraised if appraised is not None else own
        total.appraised_points += final or rules.ZERO
    for assessment_id, points in SurveyScore.objects.filter(
            assessment__criteria_set=criteria_set).values_list("assessment_id", "points"):
        totals[assessment_id].survey_points += points
    return totals
