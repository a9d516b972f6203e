"""A lost point becomes a remedial 5-rõ task for the unit's head, followed to completion; the
emulation unit ranking reads the published index when the period holds a reform-index criterion."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import Role
from config.errors import ConflictError
from emulation import scoring
from emulation.models import CriterionKind, Metric, UnitCriterion, UnitScore
from reform import services
from reform.models import Assessment, MemberRole, Score, UnitGroup
from tasks import services as task_services
from tasks.models import TaskStatus
from tests.emulation.conftest import AFTER_THE_YEAR, YEAR, period, secretary  # noqa: F401 (shared fixtures)
from tests.factories import RoleFactory, UserFactory
from tests.tasks.conftest import pdf
from tests.reform.test_access import _publish

pytestmark = pytest.mark.django_db


def test_a_lost_point_becomes_a_remedial_task_followed_to_completion(small_exercise):
    _publish(small_exercise)
    head, unit = small_exercise.heads[0], small_exercise.communes[0]
    assessment = Assessment.objects.get(unit=unit)
    sub = small_exercise.subs[1]
    Score.objects.filter(assessment=assessment, sub_criterion=sub).update(
        appraised_points=0, appraisal_comment="Chưa hoàn thành nhiệm vụ được giao")
    score = Score.objects.get(assessment=assessment, sub_criterion=sub)
    deadline = timezone.localdate() + timedelta(days=60)
    with pytest.raises(PermissionDenied):  # only those who run the set assign remedies
        services.remedy_issue(actor=head, score=score, deadline=deadline)
    task = services.remedy_issue(actor=small_exercise.secretary, score=score, deadline=deadline)
    assert (task.lead, task.lead_unit, task.status) == (head, unit, TaskStatus.ASSIGNED)
    assert "Chưa hoàn thành nhiệm vụ được giao" in task.content and sub.code in task.title
    with pytest.raises(ConflictError):
        services.remedy_issue(actor=small_exercise.secretary, score=score, deadline=deadline)
    full = Score.objects.get(assessment=assessment, sub_criterion=small_exercise.subs[0])
    with pytest.raises(ValidationError):  # nothing lost, nothing to remedy
        services.remedy_issue(actor=small_exercise.secretary, score=full, deadline=deadline)

    task = task_services.task_accept(actor=head, task=task)
    task = task_services.task_submit_result(actor=head, task=task, note="Đã ban hành kế hoạch khắc phục",
                                            files=[pdf()])
    task = task_services.task_approve(actor=small_exercise.secretary, task=task, quality="good")
    assert task.status == TaskStatus.COMPLETED
    assert Score.objects.get(pk=score.pk).remedy_task_id == task.pk


def _published_index_for(world, unit, *, year):
    """The department issues a set for its divisions; `unit` self-scores 8 of 10 points, no survey."""
    head = UserFactory(unit=unit)
    RoleFactory(user=head, unit=unit, role=Role.HEAD)
    actor = world.head_dept
    criteria_set = services.criteria_set_create(actor=actor, issuing_unit=world.dept, year=year,
                                                unit_group=UnitGroup.DEPARTMENTS, title="Bộ chỉ số CCHC các phòng",
                                                legal_basis="Quyết định 05/QĐ-SNV", bands=[("Tốt", 80), ("Khá", 0)])
    area = services.area_add(actor=actor, criteria_set=criteria_set, code="1", name="Chỉ đạo, điều hành")
    criterion = services.criterion_add(actor=actor, area=area, code="1.1", name="Kế hoạch")
    sub = services.sub_criterion_add(actor=actor, criterion=criterion, code="1.1.1", name="Kế hoạch", max_points=10)
    appraiser = UserFactory(unit=world.sibling)
    services.member_add(actor=actor, criteria_set=criteria_set, user=appraiser, role=MemberRole.APPRAISER)
    services.criteria_set_open(actor=actor, criteria_set=criteria_set, units=[unit],
                               deadline=timezone.localdate() + timedelta(days=5))
    assessment = criteria_set.assessments.get()
    services.appraiser_assign(actor=actor, assessment=assessment, appraiser=appraiser)
    services.score_self(actor=head, assessment=assessment, sub_criterion=sub, points=8)
    services.assessment_submit(actor=head, assessment=assessment)
    services.assessment_finish_appraisal(actor=appraiser, assessment=assessment)
    services.criteria_set_freeze(actor=actor, criteria_set=criteria_set)
    services.criteria_set_publish(actor=actor, criteria_set=criteria_set, published_on=timezone.localdate())
    return criteria_set


def test_the_unit_ranking_uses_the_index_when_the_period_says_so(world, period):
    _published_index_for(world, world.division, year=YEAR)
    scoring.compute_period(period, now=AFTER_THE_YEAR)
    line_codes = [line["code"] for line in UnitScore.objects.get(period=period, unit=world.division).breakdown["lines"]]
    assert "CCHC" not in line_codes  # the period holds no reform criterion: the index is not read

    UnitCriterion.objects.create(period=period, code="CCHC", name="Chỉ số cải cách hành chính",
                                 kind=CriterionKind.AUTOMATIC, metric=Metric.REFORM_INDEX, max_points=20, order=99)
    scoring.compute_period(period, now=AFTER_THE_YEAR)
    lines = {line["code"]: line for line in UnitScore.objects.get(period=period, unit=world.division).breakdown["lines"]}
    assert lines["CCHC"]["points"] == 16.0  # 20 × 80 %
    assert "80.00%" in lines["CCHC"]["note"] and "Tốt" in lines["CCHC"]["note"]
    # A unit with no published index gets no points on it, and says why.
    other = UnitScore.objects.get(period=period, unit=world.sub_division).breakdown["lines"]
    assert next(line for line in other if line["code"] == "CCHC")["points"] == Decimal(0)
