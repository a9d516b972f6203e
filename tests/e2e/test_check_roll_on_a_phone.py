"""A public-service check's roll filled on a phone (390×844) in Chromium: one tap per person, a search
without diacritics, counts that follow the taps; a submission whose answer is lost on a slow
connection is sent again under the same token and changes nothing twice; a row another team member
marked first comes back as a conflict; the inspection page shows the summary as users write it."""

import json
import re
import unicodedata

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from inspections import services
from inspections.models import Attendance, Inspection, RollEntry, RollSubmission
from tests.e2e.conftest import screenshot
from tests.e2e.test_demo_roles import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))


def count(page, name) -> int:
    return int(page.locator(f"[data-count={name}]").inner_text())


def test_the_team_fills_a_roll_on_a_phone_over_a_slow_connection(live_server, demo, phone):
    base = live_server.url
    check = Inspection.objects.get(decision_number="27/QĐ-KTCV")
    roll = check.rolls.get()
    unmarked = list(roll.entries.filter(state="").select_related("person").order_by("id"))
    assert len(unmarked) == 2
    first, second = unmarked

    log_in(phone, base, "thanhtra")
    phone.goto(f"{base}/inspections/{check.pk}/")
    expect(phone.get_by_test_id("check-roll")).to_contain_text("có mặt 12/17, 80%; vắng 3, không lý do 1")
    phone.get_by_test_id("open-roll-sheet").click()
    phone.wait_for_load_state("networkidle")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert (count(phone, "present"), count(phone, "unmarked"), count(phone, "total")) == (12, 2, 17)
    screenshot(phone, "roll-1-phone-sheet")

    # A search without diacritics finds the person; one tap marks them and the counts follow.
    folded = first.person.full_name.split()[-1].lower().replace("đ", "d")
    folded = "".join(c for c in unicodedata.normalize("NFD", folded) if unicodedata.category(c) != "Mn")
    phone.get_by_test_id("roll-search").fill(folded)
    row = phone.get_by_test_id(f"roll-row-{first.person_id}")
    expect(row).to_be_visible()
    assert phone.locator(".roll-row[data-person]:visible").count() < 17
    row.locator("label.choice-present").tap()
    assert (count(phone, "present"), count(phone, "unmarked")) == (13, 1)
    phone.get_by_test_id("roll-search").fill("")
    other = phone.get_by_test_id(f"roll-row-{second.person_id}")
    other.locator("label.choice-excused").tap()
    expect(other.locator(".roll-reason")).to_be_visible()
    other.locator(".roll-reason").fill("Đi công tác tại xã")
    assert (count(phone, "excused"), count(phone, "unmarked")) == (3, 0)
    expect(phone.get_by_test_id("roll-status")).to_contain_text("2 thay đổi chưa lưu")
    screenshot(phone, "roll-2-phone-marked")

    # The connection drops after the server got the submission: the phone never hears the answer.
    submit_url = f"**/api/v1/inspections/{check.pk}/roll/{roll.pk}/submit/"
    sent = []

    def lose_the_answer(route):
        sent.append(json.loads(route.request.post_data))
        if len(sent) > 1:
            route.continue_()  # the connection is back
            return
        route.fetch()  # the server receives and applies it…
        route.abort("connectionreset")  # …and the answer is lost

    phone.route(submit_url, lose_the_answer)
    phone.get_by_test_id("roll-save").tap()
    expect(phone.get_by_test_id("roll-status")).to_contain_text("Chưa gửi được")
    assert phone.evaluate(f"localStorage.getItem('roll-pending-{roll.pk}')") is not None
    screenshot(phone, "roll-3-phone-connection-lost")
    # The same submission, same token, goes again by itself: it changes nothing and says so.
    expect(phone.get_by_test_id("roll-status")).to_contain_text("đã được ghi nhận; không có gì thay đổi",
                                                                timeout=15000)
    token = sent[0]["client_token"]
    assert len(sent) == 2 and sent[1] == sent[0]
    phone.unroute(submit_url)
    assert RollSubmission.objects.filter(client_token=token).count() == 1
    assert RollSubmission.objects.get(client_token=token).result["changed"] == 2
    entry = RollEntry.objects.get(roll=roll, person=first.person)
    assert (entry.state, entry.version) == (Attendance.PRESENT, 1)
    assert RollEntry.objects.get(roll=roll, person=second.person).reason == "Đi công tác tại xã"
    assert phone.evaluate(f"localStorage.getItem('roll-pending-{roll.pk}')") is None
    screenshot(phone, "roll-4-phone-saved")

    # Another team member marks a person first; this phone marks them differently: a clear conflict.
    target = RollEntry.objects.get(roll=roll, person=first.person)
    member = check.team.exclude(user__username="thanhtra").first().user
    services.roll_submit(actor=member, roll=roll, client_token="member-phone-1", entries=[
        {"person": target.person_id, "state": Attendance.UNEXCUSED, "version": target.version}])
    row.locator("label.choice-excused").tap()
    row.locator(".roll-reason").fill("Nghỉ phép")
    phone.get_by_test_id("roll-save").tap()
    expect(phone.get_by_test_id("roll-status")).to_contain_text("Thành viên khác đã sửa các dòng này trước bạn")
    expect(row).to_have_class(re.compile(r"\bconflict\b"))
    expect(row.locator('input[value="unexcused"]')).to_be_checked()
    assert RollEntry.objects.get(pk=target.pk).state == Attendance.UNEXCUSED
    screenshot(phone, "roll-5-phone-conflict")

    phone.goto(f"{base}/inspections/{check.pk}/")
    expect(phone.get_by_test_id("check-roll")).to_contain_text("có mặt 12/17, 70,59%; vắng 5, không lý do 2")
    screenshot(phone, "roll-6-phone-inspection-summary")
