"""Automatic sub-criteria computed from the tasks and inspections selectors with the records they
counted kept as evidence links; links to the product's own records chosen among what the user may
see; the unit's answer within the set's window and the council's final score with who decided."""

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from core.errors import ConflictError
from reform import measures, services
from reform.models import Assessment, AssessmentStatus, LinkKind, Measure, Score, ScoreLink
from tasks import services as task_services
from tasks.models import Task, TaskStatus
from tests.reform.conftest import build_set
from tests.reform.test_pages_and_api import api, signed_in
from tests.tasks.conftest import clear_data

pytestmark = pytest.mark.django_db
STEPS = [[90, 5], [70, 3], [0, 0]]


def _automatic_exercise(world):
    """Two communes; area 1 gains an automatic sub-criterion on tasks done on time and one on discipline."""
    exercise = build_set(world, communes=2, open_it=False)
    criterion = exercise.criteria_set.areas.get(code="1").criteria.get()
    on_time = services.sub_criterion_add(actor=exercise.secretary, criterion=criterion, code="1.1.9",
                                         name="Tỷ lệ nhiệm vụ hoàn thành đúng hạn", max_points=5, method="automatic",
                                         measure=Measure.TASKS_ON_TIME, steps=STEPS)
    disciplined = services.sub_criterion_add(actor=exercise.secretary, criterion=criterion, code="1.1.8",
                                             name="Không có cán bộ bị kỷ luật", max_points=3, method="automatic",
                                             measure=Measure.DISCIPLINED, steps=[[0, 3]])
    services.criteria_set_open(actor=exercise.secretary, criteria_set=exercise.criteria_set, units=exercise.communes,
                               deadline=timezone.localdate() + timedelta(days=30))
    for assessment in exercise.criteria_set.assessments.all():
        services.appraiser_assign(actor=exercise.secretary, assessment=assessment, appraiser=exercise.appraiser)
    exercise.extra.update(on_time=on_time, disciplined=disciplined)
    return exercise


def _task(world, exercise, index, *, done_on_time: bool | None, title: str) -> Task:
    """A task the province gave the commune's head in the set's year: done on time, or still open past its deadline."""
    head, unit = exercise.heads[index], exercise.communes[index]
    task = task_services.task_issue(assigner=world.admin_a, assigning_unit=world.province,
                                    data=clear_data(world, title=title, lead=head, lead_unit=unit))
    year = exercise.criteria_set.year
    deadline = timezone.make_aware(datetime(year, 3, 1, 17))
    if done_on_time:
        Task.objects.filter(pk=task.pk).update(deadline=deadline, original_deadline=deadline,
                                               status=TaskStatus.COMPLETED, submitted_at=deadline - timedelta(days=2),
                                               completed_at=deadline - timedelta(days=1), quality="good")
    else:
        Task.objects.filter(pk=task.pk).update(deadline=deadline, original_deadline=deadline,
                                               status=TaskStatus.IN_PROGRESS)
    return task


def test_steps_are_data_and_checked():
    assert measures.points_for(Measure.TASKS_ON_TIME, Decimal(75), STEPS) == 3
    assert measures.points_for(Measure.TASKS_ON_TIME, Decimal(90), STEPS) == 5
    assert measures.points_for(Measure.TASKS_OVERDUE, Decimal(2), [[0, 5], [2, 2]]) == 2
    assert measures.points_for(Measure.TASKS_OVERDUE, Decimal(3), [[0, 5], [2, 2]]) == 0
    with pytest.raises(ValidationError):
        measures.clean_steps(Measure.TASKS_ON_TIME, [[120, 5]], Decimal(5))
    with pytest.raises(ValidationError):
        measures.clean_steps(Measure.TASKS_ON_TIME, [[90, 6]], Decimal(5))
    with pytest.raises(ValidationError):
        measures.clean_steps("made_up", [[90, 5]], Decimal(5))


def test_an_automatic_sub_criterion_counts_the_units_tasks_and_keeps_them_as_links(world):
    exercise = _automatic_exercise(world)
    on_time_sub = exercise.extra["on_time"]
    done = [_task(world, exercise, 0, done_on_time=True, title=f"Nhiệm vụ đúng hạn {n}") for n in range(3)]
    overdue = _task(world, exercise, 0, done_on_time=False, title="Nhiệm vụ quá hạn")
    _task(world, exercise, 1, done_on_time=False, title="Nhiệm vụ của xã khác")
    head, assessment = exercise.heads[0], Assessment.objects.get(unit=exercise.communes[0])
    end_of_year = timezone.make_aware(datetime(exercise.criteria_set.year, 12, 31, 12))

    with pytest.raises(ValidationError):  # not scored by hand
        services.score_self(actor=head, assessment=assessment, sub_criterion=on_time_sub, points=5)
    services.assessment_compute_automatic(actor=head, assessment=assessment, now=end_of_year)
    score = Score.objects.get(assessment=assessment, sub_criterion=on_time_sub)
    assert score.self_points == 3  # 3 of 4 = 75 % → the 70 % step
    assert "3/4" in score.self_note and "75.00%" in score.self_note
    links = {link.object_id: link for link in score.links.all()}
    assert set(links) == {t.pk for t in [*done, overdue]}  # the other commune's task is not counted
    assert all(link.automatic and link.kind == LinkKind.TASK for link in links.values())
    assert links[overdue.pk].outcome == "Chưa hoàn thành, quá hạn"
    no_discipline = Score.objects.get(assessment=assessment, sub_criterion=exercise.extra["disciplined"])
    assert no_discipline.self_points == 3 and not no_discipline.links.exists()

    # The unit sees the figure and its links, on the page and in the API.
    body = signed_in(head).get(f"/reform/assessments/{assessment.pk}/").content.decode()
    assert overdue.code in body and f"/tasks/{overdue.pk}/" in body and "Tính tự động" in body
    scores = {s["sub_criterion"]: s for s in api(head).get(f"/api/v1/reform/assessments/{assessment.pk}/").json()["scores"]}
    assert {link["object_id"] for link in scores["1.1.9"]["links"]} == set(links)

    # Recomputed before submission: the overdue task cancelled, 3 of 3 are on time → 5 points.
    Task.objects.filter(pk=overdue.pk).update(status=TaskStatus.CANCELLED)
    for sub in exercise.subs:
        services.score_self(actor=head, assessment=assessment, sub_criterion=sub, points=sub.max_points)
    services.assessment_submit(actor=head, assessment=assessment)
    score.refresh_from_db()
    assert score.self_points == 5 and score.links.count() == 3


def test_a_link_is_to_a_record_the_user_may_see(world, small_exercise):
    head, assessment = small_exercise.heads[0], Assessment.objects.select_related("task").get(
        unit=small_exercise.communes[0])
    sub = small_exercise.subs[0]
    own = assessment.task  # the head's own self-assessment task
    link = services.score_link_add(actor=head, assessment=assessment, sub_criterion=sub, kind="task", code=own.code)
    assert link.label.startswith(own.code) and not link.automatic
    hidden = task_services.task_issue(assigner=world.head_dept, assigning_unit=world.dept,
                                      data=clear_data(world, title="Việc nội bộ của Sở"))
    with pytest.raises(ValidationError) as refused:
        services.score_link_add(actor=head, assessment=assessment, sub_criterion=sub, kind="task", code=hidden.code)
    assert "code" in refused.value.message_dict
    response = api(head).post(f"/api/v1/reform/assessments/{assessment.pk}/links/",
                              {"sub_criterion": sub.code, "kind": "task", "code": hidden.code}, format="json")
    assert response.status_code == 400 and "code" in response.json()
    page = signed_in(head).post(f"/reform/assessments/{assessment.pk}/link/{sub.pk}/",
                                {"kind": "task", "code": hidden.code}, follow=True)
    assert f"Không có nhiệm vụ {hidden.code} mà bạn được xem." in page.content.decode()
    assert ScoreLink.objects.count() == 1
    body = signed_in(head).get(f"/reform/assessments/{assessment.pk}/").content.decode()
    assert f'href="/tasks/{own.pk}/"' in body
    detail = api(head).get(f"/api/v1/reform/assessments/{assessment.pk}/").json()
    assert [lk["label"] for s in detail["scores"] for lk in s["links"]] == [link.label]
    # Another commune's head may not link on this assessment (404 for them: not theirs to see).
    assert api(small_exercise.heads[1]).post(f"/api/v1/reform/assessments/{assessment.pk}/links/",
                                             {"sub_criterion": sub.code, "kind": "task", "code": own.code},
                                             format="json").status_code == 404


def _appraised(exercise, *, cut_code="1.1.2"):
    head, assessment = exercise.heads[0], Assessment.objects.get(unit=exercise.communes[0])
    for sub in exercise.subs:
        services.score_self(actor=head, assessment=assessment, sub_criterion=sub, points=sub.max_points)
    services.assessment_submit(actor=head, assessment=assessment)
    cut = next(sub for sub in exercise.subs if sub.code == cut_code)
    services.score_appraise(actor=exercise.appraiser, assessment=assessment, sub_criterion=cut, points=0,
                            comment="Chưa có minh chứng hoàn thành")
    return services.assessment_finish_appraisal(actor=exercise.appraiser, assessment=assessment), cut


def test_the_unit_answers_within_the_window_and_the_council_fixes_the_final_score(small_exercise):
    exercise = small_exercise
    head, secretary = exercise.heads[0], exercise.secretary
    assessment, cut = _appraised(exercise)
    assert assessment.answer_due_on == timezone.localdate() + timedelta(days=exercise.criteria_set.answer_window_days)
    with pytest.raises(ConflictError):  # the window is open and the unit has not answered yet
        services.assessment_finalise(actor=secretary, assessment=assessment)
    services.score_answer(actor=head, assessment=assessment, sub_criterion=cut,
                          answer="Đã hoàn thành, kèm báo cáo số 12/BC-UBND")
    with pytest.raises(PermissionDenied):  # the unit does not fix its own score
        services.score_decide(actor=head, assessment=assessment, sub_criterion=cut, points=5, note="")
    with pytest.raises(ValidationError):  # the answer waits for the council's decision
        services.assessment_finalise(actor=secretary, assessment=assessment)
    with pytest.raises(ValidationError):  # a change needs its reason
        services.score_decide(actor=secretary, assessment=assessment, sub_criterion=cut, points=5, note="")
    services.score_decide(actor=secretary, assessment=assessment, sub_criterion=cut, points=5,
                          note="Chấp nhận giải trình")
    assessment = services.assessment_finalise(actor=secretary, assessment=assessment)
    assert (assessment.status, assessment.finalised_by) == (AssessmentStatus.FINAL, secretary)
    score = Score.objects.get(assessment=assessment, sub_criterion=cut)
    assert (score.final_points, score.decided_by) == (5, secretary)
    totals = services.compute_totals(exercise.criteria_set)[assessment.pk]
    assert totals.appraised_points == sum(sub.max_points for sub in exercise.subs)  # the decided 5 counts
    body = signed_in(head).get(f"/reform/assessments/{assessment.pk}/").content.decode()
    assert "Chấp nhận giải trình" in body and f"Điểm cuối cùng do {secretary} chốt" in body


def test_no_answer_after_the_window(small_exercise):
    assessment, cut = _appraised(small_exercise)
    Assessment.objects.filter(pk=assessment.pk).update(answer_due_on=timezone.localdate() - timedelta(days=1))
    assessment.refresh_from_db()
    with pytest.raises(ConflictError):
        services.score_answer(actor=small_exercise.heads[0], assessment=assessment, sub_criterion=cut, answer="Muộn")
    # With the window closed, the council fixes the score as appraised.
    services.assessment_finalise(actor=small_exercise.secretary, assessment=assessment)
    assert Score.objects.get(assessment=assessment, sub_criterion=cut).final_points == 0


def test_answers_and_final_score_through_the_api(small_exercise):
    assessment, cut = _appraised(small_exercise)
    url = f"/api/v1/reform/assessments/{assessment.pk}"
    head, secretary = api(small_exercise.heads[0]), api(small_exercise.secretary)
    assert head.post(f"{url}/answers/", {"sub_criterion": cut.code, "answer": "Đã có minh chứng"},
                     format="json").status_code == 200
    assert head.post(f"{url}/decisions/", {"sub_criterion": cut.code, "points": 5, "note": "x"},
                     format="json").status_code == 403
    decided = secretary.post(f"{url}/decisions/", {"sub_criterion": cut.code, "points": 5, "note": "Chấp nhận"},
                             format="json").json()
    line = next(s for s in decided["scores"] if s["sub_criterion"] == cut.code)
    assert (line["answer"], line["decided_points"]) == ("Đã có minh chứng", "5.00")
    final = secretary.post(f"{url}/finalise/").json()
    assert final["status"] == "final" and final["finalised_by"] == small_exercise.secretary.full_name
