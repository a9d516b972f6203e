"""The 5-rõ flow in Chromium: a head creates a task, the checklist flags what is missing, the head
completes and assigns it; the lead accepts, reports 50% with evidence, submits; the head approves;
the unit overview counts it done on time."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from playwright.sync_api import expect
from django.utils import timezone

from tasks.models import Task, TaskStatus
from tests.e2e.conftest import screenshot
from tests.e2e.test_demo_roles import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))


def log_out(page):
    page.get_by_role("button", name="Đăng xuất").click()
    page.get_by_role("heading", name="Đăng nhập Kỷ Cương").wait_for()


def done_on_time(page, base):
    page.goto(f"{base}/tasks/overview/")
    return int(page.get_by_test_id("count-done_on_time").inner_text())


def test_head_assigns_lead_delivers_head_approves(live_server, demo, page, tmp_path):
    base = live_server.url
    evidence = tmp_path / "bao-cao-tien-do.pdf"
    evidence.write_bytes(PDF)

    # The head of Sở Nội vụ drafts a task; the checklist flags the missing result.
    log_in(page, base, "giamdoc.snv")
    before = done_on_time(page, base)
    page.goto(f"{base}/tasks/new/")
    page.fill("#id_title", "Tổng hợp kết quả kiểm tra công vụ quý IV")
    page.fill("#id_content", "Tổng hợp kết quả kiểm tra công vụ tại các phòng, đề xuất chấn chỉnh.")
    page.fill("#id_lead", "ho thanh tam")
    page.get_by_test_id("person-picker-lead").get_by_role("radio", name="Hồ Thanh Tâm").check()
    page.fill("#id_deadline", timezone.localtime(timezone.now() + timedelta(days=10)).strftime("%H:%M %d/%m/%Y"))
    page.fill("#id_process_description", "Thu thập biên bản; tổng hợp; trình lãnh đạo")
    page.fill("#id_reporting_regime", "Hằng tuần")
    page.fill("#id_responsibility", "Số liệu đầy đủ, chính xác")
    # The checklist is re-rendered (debounced) as the user types: assert its settled state, with retries.
    expect(page.locator('#checklist li.ok[data-dimension="responsibility"]')).to_have_count(1)
    expect(page.locator('#checklist li.ok[data-dimension="person"]')).to_have_count(1)
    expect(page.locator('#checklist li.missing[data-dimension="result"]')).to_have_count(1)
    screenshot(page, "task-1-checklist-missing-result")

    page.fill("#id_expected_result", "Báo cáo tổng hợp đủ 100% phòng")
    page.fill("#id_acceptance_criterion", "Giám đốc Sở thông qua")
    expect(page.locator('#checklist li.ok[data-dimension="result"]')).to_have_count(1)
    page.get_by_role("button", name="Lưu và giao").click()
    page.get_by_text("Đã giao nhiệm vụ.").wait_for()
    task = Task.objects.get(title="Tổng hợp kết quả kiểm tra công vụ quý IV")
    assert task.status == TaskStatus.ASSIGNED
    screenshot(page, "task-2-assigned")
    log_out(page)

    # The lead accepts, reports 50% with a file, and submits the result with evidence.
    log_in(page, base, "canbo")
    page.goto(f"{base}/tasks/{task.pk}/")
    page.get_by_role("button", name="Tiếp nhận").click()
    page.get_by_text("Đã tiếp nhận nhiệm vụ.").wait_for()
    page.fill("#id_progress-percent", "50")
    page.fill("#id_progress-note", "Đã tổng hợp 3/6 phòng")
    page.set_input_files("#progress-files", str(evidence))
    page.get_by_role("button", name="Báo cáo", exact=True).click()
    page.get_by_text("Đã báo cáo tiến độ.").wait_for()
    assert page.get_by_test_id("progress").inner_text() == "50%"
    page.get_by_text("Báo cáo kết quả", exact=True).click()  # open the <details>
    page.fill("#id_submit-note", "Đã hoàn thành báo cáo tổng hợp")
    page.set_input_files("#submit-files", str(evidence))
    page.get_by_role("button", name="Gửi kết quả").click()
    page.get_by_text("Đã báo cáo kết quả.").wait_for()
    screenshot(page, "task-3-submitted")
    log_out(page)

    # The head approves; the overview counts one more task done on time.
    log_in(page, base, "giamdoc.snv")
    page.goto(f"{base}/tasks/{task.pk}/")
    page.select_option("#id_approve-quality", "good")
    page.get_by_role("button", name="Phê duyệt").click()
    page.get_by_text("Đã phê duyệt kết quả.").wait_for()
    timeline = page.get_by_test_id("timeline").inner_text()
    assert "phê duyệt kết quả" in timeline and "bao-cao-tien-do.pdf" in timeline
    screenshot(page, "task-4-approved")
    assert done_on_time(page, base) == before + 1
    screenshot(page, "task-5-overview")


def test_task_pages_fit_a_phone(live_server, demo, phone):
    log_in(phone, live_server.url, "canbo")
    phone.goto(f"{live_server.url}/tasks/")
    phone.get_by_test_id("task-table").wait_for()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 391
    screenshot(phone, "tasks-phone")
