"""The inspection loop in Chromium: an inspector records a finding with a photo on a phone; the
subject explains; the signed conclusion turns a recommendation into a remediation task; its lead
submits the result; the inspector verifies and the inspection closes."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from inspections.models import Finding, Inspection, InspectionStatus, RecommendationStatus
from tasks.models import TaskStatus
from tests.e2e.conftest import screenshot
from tests.e2e.test_demo_roles import log_in
from tests.e2e.test_task_flow import PDF, log_out

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))


def act(page, action_path, fields=None):
    """Open the details panel holding the form posting to `action_path`, fill it and submit."""
    form = page.locator(f'form[action$="{action_path}"]')
    details = page.locator(f'details:has(form[action$="{action_path}"])')
    if details.count() and details.first.get_attribute("open") is None:
        details.first.locator("summary").click()
    for selector, value in (fields or {}).items():
        page.fill(selector, value)
    form.locator('button[type="submit"]').first.click()
    page.wait_for_load_state("networkidle")


def test_record_explain_conclude_remedy_verify_close(live_server, demo, phone, page, tmp_path):
    base = live_server.url
    inspection = Inspection.objects.get(decision_number="15/QĐ-TTr")
    photo = tmp_path / "hien-truong.jpg"
    photo.write_bytes(JPEG)

    # 1. On a phone, the inspector records a finding with a photo, finding the person without diacritics.
    log_in(phone, base, "thanhtra")
    phone.goto(f"{base}/inspections/{inspection.pk}/")
    phone.get_by_test_id("record-finding").click()
    phone.get_by_label("Người vi phạm (tên hoặc mã").fill("ho thanh tam")
    choice = phone.get_by_test_id("people-choices").get_by_role("radio").first
    expect(choice).to_be_visible()
    choice.check()
    phone.select_option("#id_violation_type", label="Hút thuốc lá tại nơi làm việc")
    phone.fill("#id_location", "Hành lang tầng 2")
    phone.fill("#id_description", "Hút thuốc tại hành lang trong giờ làm việc")
    phone.set_input_files("#finding-files", str(photo))
    screenshot(phone, "inspection-1-phone-finding-form")
    phone.locator('[data-testid="finding-form"] button[type="submit"]').first.click()
    expect(phone.get_by_test_id("finding-status")).to_have_text("Chờ giải trình")
    screenshot(phone, "inspection-2-phone-finding-recorded")
    finding = Finding.objects.filter(inspection=inspection, violation_type__code="HUT_THUOC").latest("id")
    assert finding.subject_person.username == "canbo" and finding.evidence.count() == 1

    # 2. The subject explains on their own page.
    log_in(page, base, "canbo")
    page.goto(f"{base}/inspections/findings/{finding.pk}/")
    page.fill("#id_explain-explanation", "Tôi xin nhận khuyết điểm và cam kết không tái phạm.")
    page.locator('[data-testid="explain-panel"] button[type="submit"]').click()
    expect(page.get_by_test_id("explanation")).to_contain_text("cam kết không tái phạm")
    screenshot(page, "inspection-3-subject-explained")
    log_out(page)

    # 3. The inspector reports, drafts, adds a recommendation and signs: a remediation task is assigned.
    log_in(page, base, "thanhtra")
    page.goto(f"{base}/inspections/{inspection.pk}/")
    act(page, "/do/report/")
    act(page, "/do/draft/", {"#id_draft-text": "Còn cán bộ hút thuốc, đi muộn; đề nghị chấn chỉnh."})
    act(page, f"/inspections/{inspection.pk}/recommendations/", {
        "#id_rec-content": "Chấn chỉnh kỷ luật, kỷ cương hành chính trong toàn Sở",
        "#id_rec-deadline": (timezone.localdate() + timedelta(days=30)).strftime("%d/%m/%Y"),
        "#id_rec-expected_result": "Không còn vi phạm giờ giấc, hút thuốc nơi làm việc",
    })
    act(page, "/do/conclude/", {"#id_conclude-number": "30/KL-TTr", "#id_conclude-signer": "Chánh Thanh tra tỉnh"})
    recommendation = page.get_by_test_id("recommendation-1")
    expect(recommendation).to_contain_text("NV")
    act(page, "/do/publish/", {"#id_publish-publish_until": (timezone.localdate() + timedelta(days=20)).strftime("%d/%m/%Y")})
    act(page, "/do/follow-up/")
    screenshot(page, "inspection-4-concluded-with-remediation-task")
    rec = inspection.recommendations.get()
    assert rec.status == RecommendationStatus.IN_REMEDIATION and rec.task.lead.username == "giamdoc.snv"
    log_out(page)

    # 4. The head of the department, lead of the remediation task, accepts it and submits the result.
    evidence = tmp_path / "bao-cao-khac-phuc.pdf"
    evidence.write_bytes(PDF)
    log_in(page, base, "giamdoc.snv")
    page.goto(f"{base}/tasks/{rec.task_id}/")
    page.locator(f'form[action="/tasks/{rec.task_id}/accept/"] button').click()
    page.locator(f'details:has(form[action="/tasks/{rec.task_id}/submit/"]) > summary').click()
    page.fill("#id_submit-note", "Đã tổ chức kiểm điểm, ban hành nội quy không hút thuốc")
    page.set_input_files("#submit-files", str(evidence))
    page.locator(f'form[action="/tasks/{rec.task_id}/submit/"] button[type="submit"]').click()
    page.wait_for_load_state("networkidle")
    rec.task.refresh_from_db()
    assert rec.task.status == TaskStatus.SUBMITTED
    log_out(page)

    # 5. The inspector verifies the remedy and closes the inspection.
    log_in(page, base, "thanhtra")
    page.goto(f"{base}/inspections/{inspection.pk}/")
    page.get_by_test_id("verify-form").locator('input[value="yes"]').check()
    page.get_by_test_id("verify-form").locator('button[type="submit"]').click()
    expect(page.get_by_test_id("recommendation-1")).to_contain_text("Đã xác minh hoàn thành")
    act(page, "/do/close/")
    expect(page.get_by_test_id("inspection-status")).to_have_text("Đã kết thúc")
    screenshot(page, "inspection-5-verified-and-closed")
    inspection.refresh_from_db()
    rec.refresh_from_db()
    assert inspection.status == InspectionStatus.CLOSED and rec.verified_by.username == "thanhtra"
    assert rec.task.status == TaskStatus.COMPLETED

    # 6. The dashboard charts the violations; the discipline register lists the demo decision.
    page.goto(f"{base}/inspections/")
    expect(page.get_by_test_id("violation-chart")).to_contain_text("Hút thuốc lá tại nơi làm việc")
    screenshot(page, "inspection-6-dashboard")
    page.goto(f"{base}/inspections/discipline/")
    expect(page.get_by_test_id("decision-table")).to_contain_text("45/QĐ-SNV")
    screenshot(page, "inspection-7-discipline-register")
