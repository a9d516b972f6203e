"""Reads of the reform index for the pages, the API and the apps above (emulation)."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from config.inbox import InboxItem, by_due
from reform.access import (
    assessments_visible_to,
    available_actions,
    headed_unit_ids,
    results_visible_to,
    sets_visible_to,
)
from reform.models import Assessment, AssessmentStatus, CriteriaSet, Result, SetStatus

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
