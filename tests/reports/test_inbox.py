"""The work inbox (Việc cần xử lý): each queue holds exactly what waits for the person, decided by
the owning module's access functions; each home tile opens that queue; the query count does not
grow with the number of items."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from emulation import scoring
from emulation import services as emulation
from emulation.models import MemberRole, PeriodStatus, Rating, Title
from inspections import services as inspections
from inspections.models import InspectionStatus, Recommendation
from reports.selectors import inbox_for
from tasks import services
from tasks.models import Task, TaskEvent
from tests.emulation.conftest import AFTER_THE_YEAR, at, day, task_row
from tests.factories import UserFactory
from tests.tasks.conftest import pdf

pytestmark = pytest.mark.django_db


def queue(user, key):
    """The codes (or, for records without one, the titles) in one queue of `user`'s inbox, in order."""
    return [item.code or item.title for q in inbox_for(user) if q.key == key for item in q.items]


def everything(user):
    return {q.key: [item.code or item.title for item in q.items] for q in inbox_for(user) if q.items}


def test_a_task_to_accept_waits_for_its_lead_only(world, make_task):
    task = make_task(status="assigned")
    assert queue(world.staff_division, "to_accept") == [task.code]
    for other in (world.head_dept, world.colleague_division, world.head_sibling, world.outsider):
        assert queue(other, "to_accept") == []
    assert everything(world.outsider) == {}
    services.task_accept(actor=world.staff_division, task=task)
    assert queue(world.staff_division, "to_accept") == []


def _accepted_days_ago(task, days):
    past = timezone.now() - timedelta(days=days)
    Task.objects.filter(pk=task.pk).update(assigned_at=past)
    TaskEvent.objects.filter(task=task, action="accept").update(at=past)


def test_a_progress_report_falls_due_under_the_tasks_reporting_regime(world, make_task):
    weekly = make_task(status="in_progress", title="Hằng tuần", reporting_regime="Báo cáo tiến độ hằng tuần")
    fresh = make_task(status="in_progress", title="Mới nhận", reporting_regime="Báo cáo tiến độ hằng tuần")
    once = make_task(status="in_progress", title="Khi xong", reporting_regime="Báo cáo khi hoàn thành")
    for task in (weekly, once):
        _accepted_days_ago(task, 8)
    assert queue(world.staff_division, "progress_due") == [weekly.code]
    assert queue(world.head_dept, "progress_due") == []
    # A report restarts the count: nothing is due for another week.
    services.task_report_progress(actor=world.staff_division, task=weekly, percent=30, note="Đã thống kê")
    assert queue(world.staff_division, "progress_due") == []
    assert fresh.code not in queue(world.staff_division, "progress_due")


def test_a_result_to_submit_waits_for_the_lead_of_a_task_in_progress(world, make_task):
    running = make_task(status="in_progress")
    make_task(status="submitted", title="Đã nộp")
    assert queue(world.staff_division, "to_submit") == [running.code]
    for other in (world.head_dept, world.colleague_division, world.outsider):
        assert queue(other, "to_submit") == []


def test_an_extension_request_waits_for_the_assigning_authority_not_the_lead(world, make_task):
    task = make_task(status="in_progress")
    services.task_request_extension(actor=world.staff_division, task=task, new_deadline=task.deadline + timedelta(days=5),
                                    reason="Chờ số liệu của Sở Tài chính")
    assert queue(world.head_dept, "extensions") == [task.code]
    for other in (world.staff_division, world.head_sibling, world.council, world.outsider):
        assert queue(other, "extensions") == []


def test_a_result_to_judge_waits_for_the_assigner_and_never_for_its_lead(world, make_task):
    submitted = make_task(status="submitted")
    make_task(status="completed", title="Đã duyệt")
    assert queue(world.head_dept, "to_judge") == [submitted.code]
    for other in (world.staff_division, world.colleague_division, world.head_sibling, world.outsider):
        assert queue(other, "to_judge") == []


def test_a_self_led_result_waits_for_the_manager_above_not_the_lead(world, make_task):
    own = make_task(status="submitted", lead=world.head_dept, title="Tự chủ trì")
    assert queue(world.head_dept, "to_judge") == []
    assert own.code not in queue(world.head_sibling, "to_judge")


def test_overdue_items_come_first(world, make_task):
    soon = make_task(status="assigned", title="Sắp đến hạn")
    late = make_task(status="assigned", title="Đã quá hạn")
    Task.objects.filter(pk=late.pk).update(deadline=timezone.now() - timedelta(days=1))
    [to_accept] = [q for q in inbox_for(world.staff_division) if q.key == "to_accept"]
    assert [item.code for item in to_accept.items] == [late.code, soon.code]
    assert to_accept.overdue == 1


def test_an_explanation_is_due_from_the_person_concerned(world, inspectorate, make_inspection, record):
    finding = record(make_inspection())
    assert queue(world.staff_division, "explanations") == [finding.code]
    for other in (world.colleague_division, world.head_dept, inspectorate.member, world.outsider):
        assert queue(other, "explanations") == []
    inspections.finding_explain(actor=world.staff_division, finding=finding, text="Tắc đường do mưa lớn")
    assert queue(world.staff_division, "explanations") == []


def test_a_recommendation_waits_for_its_remedy_then_for_its_verification(world, inspectorate, make_inspection):
    make_inspection(InspectionStatus.FOLLOW_UP)
    recommendation = Recommendation.objects.select_related("task", "inspection").get()
    task = recommendation.task
    code = f"{recommendation.inspection.code}/{recommendation.number}"
    assert task.lead == world.head_dept and queue(world.head_dept, "to_accept") == [task.code]
    services.task_accept(actor=world.head_dept, task=task)
    assert queue(world.head_dept, "remedies") == [code]
    assert queue(world.head_dept, "to_submit") == []  # listed once, under its recommendation
    assert queue(inspectorate.leader, "verifications") == []
    services.task_submit_result(actor=world.head_dept, task=task, note="Đã chấn chỉnh", files=[pdf()])
    assert queue(world.head_dept, "remedies") == []
    assert queue(inspectorate.leader, "verifications") == [code]
    # The leader judges that result by verifying it: it is not listed twice.
    assert queue(inspectorate.leader, "to_judge") == []
    for other in (inspectorate.member, world.head_dept, world.staff_division, world.outsider):
        assert queue(other, "verifications") == []


def _voting_session(world, period, secretary):
    person = UserFactory(full_name="Cán bộ Được Đề Nghị", unit=world.division)
    task_row(person, deadline=at(3, 1))
    scoring.compute_period(period, now=AFTER_THE_YEAR)
    emulation.rating_set_general(actor=world.head_dept, rating=Rating.objects.get(period=period, person=person),
                                 points=15, note="Đạt")
    scoring.compute_period(period, now=AFTER_THE_YEAR)
    for step in (PeriodStatus.SCORING, PeriodStatus.REVIEW, PeriodStatus.VOTING):
        period = emulation.period_advance(actor=secretary, period=period, to=step)
    nomination = emulation.nomination_create(actor=world.head_dept, period=period, title=Title.LDTT, person=person)
    council = [UserFactory(full_name=f"Thành viên {i}", unit=world.dept) for i in range(3)]
    session = emulation.session_open(
        actor=secretary, period=period, name="Phiên họp Hội đồng TĐKT", held_on=day(12, 20), quorum=2,
        members=[(council[0], MemberRole.CHAIR), (council[1], MemberRole.SECRETARY), (council[2], MemberRole.MEMBER)])
    return session, nomination, council


def test_a_ballot_waits_for_each_member_until_cast(world, period, secretary):
    session, nomination, council = _voting_session(world, period, secretary)
    assert all(queue(member, "ballots") == [session.name] for member in council)
    emulation.ballot_cast(actor=council[0], session=session, choices={nomination.pk: "yes"})
    assert queue(council[0], "ballots") == []
    assert queue(council[1], "ballots") == [session.name]
    for other in (secretary, world.head_dept, world.staff_division, world.outsider):
        assert queue(other, "ballots") == []


def test_general_scores_wait_for_the_nearest_leader_above(world, period, secretary):
    plain = UserFactory(full_name="Cán bộ Sở", unit=world.dept)
    for person in (plain, world.staff_division):
        task_row(person, deadline=at(3, 1))
    scoring.compute_period(period, now=AFTER_THE_YEAR)
    in_division = {world.staff_division.full_name, world.colleague_division.full_name}
    # The division has no head of its own: the department's head scores its officials too — and
    # never themself.
    assert set(queue(world.head_dept, "scores")) == {"Cán bộ Sở", world.council.full_name, *in_division}
    for other in (world.staff_division, plain, world.head_sibling, world.council, world.outsider):
        assert queue(other, "scores") == []
    emulation.rating_set_general(actor=world.head_dept, rating=Rating.objects.get(period=period, person=plain),
                                 points=25, note="Tốt")
    assert "Cán bộ Sở" not in queue(world.head_dept, "scores")


def test_a_division_with_its_own_head_is_scored_by_that_head(world, period, secretary):
    from accounts.models import Role
    from tests.factories import RoleFactory

    head_division = UserFactory(full_name="Trưởng Phòng Tổ chức", unit=world.division)
    RoleFactory(user=head_division, unit=world.division, role=Role.HEAD)
    scoring.compute_period(period, now=AFTER_THE_YEAR)
    assert world.staff_division.full_name in queue(head_division, "scores")
    mine = queue(world.head_dept, "scores")
    assert head_division.full_name in mine and world.staff_division.full_name not in mine


def test_each_home_tile_opens_exactly_its_queue(client, world, make_task):
    waiting = [make_task(status="assigned", title=f"Chờ tiếp nhận {i}") for i in range(2)]
    make_task(status="in_progress", title="Đã tiếp nhận")
    make_task(status="completed", title="Đã xong")
    client.force_login(world.staff_division)
    home = client.get(reverse("home")).content.decode()
    link = f'{reverse("inbox")}?queue=to_accept'
    assert f'href="{link}" data-testid="tile-to_accept"' in home
    page = client.get(link)
    [shown] = page.context["queues"]
    assert shown.key == "to_accept" and shown.count == 2
    assert sorted(item.code for item in shown.items) == sorted(task.code for task in waiting)
    body = page.content.decode()
    assert body.count('data-testid="item-to_accept"') == 2 and "Đã tiếp nhận" not in body
    assert client.get(reverse("inbox"), {"queue": "nope"}).status_code == 404


def test_the_home_tiles_of_a_head_open_results_and_extensions_to_decide(client, world, make_task):
    submitted = make_task(status="submitted")
    make_task(status="in_progress", title="Đang làm")
    client.force_login(world.head_dept)
    home = client.get(reverse("home")).content.decode()
    assert 'data-testid="tile-to_judge"' in home and 'data-testid="tile-extensions"' not in home
    [shown] = client.get(reverse("inbox"), {"queue": "to_judge"}).context["queues"]
    assert [item.code for item in shown.items] == [submitted.code]


def test_an_outsider_has_an_empty_inbox(client, world, make_task):
    make_task(status="submitted")
    client.force_login(world.outsider)
    response = client.get(reverse("inbox"))
    assert response.status_code == 200 and response.context["total"] == 0
    assert 'data-testid="inbox-empty"' in response.content.decode()


def test_the_inbox_costs_the_same_queries_for_one_item_or_many(client, world, make_task, inspectorate,
                                                                make_inspection, record):
    inspection = make_inspection()

    def queries():
        client.force_login(world.head_dept)
        with CaptureQueriesContext(connection) as head:
            assert client.get(reverse("inbox")).status_code == 200
        client.force_login(world.staff_division)
        with CaptureQueriesContext(connection) as lead:
            assert client.get(reverse("inbox")).status_code == 200
        return len(head), len(lead)

    make_task(status="submitted")
    make_task(status="assigned")
    record(inspection)
    few = queries()
    for i in range(4):
        make_task(status="submitted", title=f"Kết quả {i}", lead=UserFactory(full_name=f"Chủ trì {i}", unit=world.division))
        make_task(status="assigned", title=f"Giao {i}")
        record(inspection, description=f"Vi phạm {i}")
    assert queries() == few


def test_a_reform_self_assessment_waits_for_its_unit_head_then_for_its_appraiser(world):
    from reform import services as reform
    from reform.models import Assessment
    from tests.reform.conftest import build_set

    def items_of(user, key):
        return [item for q in inbox_for(user) if q.key == key for item in q.items]

    exercise = build_set(world, communes=2)
    head, other_head, appraiser = exercise.heads[0], exercise.heads[1], exercise.appraiser
    assessment = Assessment.objects.get(unit=exercise.communes[0])
    url = reverse("reform:assessment", args=[assessment.pk])
    mine = items_of(head, "self_assessments")
    assert [item.url for item in mine] == [url] and mine[0].due == exercise.criteria_set.self_assessment_deadline
    assert url not in [item.url for item in items_of(other_head, "self_assessments")]
    assert items_of(appraiser, "appraisals") == [] and items_of(world.outsider, "self_assessments") == []
    for sub in exercise.subs:
        reform.score_self(actor=head, assessment=assessment, sub_criterion=sub, points=sub.max_points)
    reform.assessment_submit(actor=head, assessment=assessment)
    assert items_of(head, "self_assessments") == []
    assert [item.url for item in items_of(appraiser, "appraisals")] == [url]
    assert items_of(world.outsider, "appraisals") == [] and items_of(other_head, "appraisals") == []


def test_the_reform_queues_cost_the_same_queries_however_many_assessments_there_are(world):
    """The home page asks the inbox on every visit: a secretary who sees every assessment of a set,
    and an appraiser with more and more to appraise, cost the same few queries."""
    from reform import services as reform
    from reform.models import Assessment
    from reform.selectors import reform_inbox
    from tests.reform.conftest import build_set

    exercise = build_set(world, communes=4)

    def submit(unit):
        head = exercise.heads[exercise.communes.index(unit)]
        assessment = Assessment.objects.get(unit=unit)
        for sub in exercise.subs:
            reform.score_self(actor=head, assessment=assessment, sub_criterion=sub, points=sub.max_points)
        reform.assessment_submit(actor=head, assessment=assessment)

    def cost(user):
        fresh = type(user).objects.get(pk=user.pk)  # nothing read before, as in a request
        with CaptureQueriesContext(connection) as queries:
            found = reform_inbox(fresh)
        return len(queries), found

    secretary_before, found = cost(exercise.secretary)  # four drafts in sight, none of them theirs
    assert found == {"self_assessments": [], "appraisals": []}
    submit(exercise.communes[0])
    one, found = cost(exercise.appraiser)
    assert len(found["appraisals"]) == 1
    for unit in exercise.communes[1:]:
        submit(unit)
    four, found = cost(exercise.appraiser)
    assert len(found["appraisals"]) == 4 and four == one
    assert cost(exercise.secretary)[0] == secretary_before
