"""The reform factories make rows that agree with each other and with the models' constraints."""

import pytest

from reform.models import Assessment, SetStatus
from tests.reform.factories import (
    AssessmentFactory,
    BandFactory,
    CriteriaSetFactory,
    EventFactory,
    MemberFactory,
    ResultFactory,
    ScoreFactory,
    ScoreLinkFactory,
    SubCriterionFactory,
    SurveyScoreFactory,
)

pytestmark = pytest.mark.django_db


def test_a_score_belongs_to_a_sub_criterion_of_its_assessment_s_set():
    score = ScoreFactory()
    assert score.sub_criterion.criteria_set_id == score.assessment.criteria_set_id
    assert score.sub_criterion.criterion.area.criteria_set_id == score.assessment.criteria_set_id
    assert score.assessment.unit.organisation_id == score.assessment.criteria_set.organisation_id
    assert score.final_points == score.sub_criterion.max_points


def test_rows_of_one_set_do_not_collide():
    criteria_set = CriteriaSetFactory()
    bands = BandFactory.create_batch(3, criteria_set=criteria_set)
    subs = SubCriterionFactory.create_batch(3, criterion__area__criteria_set=criteria_set)
    assert len({band.min_percent for band in bands}) == 3
    assert {sub.criteria_set_id for sub in subs} == {criteria_set.pk}
    second = CriteriaSetFactory(issuing_unit=criteria_set.issuing_unit)
    assert (criteria_set.version, second.version) == (1, 2)
    AssessmentFactory.create_batch(2, criteria_set=criteria_set)
    assert Assessment.objects.filter(criteria_set=criteria_set).count() == 2


def test_the_other_rows():
    member = MemberFactory()
    assert member.user.unit.organisation_id == member.criteria_set.organisation_id
    survey = SurveyScoreFactory()
    assert survey.area.is_survey and survey.area.criteria_set_id == survey.assessment.criteria_set_id
    result = ResultFactory()
    assert result.criteria_set.status == SetStatus.FROZEN and result.unit_id == result.assessment.unit_id
    assert ScoreLinkFactory().get_absolute_url()
    assert EventFactory().action_display == "create"
