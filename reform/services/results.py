"""The index of a set: the survey points, the computed results, the freezing of the scores and the
publication."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import ConflictError
from core.transitions import advance, locked
from reform import rules
from reform.models import Area, Assessment, AssessmentStatus, CriteriaSet, Result, Score, SetStatus, SurveyScore
from reform.selectors import compute_totals
from reform.services._common import ZERO, _event, _refuse_unless, _wrong_set_state


@dataclass(frozen=True)
class SurveyRow:
    assessment: Assessment
    area: Area
    points: Decimal


@transaction.atomic
def survey_record(*, actor, criteria_set: CriteriaSet, rows: list[SurveyRow]) -> int:
    """The survey's points per unit and survey area: all rows checked first, then all written."""
    criteria_set = locked(criteria_set)
    _refuse_unless(actor, criteria_set, "import_survey")
    errors = []
    for row in rows:
        if row.area.criteria_set_id != criteria_set.pk or not row.area.is_survey:
            errors.append(_("%(area)s is not a survey area of this set.") % {"area": row.area.code})
        elif row.assessment.criteria_set_id != criteria_set.pk:
            errors.append(_("%(unit)s is not assessed under this set.") % {"unit": row.assessment.unit})
        elif not ZERO <= row.points <= row.area.survey_max_points:
            errors.append(_("%(unit)s, %(area)s: survey points must be between 0 and %(max)s.")
                          % {"unit": row.assessment.unit, "area": row.area.code, "max": row.area.survey_max_points})
    if errors:
        raise ValidationError(errors)
    for row in rows:
        SurveyScore.objects.update_or_create(assessment=row.assessment, area=row.area,
                                             defaults={"points": row.points, "imported_by": actor,
                                                       "imported_at": timezone.now()})
    _event(criteria_set=criteria_set, action="import_survey", actor=actor, note=str(len(rows)))
    return len(rows)


@transaction.atomic
def criteria_set_recompute(*, criteria_set: CriteriaSet) -> list[Result]:
    """Index, class and rank of every unit of the set, written as its Result rows."""
    bands = list(criteria_set.bands.all())
    totals = compute_totals(criteria_set)
    units = dict(criteria_set.assessments.values_list("pk", "unit_id"))
    ids = list(totals)
    indices = [rules.index_percent(totals[pk].appraised_points + totals[pk].survey_points,
                                   totals[pk].applicable_points) for pk in ids]
    ranks = rules.shared_ranks(indices)
    now = timezone.now()
    results = []
    for pk, index, rank in zip(ids, indices, ranks):
        band = rules.classify(index, bands)
        total = totals[pk]
        results.append(Result(criteria_set=criteria_set, assessment_id=pk, unit_id=units[pk],
                              self_points=total.self_points, appraised_points=total.appraised_points,
                              survey_points=total.survey_points, applicable_points=total.applicable_points,
                              index=index, band=band, band_name=band.name if band else "", rank=rank, computed_at=now))
    Result.objects.filter(criteria_set=criteria_set).delete()
    return Result.objects.bulk_create(results, batch_size=1000)


@transaction.atomic
def criteria_set_freeze(*, actor, criteria_set: CriteriaSet) -> CriteriaSet:
    """Scores become final once every unit is appraised; the index is computed from them."""
    criteria_set = locked(criteria_set)
    _refuse_unless(actor, criteria_set, "freeze")
    pending = list(criteria_set.assessments.exclude(status__in=(AssessmentStatus.APPRAISED, AssessmentStatus.FINAL))
                   .select_related("unit").values_list("unit__name", flat=True)[:10])
    if pending:
        raise ConflictError(_("Not every unit is appraised yet: %(units)s.") % {"units": ", ".join(pending)},
                            code="not_appraised")
    if undecided := sorted(set(Score.objects.filter(
            assessment__criteria_set=criteria_set, assessment__status=AssessmentStatus.APPRAISED,
            answered_at__isnull=False, decided_by__isnull=True).values_list("assessment__unit__name", flat=True))):
        raise ConflictError(_("The council has not decided on the answers of %(units)s yet.")
                            % {"units": ", ".join(undecided[:10])}, code="answers_pending")
    left = advance(criteria_set, allowed=(SetStatus.OPEN,), to=SetStatus.FROZEN, wrong_state=_wrong_set_state())
    criteria_set_recompute(criteria_set=criteria_set)
    _event(criteria_set=criteria_set, action="freeze", actor=actor, from_status=left, to_status=criteria_set.status)
    return criteria_set


@transaction.atomic
def criteria_set_publish(*, actor, criteria_set: CriteriaSet, published_on: date) -> CriteriaSet:
    criteria_set = locked(criteria_set)
    _refuse_unless(actor, criteria_set, "publish")
    left = advance(criteria_set, allowed=(SetStatus.FROZEN,), to=SetStatus.PUBLISHED, wrong_state=_wrong_set_state(),
                   published_on=published_on)
    _event(criteria_set=criteria_set, action="publish", actor=actor, from_status=left, to_status=criteria_set.status)
    return criteria_set
