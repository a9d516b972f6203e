"""Law 84/2025's time limits of the conclusion, each on its own anchor (DOMAIN.md §5), as rule data:
the head assigns the drafting within 5 working days of the report (art. 34(1)); the conclusion is
signed within 15 days of RECEIVING THE DRAFT (30 for the Government Inspectorate; art. 36(1)); the
implementing directive follows within 15 days (art. 53). Public-service checks are not thanh tra."""

from datetime import date, datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.errors import ConflictError
from inspections import jobs, rules, services
from inspections.models import ConclusionStep, ConclusionTimeLimit, Inspection, InspectionKind, InspectionStatus

pytestmark = pytest.mark.django_db

FRIDAY = date(2026, 7, 3)


def reported_on(inspection: Inspection, day: date) -> Inspection:
    Inspection.objects.filter(pk=inspection.pk).update(
        reported_at=timezone.make_aware(datetime.combine(day, time(9, 0))))
    return Inspection.objects.get(pk=inspection.pk)


def by_step(limits) -> dict:
    return {limit["step"]: limit for limit in limits}


def drafted(make_inspection, inspectorate, world, *, received_on: date, kind=InspectionKind.PLANNED):
    inspection = reported_on(make_inspection(InspectionStatus.REPORTED, kind=kind), FRIDAY)
    actor = inspectorate.leader
    services.inspection_assign_drafting(actor=actor, inspection=inspection, assigned_on=date(2026, 7, 8))
    services.inspection_draft_conclusion(actor=actor, inspection=inspection, text="Dự thảo", received_on=received_on)
    services.recommendation_add(actor=actor, inspection=inspection, content="Chấn chỉnh giờ giấc làm việc của cán bộ", target_unit=world.dept,
                                deadline=timezone.localdate() + timedelta(days=30), expected_result="Không còn đi muộn")
    return Inspection.objects.get(pk=inspection.pk)


def test_the_drafting_is_assigned_within_5_working_days_of_the_report(make_inspection, inspectorate):
    inspection = reported_on(make_inspection(InspectionStatus.REPORTED), FRIDAY)
    limits = by_step(rules.time_limits(inspection, today=date(2026, 7, 13)))
    # Nothing counts from a draft not yet received: no false "late" signature.
    assert list(limits) == [ConclusionStep.ASSIGN_DRAFTING]
    assign = limits[ConclusionStep.ASSIGN_DRAFTING]
    assert (assign["counted_from"], assign["due"], assign["state"]) == (FRIDAY, date(2026, 7, 10), "overdue")
    assert "Điều 34" in assign["basis"]
    services.inspection_assign_drafting(actor=inspectorate.leader, inspection=inspection, assigned_on=date(2026, 7, 9))
    inspection.refresh_from_db()
    assert inspection.drafting_assigned_on == date(2026, 7, 9)
    assert by_step(rules.time_limits(inspection))[ConclusionStep.ASSIGN_DRAFTING]["state"] == "met"
    assert inspection.events.filter(action="assign_drafting").count() == 1
    with pytest.raises(ConflictError):  # recorded once
        services.inspection_assign_drafting(actor=inspectorate.leader, inspection=inspection,
                                            assigned_on=date(2026, 7, 9))


def test_the_assignment_date_lies_between_the_report_and_today(make_inspection, inspectorate):
    inspection = reported_on(make_inspection(InspectionStatus.REPORTED), FRIDAY)
    for day in (FRIDAY - timedelta(days=1), timezone.localdate() + timedelta(days=1)):
        with pytest.raises(ValidationError) as refused:
            services.inspection_assign_drafting(actor=inspectorate.leader, inspection=inspection, assigned_on=day)
        assert "drafting_assigned_on" in refused.value.message_dict
    inspection.refresh_from_db()
    assert inspection.drafting_assigned_on is None


def test_the_signature_counts_from_receiving_the_draft_not_from_the_report(make_inspection, inspectorate, world):
    inspection = drafted(make_inspection, inspectorate, world, received_on=date(2026, 7, 20))
    sign = by_step(rules.time_limits(inspection, today=date(2026, 8, 1)))[ConclusionStep.SIGN_CONCLUSION]
    assert (sign["counted_from"], sign["due"], sign["state"]) == (date(2026, 7, 20), date(2026, 8, 4), "open")
    # Signed 31 days after the report but 14 after the draft: on time.
    services.inspection_conclude(actor=inspectorate.leader, inspection=inspection, number="05/KL-TTr",
                                 conclusion_date=date(2026, 8, 3), signer="Chánh Thanh tra tỉnh")
    assert not inspection.events.get(action="conclude").data.get("late")
    assert by_step(rules.time_limits(inspection))[ConclusionStep.SIGN_CONCLUSION]["state"] == "met"


def test_the_government_inspectorate_signs_within_30_days(make_inspection, inspectorate, world):
    ConclusionTimeLimit.objects.create(
        step=ConclusionStep.SIGN_CONCLUSION, days=30, issuing_unit=inspectorate.unit, valid_from=date(2025, 7, 1),
        legal_basis="Luật Thanh tra số 84/2025/QH15, Điều 36 khoản 1 (Thanh tra Chính phủ)")
    inspection = drafted(make_inspection, inspectorate, world, received_on=date(2026, 7, 20))
    sign = by_step(rules.time_limits(inspection))[ConclusionStep.SIGN_CONCLUSION]
    assert sign["due"] == date(2026, 8, 19) and "Thanh tra Chính phủ" in sign["basis"]
    # Any other body keeps the general 15 days.
    other = Inspection.objects.get(pk=inspection.pk)
    other.issuing_unit_id = world.dept.pk
    assert by_step(rules.time_limits(other))[ConclusionStep.SIGN_CONCLUSION]["due"] == date(2026, 8, 4)


def test_the_implementing_directive_follows_within_15_days_of_the_conclusion(make_inspection, inspectorate, world):
    inspection = drafted(make_inspection, inspectorate, world, received_on=date(2026, 7, 20))
    services.inspection_conclude(actor=inspectorate.leader, inspection=inspection, number="05/KL-TTr",
                                 conclusion_date=date(2026, 8, 3), signer="Chánh Thanh tra tỉnh")
    directive = by_step(rules.time_limits(inspection, today=date(2026, 8, 19)))[ConclusionStep.IMPLEMENTING_DIRECTIVE]
    assert (directive["due"], directive["state"]) == (date(2026, 8, 18), "overdue")
    assert "Điều 53" in directive["basis"]
    services.inspection_record_directive(actor=inspectorate.leader, inspection=inspection, number="12/CT-UBND",
                                         directive_date=date(2026, 8, 25))
    inspection.refresh_from_db()
    assert (inspection.directive_number, inspection.directive_date) == ("12/CT-UBND", date(2026, 8, 25))
    assert by_step(rules.time_limits(inspection))[ConclusionStep.IMPLEMENTING_DIRECTIVE]["state"] == "late"
    assert inspection.events.get(action="directive").data["late"] is True


def test_public_service_checks_are_not_timed_by_law_84(make_inspection, inspectorate, world, client):
    check = reported_on(make_inspection(InspectionStatus.REPORTED, kind=InspectionKind.PUBLIC_SERVICE), FRIDAY)
    assert rules.time_limits(check, today=date(2026, 12, 1)) == []
    assert jobs.conclusion_time_limits() == 0
    client.force_login(inspectorate.leader)
    page = client.get(f"/inspections/{check.pk}/").content.decode()
    assert 'data-testid="time-limits"' not in page and 'data-testid="no-time-limits"' in page
    assert "#rule-inspections-public-service-checks-untimed" in page


def test_the_limits_are_rule_rows_an_administrator_corrects(make_inspection, inspectorate):
    inspection = reported_on(make_inspection(InspectionStatus.REPORTED), FRIDAY)
    row = ConclusionTimeLimit.objects.get(step=ConclusionStep.ASSIGN_DRAFTING, issuing_unit=None)
    row.days = 10
    row.save()
    assert by_step(rules.time_limits(inspection))[ConclusionStep.ASSIGN_DRAFTING]["due"] == date(2026, 7, 17)
    # A report before the law took effect (1 Jul 2025) has no Law 84 limit.
    assert rules.time_limits(reported_on(inspection, date(2025, 6, 30))) == []


def test_the_page_and_the_api_show_each_limit_with_its_rule(make_inspection, inspectorate, client):
    inspection = reported_on(make_inspection(InspectionStatus.REPORTED), FRIDAY)
    row = ConclusionTimeLimit.objects.get(step=ConclusionStep.ASSIGN_DRAFTING, issuing_unit=None)
    client.force_login(inspectorate.leader)
    response = client.post(f"/api/v1/inspections/{inspection.pk}/assign-drafting/", {"assigned_on": "2026-07-06"},
                           content_type="application/json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["drafting_assigned_on"] == "2026-07-06"
    limit = body["time_limits"][0]
    assert limit["step"] == "assign_drafting" and limit["counted_from"] == "2026-07-03" and limit["state"] == "met"
    assert limit["rule"] == row.pk and limit["rule_url"] == f"/rules/#rule-inspections-conclusiontimelimit-{row.pk}"
    page = client.get(f"/inspections/{inspection.pk}/").content.decode()
    assert f'href="/rules/#rule-inspections-conclusiontimelimit-{row.pk}"' in page
    assert 'data-testid="drafting-assigned-on"' in page
    response = client.post(f"/inspections/{inspection.pk}/do/draft/",
                           {"draft-text": "Dự thảo", "draft-received_on": "10/07/2026"})
    assert response.status_code == 302
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.DRAFT_CONCLUSION
    assert inspection.draft_received_on == date(2026, 7, 10)
