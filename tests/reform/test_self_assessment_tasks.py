"""Opening an exercise gives each assessed unit's head a 5-rõ task to self-assess, linked to the
assessment and completed when the head submits; late and missing submissions show on the
secretary's overview."""

from datetime import timedelta

import pytest
from django.utils import timezone

from reform import services
from reform.models import Assessment
from tasks.clarity import clarity_check, missing_dimensions
from tasks.models import Task, TaskOwner, TaskStatus
from tasks.status import DONE_LATE, DONE_ON_TIME, official_status
from tests.reform.test_pages_and_api import signed_in

pytestmark = pytest.mark.django_db


def _score_and_submit(exercise, index):
    head, assessment = exercise.heads[index], Assessment.objects.get(unit=exercise.communes[index])
    for sub in exercise.subs:
        services.score_self(actor=head, assessment=assessment, sub_criterion=sub, points=sub.max_points)
    return services.assessment_submit(actor=head, assessment=assessment)


def test_each_head_gets_a_clear_task_that_the_submission_completes(small_exercise):
    exercise = small_exercise
    deadline = exercise.criteria_set.self_assessment_deadline
    for unit, head in zip(exercise.communes, exercise.heads):
        assessment = Assessment.objects.select_related("task").get(unit=unit)
        task = assessment.task
        assert task is not None, "opening the set gives the head a task"
        assert (task.lead, task.lead_unit, task.status) == (head, unit, TaskStatus.ASSIGNED)
        assert task.managed_by == TaskOwner.REFORM_ASSESSMENT
        assert timezone.localtime(task.deadline).date() == deadline
        assert str(exercise.criteria_set.year) in task.title
        assert missing_dimensions(clarity_check(task)) == {}  # the 5-rõ gate passed
    # Opening again (or filling gaps) makes no second task.
    count = Task.objects.count()
    assert services.self_assessment_tasks_issue(actor=exercise.secretary, criteria_set=exercise.criteria_set) == 0
    assert Task.objects.count() == count

    assessment = _score_and_submit(exercise, 0)
    task = Task.objects.get(pk=assessment.task_id)
    assert task.status == TaskStatus.COMPLETED and official_status(task) == DONE_ON_TIME
    assert Task.objects.get(pk=Assessment.objects.get(unit=exercise.communes[1]).task_id).status == TaskStatus.ASSIGNED


def test_the_head_sees_the_task_in_the_inbox_and_on_the_page(small_exercise):
    assessment = Assessment.objects.select_related("task").get(unit=small_exercise.communes[0])
    client = signed_in(small_exercise.heads[0])
    assert assessment.task.code in client.get(f"/reform/assessments/{assessment.pk}/").content.decode()
    assert assessment.task.code in client.get("/tasks/").content.decode()


def test_late_and_missing_submissions_show_on_the_overview(small_exercise):
    exercise = small_exercise
    yesterday = timezone.localdate() - timedelta(days=1)
    type(exercise.criteria_set).objects.filter(pk=exercise.criteria_set.pk).update(self_assessment_deadline=yesterday)
    Task.objects.filter(pk__in=Assessment.objects.values("task_id")).update(
        deadline=timezone.now() - timedelta(days=1))
    assessment = _score_and_submit(exercise, 0)  # after the deadline
    assert official_status(Task.objects.get(pk=assessment.task_id)) == DONE_LATE
    body = signed_in(exercise.secretary).get(f"/reform/{exercise.criteria_set.pk}/").content.decode()
    assert "0/2 đơn vị nộp đúng hạn, 1 nộp muộn, 1 chưa nộp." in body
    assert "1 đơn vị đã quá hạn." in body
    assert "nộp muộn" in body  # the row of the unit that submitted after the deadline
    assert body.count("<strong>chậm</strong>") == 1  # the row of the unit still self-assessing past it
    # A commune head reads no overview of the others.
    assert 'data-testid="submission-summary"' not in signed_in(exercise.heads[1]).get(
        f"/reform/{exercise.criteria_set.pk}/").content.decode()


def test_a_zero_self_score_shows_as_zero_not_as_unscored(small_exercise):
    head, assessment = small_exercise.heads[0], Assessment.objects.get(unit=small_exercise.communes[0])
    yes_no = small_exercise.subs[1]
    services.score_self(actor=head, assessment=assessment, sub_criterion=yes_no, points=0, note="Chưa thực hiện")
    body = signed_in(head).get(f"/reform/assessments/{assessment.pk}/").content.decode()
    assert "<strong>0,00</strong> — Chưa thực hiện" in body
