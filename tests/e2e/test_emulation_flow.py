"""The council's loop in Chromium: a council member opens the ranking, drills into a withheld
official and sees the overdue task and the disciplinary decision behind it, and votes by secret
ballot; the secretary closes the session; the decision list is exported and opened back."""

import io

import pytest
from django.core.management import call_command
from openpyxl import load_workbook
from playwright.sync_api import expect

from accounts.models import User
from emulation import services
from emulation.models import Award, BallotReceipt, CouncilSession, Period, SessionStatus
from tests.e2e.conftest import screenshot
from tests.e2e.test_demo_roles import log_in
from tests.e2e.test_task_flow import log_out

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))


def test_council_drills_into_the_withheld_votes_and_exports_the_decision(live_server, demo, page):
    base = live_server.url
    period = Period.objects.get()
    session = CouncilSession.objects.get(period=period)

    # 1. The council member opens the ranking and filters the withheld officials.
    log_in(page, base, "hoidong")
    page.goto(f"{base}/emulation/")
    page.get_by_role("link", name=period.name).click()
    expect(page.get_by_test_id("ranking-table")).to_be_visible()
    expect(page.get_by_test_id("distribution")).to_be_visible()
    page.get_by_label("Chỉ người không được xét").check()
    expect(page.get_by_test_id("ranking-table").get_by_test_id("rating-row")).not_to_have_count(0)
    screenshot(page, "emulation-1-ranking-withheld")

    # 2. The drill-down names the decision and the overdue task, each with its link.
    page.get_by_test_id("ranking-table").get_by_role("link", name="Hồ Thanh Tâm").click()
    disqualifiers = page.get_by_test_id("disqualifiers")
    expect(disqualifiers).to_contain_text("45/QĐ-SNV")
    expect(disqualifiers).to_contain_text("khiển trách")
    expect(page.get_by_test_id("problem-tasks")).to_contain_text("Báo cáo rà soát vị trí việc làm")
    expect(page.get_by_test_id("problem-tasks")).to_contain_text("quá hạn")
    expect(page.get_by_test_id("verdict-ldtt")).to_contain_text("Không đủ điều kiện")
    screenshot(page, "emulation-2-withheld-official")
    page.get_by_test_id("problem-tasks").get_by_role("link").first.click()
    expect(page.locator("h1")).to_contain_text("Báo cáo rà soát vị trí việc làm")

    # 3. The member votes by secret ballot.
    page.goto(f"{base}/emulation/sessions/{session.pk}/")
    page.get_by_test_id("go-ballot").click()
    for radio in page.get_by_role("radio", name="Đồng ý", exact=True).all():
        radio.check()
    screenshot(page, "emulation-3-ballot")
    page.once("dialog", lambda dialog: dialog.accept())  # "Gửi phiếu? Phiếu đã gửi thì không sửa được."
    page.get_by_test_id("cast").click()
    expect(page.locator(".messages")).to_contain_text("Phiếu của bạn đã được ghi nhận")
    assert BallotReceipt.objects.filter(session=session, member__username="hoidong").count() == 1
    log_out(page)

    # 4. The secretary and the chair vote too, then the secretary closes the session with the decision.
    log_in(page, base, "thuky")
    page.goto(f"{base}/emulation/sessions/{session.pk}/ballot/")
    for radio in page.get_by_role("radio", name="Đồng ý", exact=True).all():
        radio.check()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("cast").click()
    # The server must be done with the secretary's ballot before this thread writes (on SQLite
    # the live server shares the test's one in-memory connection).
    expect(page.locator(".messages")).to_contain_text("Phiếu của bạn đã được ghi nhận")
    # The chair's ballot makes the quorum of ballots (a count of fewer would show how each voted).
    chair = User.objects.get(username="giamdoc.snv")
    services.ballot_cast(actor=chair, session=session, choices={n.pk: "yes" for n in session.nominations.all()})
    page.goto(f"{base}/emulation/sessions/{session.pk}/")
    page.get_by_label("Số quyết định").fill("125/QĐ-HĐTĐKT")
    page.get_by_label("Ngày quyết định").fill(period.ends_on.replace(month=11, day=20).strftime("%d/%m/%Y"))
    page.get_by_label("Biên bản").fill("Hội đồng họp, bỏ phiếu kín.")
    page.once("dialog", lambda dialog: dialog.accept())  # closing cannot be undone: the page asks first
    page.get_by_test_id("close-session").click()
    expect(page.get_by_test_id("results-table")).to_be_visible()
    session.refresh_from_db()
    assert session.status == SessionStatus.CLOSED
    screenshot(page, "emulation-4-results")

    # 5. The decision list is exported and opened back.
    page.goto(f"{base}/emulation/{period.pk}/awards/")
    with page.expect_download() as download:
        page.get_by_test_id("export-decisions").click()
    book = load_workbook(io.BytesIO(open(download.value.path(), "rb").read()))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[2][:5] == ("STT", "Họ và tên", "Chức vụ", "Đơn vị", "Danh hiệu")
    awarded = sorted(a.person.full_name for a in Award.objects.filter(period=period))
    assert awarded and sorted(row[1] for row in rows[3:]) == awarded
    assert all(row[5] == "125/QĐ-HĐTĐKT" for row in rows[3:])
