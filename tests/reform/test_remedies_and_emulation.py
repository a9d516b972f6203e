"""A lost point becomes a remedial 5-rõ task for the unit's head, followed to completion; the
emulation unit ranking reads the published index when the period holds a reform-index criterion."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import Role
from core.errors import ConflictError
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


def _verdict_conditions(period, unit, title):
    from emulation.models import Verdict

    verdict = Verdict.objects.get(period=period, title=title, unit=unit, person__isnull=True)
    return {c["code"]: c for c in verdict.conditions}, verdict


def test_a_collective_title_may_require_a_reform_class_set_per_period(world, period):
    from emulation.models import ReformClassCondition, Title

    criteria_set = _published_index_for(world, world.division, year=YEAR)  # 80 % → "Tốt" (bands Tốt ≥ 80, Khá ≥ 0)
    scoring.compute_period(period, now=AFTER_THE_YEAR)
    conditions, _verdict = _verdict_conditions(period, world.division, Title.TAP_THE_LDTT)
    assert "reform_class" not in conditions  # the period sets no such condition: the class is not read

    ReformClassCondition.objects.create(period=period, title=Title.TAP_THE_LDTT, least_class="Khá",
                                        legal_basis="Quy chế thi đua tỉnh, Điều 12")
    ReformClassCondition.objects.create(period=period, title=Title.TAP_THE_LDXS, least_class="Xuất sắc",
                                        legal_basis="Quy chế thi đua tỉnh, Điều 13")
    scoring.compute_period(period, now=AFTER_THE_YEAR)
    conditions, _verdict = _verdict_conditions(period, world.division, Title.TAP_THE_LDTT)
    passed = conditions["reform_class"]
    assert passed["passed"] and "Tốt" in passed["reason"] and "80.00%" in passed["reason"]
    assert passed["basis"] == "Quy chế thi đua tỉnh, Điều 12"
    assert passed["evidence"][0]["url"] == f"/reform/{criteria_set.pk}/ranking/"
    # The set has no class "Xuất sắc": the verdict says so rather than guessing.
    missing_class = _verdict_conditions(period, world.division, Title.TAP_THE_LDXS)[0]["reform_class"]
    assert not missing_class["passed"] and "Xuất sắc" in missing_class["reason"]
    # A unit with no published index fails the condition, and the verdict names why.
    conditions, verdict = _verdict_conditions(period, world.sub_division, Title.TAP_THE_LDTT)
    assert not conditions["reform_class"]["passed"] and str(YEAR) in conditions["reform_class"]["reason"]
    assert not verdict.eligible

    # "At least Khá" is not met by a unit classed below it.
    ReformClassCondition.objects.filter(title=Title.TAP_THE_LDTT).update(least_class="Tốt")
    criteria_set.bands.filter(name="Tốt").update(min_percent=85)
    criteria_set.results.update(band=criteria_set.bands.get(name="Khá"), band_name="Khá")
    scoring.compute_period(period, now=AFTER_THE_YEAR)
    refused = _verdict_conditions(period, world.division, Title.TAP_THE_LDTT)[0]["reform_class"]
    assert not refused["passed"] and "Khá" in refused["reason"] and "Tốt" in refused["reason"]


def test_a_reform_condition_is_for_a_collective_title(period):
    from emulation.models import ReformClassCondition, Title

    with pytest.raises(ValidationError):
        ReformClassCondition(period=period, title=Title.LDTT, least_class="Khá", legal_basis="Quy chế").full_clean()


def _remedy(exercise, *, unit_index=0, sub_index=1):
    assessment = Assessment.objects.get(unit=exercise.communes[unit_index])
    sub = exercise.subs[sub_index]
    Score.objects.filter(assessment=assessment, sub_criterion=sub).update(
        appraised_points=0, appraisal_comment=f"Thiếu minh chứng {sub.code}")
    score = Score.objects.get(assessment=assessment, sub_criterion=sub)
    return services.remedy_issue(actor=exercise.secretary, score=score,
                                 deadline=timezone.localdate() + timedelta(days=60))


def test_the_remedies_page_follows_each_task_to_completion(small_exercise, world):
    from tests.reform.test_pages_and_api import api, signed_in

    _publish(small_exercise)
    task = _remedy(small_exercise)
    url = f"/reform/{small_exercise.criteria_set.pk}/remedies/"
    body = signed_in(small_exercise.secretary).get(url).content.decode()
    assert task.code in body and "Thiếu minh chứng 1.1.2" in body and "Chưa hoàn thành, trong hạn" in body
    head = small_exercise.heads[0]
    task = task_services.task_accept(actor=head, task=task)
    task = task_services.task_submit_result(actor=head, task=task, note="Đã khắc phục", files=[pdf()])
    task_services.task_approve(actor=small_exercise.secretary, task=task, quality="good")
    body = signed_in(small_exercise.secretary).get(url).content.decode()
    assert "Hoàn thành đúng hạn" in body
    rows = api(small_exercise.secretary).get(f"/api/v1/reform/sets/{small_exercise.criteria_set.pk}/remedies/").json()
    assert [(r["task"], r["official_status"], r["task_status"]) for r in rows["results"]] == [
        (task.code, "done_on_time", "completed")]
    # The unit sees its own remedies; another commune none of them; outsiders get 404.
    assert task.code in signed_in(head).get(url).content.decode()
    assert task.code not in signed_in(small_exercise.heads[1]).get(url).content.decode()
    assert signed_in(world.outsider).get(url).status_code == 404
    assert api(world.outsider).get(f"/api/v1/reform/sets/{small_exercise.criteria_set.pk}/remedies/"
                                   ).status_code == 404


def test_the_remedies_lists_cost_the_same_queries_for_more_rows(small_exercise):
    from tests.reform.test_pages_and_api import _count, api, signed_in

    _publish(small_exercise)
    _remedy(small_exercise)
    page, endpoint = (f"/reform/{small_exercise.criteria_set.pk}/remedies/",
                      f"/api/v1/reform/sets/{small_exercise.criteria_set.pk}/remedies/")
    # Page: session, user (the access scope kept in the session), roles of the navigation, the set,
    # the count, the rows.
    # API: the scope, the set, the count and the rows.
    small = (_count(signed_in(small_exercise.secretary), page), _count(api(small_exercise.secretary), endpoint))
    _remedy(small_exercise, sub_index=3)
    _remedy(small_exercise, unit_index=1, sub_index=1)
    more = (_count(signed_in(small_exercise.secretary), page), _count(api(small_exercise.secretary), endpoint))
    assert small == more == PINNED_REMEDIES


PINNED_REMEDIES = (6, 3)
