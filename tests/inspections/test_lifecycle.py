"""Inspections: plan overlaps, the lifecycle, the team's grants, visibility, and the
recommendation → remediation task → verification loop."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from core.errors import ConflictError
from inspections import services
from inspections.access import can_record, findings_visible_to, inspections_visible_to
from inspections.models import (
    Event,
    Finding,
    FindingStatus,
    InspectionKind,
    InspectionStatus,
    RecommendationStatus,
)
from inspections.selectors import planned_overlaps_in_plan
from tasks import services as task_services
from tasks.models import TaskStatus
from tests.inspections.conftest import photo
from tests.tasks.conftest import pdf


@pytest.mark.django_db
def test_planning_the_same_unit_twice_in_a_year_needs_a_reason(world, inspectorate, make_inspection):
    plan = services.plan_create(actor=inspectorate.leader, issuing_unit=inspectorate.unit, year=timezone.localdate().year,
                                title="Kế hoạch kiểm tra năm")
    first = make_inspection(InspectionStatus.PLANNED, plan=plan)
    with pytest.raises(ValidationError) as warned:
        make_inspection(InspectionStatus.PLANNED, plan=plan)
    assert first.code in " ".join(warned.value.messages)
    second = make_inspection(InspectionStatus.PLANNED, plan=plan, overlap_reason="Theo chỉ đạo của Chủ tịch tỉnh")
    assert second.events.get(action="create").data["overlaps"] == [first.code]
    overlaps = planned_overlaps_in_plan(plan)
    assert [o["unit"] for o in overlaps] == [world.dept] and len(overlaps[0]["inspections"]) == 2
    # An unannounced check is not a planned overlap.
    make_inspection(InspectionStatus.PLANNED, kind=InspectionKind.UNANNOUNCED)


@pytest.mark.django_db
def test_the_overlap_warning_for_agencies_names_good_practice_not_directive_20(world, inspectorate, make_inspection,
                                                                              client):
    """Directive 20/CT-TTg limits repeated inspections of enterprises; for agencies, once a year is good practice."""
    plan = services.plan_create(actor=inspectorate.leader, issuing_unit=inspectorate.unit, year=timezone.localdate().year,
                                title="Kế hoạch kiểm tra năm")
    make_inspection(InspectionStatus.PLANNED, plan=plan)
    with pytest.raises(ValidationError) as warned:
        make_inspection(InspectionStatus.PLANNED, plan=plan)
    message = " ".join(warned.value.messages)
    assert "Thực tiễn tốt" in message and "không phải quy định pháp luật" in message and "doanh nghiệp" in message
    assert [link for _name, link in warned.value.rule_links()] == ["/rules/#rule-inspections-plan-overlap"]
    make_inspection(InspectionStatus.PLANNED, plan=plan, overlap_reason="Theo chỉ đạo của Chủ tịch tỉnh")
    client.force_login(inspectorate.leader)
    html = client.get(f"/inspections/plans/{plan.pk}/").content.decode()
    basis = html[html.index('data-testid="overlap-basis"'):]
    basis = basis[:basis.index("</p>")]
    assert "doanh nghiệp" in basis and 'href="/rules/#rule-inspections-plan-overlap"' in basis


@pytest.mark.django_db
def test_the_lifecycle_is_a_sequence_of_actions_each_with_a_history_row(make_inspection, inspectorate):
    inspection = make_inspection(InspectionStatus.FOLLOW_UP)
    actions = list(inspection.events.filter(recommendation__isnull=True).values_list("action", "to_status"))
    assert actions == [
        ("create", "planned"), ("start", "in_progress"), ("report", "reported"),
        ("draft_conclusion", "draft_conclusion"), ("conclude", "concluded"), ("publish", "published"),
        ("follow_up", "follow_up"),
    ]
    assert all(e.actor == inspectorate.leader for e in inspection.events.all())
    with pytest.raises(ConflictError):
        services.inspection_start(actor=inspectorate.leader, inspection=inspection)


@pytest.mark.django_db
def test_a_team_member_records_during_the_inspection_and_not_after(world, inspectorate, make_inspection, record):
    inspection = make_inspection(InspectionStatus.PLANNED)
    member = inspectorate.member
    assert not can_record(member, inspection)  # not before it starts
    services.inspection_start(actor=inspectorate.leader, inspection=inspection)
    assert member.has_perm("inspections.record_finding", inspection)
    finding = record(inspection, files=[photo()])
    assert finding.evidence.count() == 1 and finding.status == FindingStatus.AWAITING_EXPLANATION
    # Another inspector of the same body, not on the team, cannot record.
    with pytest.raises(PermissionDenied):
        record(inspection, actor=inspectorate.other_inspector)
    services.inspection_report(actor=inspectorate.leader, inspection=inspection)
    services.inspection_draft_conclusion(actor=inspectorate.leader, inspection=inspection, text="Dự thảo")
    services.inspection_conclude(actor=inspectorate.leader, inspection=inspection, number="1/KL",
                                 conclusion_date=timezone.localdate(), signer="Chánh Thanh tra")
    with pytest.raises(PermissionDenied):
        record(inspection)  # concluded: recording is over
    services.inspection_publish(actor=inspectorate.leader, inspection=inspection,
                                publish_until=timezone.localdate() + timedelta(days=20))
    services.inspection_close(actor=inspectorate.leader, inspection=inspection)
    member = type(member).objects.get(pk=member.pk)  # fresh permission cache
    assert not member.has_perm("inspections.record_finding", inspection)
    # The member still sees what they did; the finding is kept.
    assert inspections_visible_to(member).filter(pk=inspection.pk).exists()
    assert Finding.objects.filter(pk=finding.pk).exists()


@pytest.mark.django_db
def test_a_new_member_gets_the_grant_at_once_and_a_removed_one_loses_it(world, inspectorate, make_inspection):
    inspection = make_inspection()
    services.inspection_set_team(actor=inspectorate.leader, inspection=inspection, leader=inspectorate.leader,
                                 members=[inspectorate.other_inspector])
    other = type(inspectorate.other_inspector).objects.get(pk=inspectorate.other_inspector.pk)
    member = type(inspectorate.member).objects.get(pk=inspectorate.member.pk)
    assert can_record(other, inspection)
    assert not can_record(member, inspection)


@pytest.mark.django_db
def test_outsiders_get_404_on_the_pages(client, world, inspectorate, make_inspection, record):
    inspection = make_inspection()
    finding = record(inspection)
    for outsider in (world.outsider, world.admin_b, world.member_sibling, world.colleague_division):
        client.force_login(outsider)
        assert client.get(reverse("inspections:detail", args=[inspection.pk])).status_code == 404
        assert client.get(reverse("inspections:finding", args=[finding.pk])).status_code == 404
    client.force_login(inspectorate.member)
    assert client.get(reverse("inspections:finding_create", args=[inspection.pk])).status_code == 200


@pytest.mark.django_db
def test_subject_sees_only_their_own_findings_and_a_head_their_subtree(world, make_inspection, record):
    inspection = make_inspection()
    mine = record(inspection, person=world.staff_division)
    colleague = record(inspection, person=world.colleague_division)
    assert list(findings_visible_to(world.staff_division)) == [mine]
    assert set(findings_visible_to(world.head_dept)) == {mine, colleague}
    assert not findings_visible_to(world.head_sibling).exists()
    assert not findings_visible_to(world.outsider).exists()
    # The subject sees the finding, not the inspection's other findings.
    assert not inspections_visible_to(world.staff_division).filter(pk=inspection.pk).exists()


@pytest.mark.django_db
def test_a_head_sees_an_inspection_of_their_unit_only_once_it_has_started(world, make_inspection, inspectorate):
    inspection = make_inspection(InspectionStatus.PLANNED, kind=InspectionKind.UNANNOUNCED)
    assert not inspections_visible_to(world.head_dept).filter(pk=inspection.pk).exists()
    services.inspection_start(actor=inspectorate.leader, inspection=inspection)
    assert inspections_visible_to(world.head_dept).filter(pk=inspection.pk).exists()


@pytest.mark.django_db
def test_findings_only_on_people_and_units_the_inspection_covers(world, make_inspection, record):
    inspection = make_inspection()
    with pytest.raises(ValidationError):
        record(inspection, person=world.member_sibling)  # Sở Tài chính is not inspected


@pytest.mark.django_db
def test_a_retried_submission_is_recorded_once(world, make_inspection, record):
    inspection = make_inspection()
    first = record(inspection, client_token="abc123")
    again = record(inspection, client_token="abc123")
    assert first.pk == again.pk and inspection.findings.count() == 1


@pytest.mark.django_db
def test_the_subject_explains_before_the_deadline(world, make_inspection, record, inspectorate):
    finding = record(make_inspection())
    with pytest.raises(PermissionDenied):
        services.finding_explain(actor=world.colleague_division, finding=finding, text="Không phải tôi")
    with pytest.raises(ConflictError):  # too early to propose handling
        services.finding_propose_handling(actor=inspectorate.member, finding=finding, handling="reminder")
    services.finding_explain(actor=world.staff_division, finding=finding, text="Con ốm, đưa đi viện", files=[photo()])
    finding.refresh_from_db()
    assert finding.status == FindingStatus.EXPLAINED and finding.explained_by == world.staff_division
    assert finding.evidence.filter(for_explanation=True).count() == 1
    services.finding_propose_handling(actor=inspectorate.member, finding=finding, handling="reminder", note="Lần đầu")
    finding.refresh_from_db()
    assert finding.status == FindingStatus.HANDLED and finding.proposed_handling == "reminder"


@pytest.mark.django_db
def test_explaining_after_the_deadline_is_refused(world, make_inspection, record):
    finding = record(make_inspection())
    Finding.objects.filter(pk=finding.pk).update(explanation_due=timezone.localdate() - timedelta(days=1))
    with pytest.raises(ConflictError):
        services.finding_explain(actor=world.staff_division, finding=finding, text="Muộn")


@pytest.mark.django_db
def test_recommendation_remediation_task_verification_loop(world, inspectorate, make_inspection):
    inspection = make_inspection(InspectionStatus.FOLLOW_UP)
    recommendation = inspection.recommendations.get()
    task = recommendation.task
    assert recommendation.status == RecommendationStatus.IN_REMEDIATION
    assert task.status == TaskStatus.ASSIGNED and task.lead == world.head_dept and task.lead_unit == world.dept
    assert task.assigner == inspectorate.leader and task.source_number == "05/KL-TTr"
    # The inspection cannot close while the recommendation is open.
    with pytest.raises(ConflictError):
        services.inspection_close(actor=inspectorate.leader, inspection=inspection)
    # Nothing to verify before the result is submitted.
    with pytest.raises(ConflictError):
        services.recommendation_verify(actor=inspectorate.leader, recommendation=recommendation, accepted=True)
    task_services.task_accept(actor=world.head_dept, task=task)
    task_services.task_submit_result(actor=world.head_dept, task=task, note="Đã chấn chỉnh", files=[pdf()])
    # The task's lead never verifies their own remedy.
    with pytest.raises(PermissionDenied):
        services.recommendation_verify(actor=world.head_dept, recommendation=recommendation, accepted=True)
    services.recommendation_verify(actor=inspectorate.leader, recommendation=recommendation, accepted=False,
                                   note="Chưa có minh chứng chấm công")
    task.refresh_from_db()
    assert task.status == TaskStatus.IN_PROGRESS
    task_services.task_submit_result(actor=world.head_dept, task=task, note="Bổ sung bảng chấm công", files=[pdf()])
    services.recommendation_verify(actor=inspectorate.leader, recommendation=recommendation, accepted=True,
                                   note="Đạt")
    recommendation.refresh_from_db()
    task.refresh_from_db()
    assert recommendation.status == RecommendationStatus.VERIFIED and recommendation.verified_by == inspectorate.leader
    assert task.status == TaskStatus.COMPLETED
    services.inspection_close(actor=inspectorate.leader, inspection=inspection)
    assert inspection.status == InspectionStatus.CLOSED
    assert list(recommendation.events.values_list("action", flat=True)) == [
        "recommend", "remediation_task", "reject", "verify"]


@pytest.mark.django_db
def test_a_conclusion_needs_a_head_for_every_unit_to_act(world, inspectorate, make_inspection):
    inspection = make_inspection(InspectionStatus.REPORTED, targets=[world.dept])
    services.inspection_draft_conclusion(actor=inspectorate.leader, inspection=inspection, text="Dự thảo")
    services.recommendation_add(actor=inspectorate.leader, inspection=inspection, content="Sắp xếp lại tổ",
                                target_unit=world.sub_division, deadline=timezone.localdate() + timedelta(days=10),
                                expected_result="Tổ được sắp xếp")
    with pytest.raises(ValidationError) as refused:
        services.inspection_conclude(actor=inspectorate.leader, inspection=inspection, number="2/KL",
                                     conclusion_date=timezone.localdate(), signer="Chánh Thanh tra")
    assert world.sub_division.name in " ".join(refused.value.messages)
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.DRAFT_CONCLUSION  # nothing half-done


@pytest.mark.django_db
def test_publication_lasts_at_least_15_days(make_inspection, inspectorate):
    inspection = make_inspection(InspectionStatus.CONCLUDED)
    with pytest.raises(ValidationError):
        services.inspection_publish(actor=inspectorate.leader, inspection=inspection,
                                    publish_until=timezone.localdate() + timedelta(days=5))


@pytest.mark.django_db
def test_findings_are_withdrawn_not_deleted(world, make_inspection, record, inspectorate, admin_client):
    finding = record(make_inspection())
    services.finding_withdraw(actor=inspectorate.leader, finding=finding, reason="Nhầm người")
    finding.refresh_from_db()
    assert finding.status == FindingStatus.WITHDRAWN and finding.withdrawn_reason == "Nhầm người"
    assert Event.objects.filter(finding=finding, action="withdraw", actor=inspectorate.leader).exists()
    # Its row's history is kept (the withdrawal itself is the Event above: status changes are
    # conditional UPDATEs, which write no historical row).
    assert finding.history.filter(code=finding.code).exists()
    # The admin offers no delete for legal records.
    response = admin_client.post(reverse("admin:inspections_finding_delete", args=[finding.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert Finding.objects.filter(pk=finding.pk).exists()
