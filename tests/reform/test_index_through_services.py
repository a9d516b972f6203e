"""The Done-when case: 16 communes on an 8-area set, scored through the services and banded by the
set's own bands → 12 "Khá" and 4 "Trung bình" (DOMAIN.md §7)."""

from collections import Counter
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.errors import ConflictError
from reform import services
from reform.models import AssessmentStatus, Result, SetStatus
from tests.reform.conftest import expected_profile

pytestmark = pytest.mark.django_db


def score_everything(exercise):
    survey_rows = []
    for index, (unit, head) in enumerate(zip(exercise.communes, exercise.heads)):
        assessment = exercise.criteria_set.assessments.get(unit=unit)
        for sub in exercise.subs:
            services.score_self(actor=head, assessment=assessment, sub_criterion=sub, points=sub.max_points,
                                note="Đã thực hiện đầy đủ")
        services.assessment_submit(actor=head, assessment=assessment)
        cuts, survey = expected_profile(index)
        for sub in exercise.subs:
            if sub.code in cuts:
                services.score_appraise(actor=exercise.appraiser, assessment=assessment, sub_criterion=sub,
                                        points=cuts[sub.code], comment="Không có minh chứng")
        services.assessment_finish_appraisal(actor=exercise.appraiser, assessment=assessment)
        survey_rows.append(services.SurveyRow(assessment=assessment, area=exercise.survey_area, points=survey))
    services.survey_record(actor=exercise.secretary, criteria_set=exercise.criteria_set, rows=survey_rows)


def test_sixteen_communes_split_twelve_kha_four_trung_binh(exercise):
    score_everything(exercise)
    services.criteria_set_freeze(actor=exercise.secretary, criteria_set=exercise.criteria_set)

    results = list(Result.objects.filter(criteria_set=exercise.criteria_set).select_related("unit"))
    assert Counter(r.band_name for r in results) == {"Khá": 12, "Trung bình": 4}
    first = next(r for r in results if r.unit == exercise.communes[0])
    # 70 scored points apply to a commune (the department-only 10 do not) + 30 survey points.
    assert first.applicable_points == Decimal(100)
    assert (first.self_points, first.appraised_points, first.survey_points) == (70, 55, 20)
    assert first.index == Decimal("75.00")
    last = next(r for r in results if r.unit == exercise.communes[-1])
    assert (last.appraised_points, last.survey_points, last.index) == (45, 15, Decimal("60.00"))
    # Ties share their rank: twelve first, four thirteenth.
    assert Counter(r.rank for r in results) == {1: 12, 13: 4}


def test_the_bands_are_the_sets_data(exercise):
    """The same scores under a set whose bands say 'Đạt' from 60 % all come out 'Đạt'."""
    exercise.criteria_set.bands.all().delete()
    exercise.criteria_set.bands.create(name="Đạt", min_percent=60)
    exercise.criteria_set.bands.create(name="Chưa đạt", min_percent=0)
    score_everything(exercise)
    services.criteria_set_freeze(actor=exercise.secretary, criteria_set=exercise.criteria_set)
    assert set(Result.objects.filter(criteria_set=exercise.criteria_set).values_list("band_name", flat=True)) == {"Đạt"}


def test_department_only_sub_criterion_counts_for_a_department(world, small_exercise):
    from reform.models import Assessment

    assessment = Assessment.objects.create(criteria_set=small_exercise.criteria_set, unit=world.sibling)
    totals = services.compute_totals(small_exercise.criteria_set)
    assert totals[assessment.pk].applicable_points == Decimal(110)


def test_submission_needs_every_applicable_sub_criterion(small_exercise):
    assessment = small_exercise.criteria_set.assessments.get(unit=small_exercise.communes[0])
    services.score_self(actor=small_exercise.heads[0], assessment=assessment, sub_criterion=small_exercise.subs[0],
                        points=5)
    with pytest.raises(ValidationError) as error:
        services.assessment_submit(actor=small_exercise.heads[0], assessment=assessment)
    assert "1.1.2" in str(error.value) and "1.1.3" not in str(error.value)


def test_points_follow_the_scoring_method(small_exercise):
    assessment = small_exercise.criteria_set.assessments.get(unit=small_exercise.communes[0])
    head = small_exercise.heads[0]
    yes_no, scale = small_exercise.subs[1], small_exercise.subs[0]
    for sub, points in ((yes_no, 3), (scale, Decimal("2.5")), (scale, 6), (scale, -1), (scale, "năm")):
        with pytest.raises(ValidationError):
            services.score_self(actor=head, assessment=assessment, sub_criterion=sub, points=points)
    assert not assessment.scores.exists()


def test_only_the_units_head_self_scores_and_submits(small_exercise, world):
    assessment = small_exercise.criteria_set.assessments.get(unit=small_exercise.communes[0])
    # Another commune's head has no part in it (403); the set's runner and the appraiser have one, but
    # not this step (409).
    with pytest.raises(PermissionDenied):
        services.score_self(actor=small_exercise.heads[1], assessment=assessment, sub_criterion=small_exercise.subs[0],
                            points=5)
    for wrong_role in (world.head_dept, small_exercise.appraiser):
        with pytest.raises(ConflictError):
            services.score_self(actor=wrong_role, assessment=assessment, sub_criterion=small_exercise.subs[0], points=5)


def test_nobody_appraises_their_own_unit(small_exercise, world):
    from reform.models import MemberRole

    own_head = small_exercise.heads[0]
    services.member_add(actor=small_exercise.secretary, criteria_set=small_exercise.criteria_set, user=own_head,
                        role=MemberRole.APPRAISER)
    assessment = small_exercise.criteria_set.assessments.get(unit=small_exercise.communes[0])
    with pytest.raises(ValidationError):
        services.appraiser_assign(actor=small_exercise.secretary, assessment=assessment, appraiser=own_head)
    # Someone outside the council is refused too.
    with pytest.raises(ValidationError):
        services.appraiser_assign(actor=small_exercise.secretary, assessment=assessment, appraiser=world.head_sibling)
    with pytest.raises(PermissionDenied):
        services.appraiser_assign(actor=own_head, assessment=assessment, appraiser=small_exercise.appraiser)


def test_appraisal_waits_for_submission_and_a_cut_needs_a_reason(small_exercise):
    assessment = small_exercise.criteria_set.assessments.get(unit=small_exercise.communes[0])
    sub = small_exercise.subs[0]
    with pytest.raises(ConflictError):
        services.score_appraise(actor=small_exercise.appraiser, assessment=assessment, sub_criterion=sub, points=3)
    for each in small_exercise.subs:
        services.score_self(actor=small_exercise.heads[0], assessment=assessment, sub_criterion=each, points=each.max_points)
    services.assessment_submit(actor=small_exercise.heads[0], assessment=assessment)
    with pytest.raises(ValidationError):
        services.score_appraise(actor=small_exercise.appraiser, assessment=assessment, sub_criterion=sub, points=3)
    services.score_appraise(actor=small_exercise.appraiser, assessment=assessment, sub_criterion=sub, points=3,
                            comment="Kế hoạch ban hành chậm")
    services.assessment_finish_appraisal(actor=small_exercise.appraiser, assessment=assessment)
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.APPRAISED
    # Every sub-criterion the appraiser left alone keeps the unit's own points, with who fixed it.
    kept = assessment.scores.exclude(sub_criterion=sub)
    assert all(s.appraised_points == s.self_points and s.appraised_by == small_exercise.appraiser for s in kept)


def test_the_structure_is_frozen_once_scoring_starts(small_exercise):
    area = small_exercise.criteria_set.areas.first()
    with pytest.raises(ConflictError):
        services.area_add(actor=small_exercise.secretary, criteria_set=small_exercise.criteria_set, code="9",
                          name="Thêm")
    with pytest.raises(ConflictError):
        services.criterion_add(actor=small_exercise.secretary, area=area, code="1.9", name="Thêm")


def test_freeze_waits_for_every_appraisal_and_publication_follows(small_exercise):
    with pytest.raises(ConflictError):
        services.criteria_set_freeze(actor=small_exercise.secretary, criteria_set=small_exercise.criteria_set)
    assert small_exercise.criteria_set.status == SetStatus.OPEN


def test_survey_import_is_all_or_nothing(small_exercise):
    first, second = small_exercise.criteria_set.assessments.all()
    rows = [services.SurveyRow(assessment=first, area=small_exercise.survey_area, points=Decimal(20)),
            services.SurveyRow(assessment=second, area=small_exercise.survey_area, points=Decimal(31))]
    with pytest.raises(ValidationError):
        services.survey_record(actor=small_exercise.secretary, criteria_set=small_exercise.criteria_set, rows=rows)
    assert not first.survey_scores.exists()


def test_the_benchmark_recompute_runs(world):
    """The benchmark's reform recompute (tests/bench) on a small province: it builds, times and rolls back."""
    from reform.models import CriteriaSet
    from tests.bench.operations import reform_recompute

    row = reform_recompute(units=5, sub_criteria=4, log=lambda _line: None)
    assert row["detail"] == {"units": 5, "scored_lines": 20}
    assert not CriteriaSet.objects.filter(year=1999).exists()


def test_opening_the_set_tells_every_assessed_units_head(small_exercise):
    from notifications.models import Notification

    told = set(Notification.objects.filter(verb="reform.opened").values_list("recipient_id", flat=True))
    assert told == {head.pk for head in small_exercise.heads}
