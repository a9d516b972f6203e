"""Reads of the reform index for the pages, the API and the apps above (emulation)."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Q, QuerySet

from reform.access import assessments_visible_to, results_visible_to, sets_visible_to
from reform.models import Assessment, CriteriaSet, Result, SetStatus


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
    return queryset.select_related("unit", "appraiser", "criteria_set").annotate(
        self_scored=Count("scores", filter=Q(scores__self_points__isnull=False)),
        appraised=Count("scores", filter=Q(scores__appraised_by__isnull=False)),
    ).order_by("criteria_set", "unit__name")


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
