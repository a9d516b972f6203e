"""The reform index in Chromium: a commune head self-assesses on a phone (scores a sub-criterion with
a photo taken as evidence, submits, which completes the self-assessment task), then the Department
of Home Affairs' head reads the overview and the ranking on a desktop and on a phone."""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from reform import services
from reform.models import Assessment, AssessmentStatus, Score
from tasks.models import TaskStatus
from tests.e2e.conftest import screenshot
from tests.e2e.test_demo_roles import log_in
from tests.e2e.test_personas import communes_set

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

JPEG = bytes.fromhex("ffd8ffe000104a46494600010100000100010000ffd9")


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))


def _no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_a_commune_head_self_assesses_on_a_phone_and_the_secretary_ranks(live_server, demo, phone, tmp_path, browser):
    base = live_server.url
    criteria_set = communes_set()
    assessment = Assessment.objects.select_related("unit", "task").filter(
        criteria_set=criteria_set, status=AssessmentStatus.DRAFT).order_by("unit__code").first()
    head_username = "chutich.bmt"
    scored = set(Score.objects.filter(assessment=assessment, self_points__isnull=False)
                 .values_list("sub_criterion_id", flat=True))
    subs = list(criteria_set.sub_criteria.order_by("code"))
    sub = next(s for s in subs if s.pk not in scored)

    # On the phone: the head opens the self-assessment and scores one sub-criterion with a photo.
    photo = tmp_path / "bien-ban-hop.jpg"
    photo.write_bytes(JPEG)
    log_in(phone, base, head_username)
    phone.goto(base + reverse("reform:assessment", args=[assessment.pk]))
    expect(phone.get_by_test_id("self-assessment-task")).to_have_text(assessment.task.code)
    article = phone.get_by_test_id(f"sub-{sub.code}")
    form = article.locator("form.scoreform").first
    form.locator("input[name=points]").fill(str(sub.max_points))
    form.locator("textarea[name=note]").fill("Có biên bản họp, ảnh chụp kèm theo")
    form.locator("input[type=file]").set_input_files(str(photo))
    screenshot(phone, "reform-1-phone-scoring-with-photo")
    form.get_by_role("button", name="Lưu").click()
    expect(phone.get_by_test_id(f"sub-{sub.code}").get_by_role("link", name="bien-ban-hop.jpg")).to_be_visible()
    assert Score.objects.get(assessment=assessment, sub_criterion=sub).evidence.count() == 1
    _no_sideways_scroll(phone)
    screenshot(phone, "reform-2-phone-photo-saved")

    # The rest is scored (as the unit's import would); the head submits from the phone.
    head = assessment.task.lead
    services.self_scores_record(actor=head, rows=[
        services.SelfScoreRow(assessment=assessment, sub_criterion=s, points=s.max_points)
        for s in subs if s.pk not in scored and s.pk != sub.pk])
    phone.goto(base + reverse("reform:assessment", args=[assessment.pk]))
    phone.get_by_role("link", name="Gửi kết quả tự đánh giá").first.click()
    phone.get_by_test_id("submit-assessment").click()
    expect(phone.get_by_test_id("assessment-status")).to_have_text("Đã gửi thẩm định")
    screenshot(phone, "reform-3-phone-submitted")
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.SUBMITTED
    assert assessment.task.__class__.objects.get(pk=assessment.task_id).status == TaskStatus.COMPLETED

    # On the desktop: the Department of Home Affairs' head reads the overview, then the ranking.
    desktop = browser.new_context(locale="vi-VN", viewport={"width": 1366, "height": 768}).new_page()
    log_in(desktop, base, "giamdoc.snv")
    desktop.goto(base + reverse("reform:set", args=[criteria_set.pk]))
    expect(desktop.get_by_test_id("submission-summary")).to_contain_text("đơn vị nộp đúng hạn")
    screenshot(desktop, "reform-4-desktop-overview")
    services.criteria_set_recompute(criteria_set=criteria_set)
    desktop.goto(base + reverse("reform:ranking", args=[criteria_set.pk]))
    rows = desktop.get_by_test_id("ranking").locator("tbody tr")
    assert rows.count() == criteria_set.assessments.count()
    expect(desktop.get_by_test_id("ranking")).to_contain_text(assessment.unit.name)
    screenshot(desktop, "reform-5-desktop-ranking")
    desktop.context.close()

    # And the same ranking on the secretary's phone: the table scrolls inside its frame, not the page.
    small = browser.new_context(locale="vi-VN", viewport={"width": 390, "height": 844}, is_mobile=True,
                                has_touch=True).new_page()
    log_in(small, base, "giamdoc.snv")
    small.goto(base + reverse("reform:ranking", args=[criteria_set.pk]))
    expect(small.get_by_test_id("ranking")).to_be_visible()
    _no_sideways_scroll(small)
    screenshot(small, "reform-6-phone-ranking")
    small.goto(base + reverse("reform:remedies", args=[criteria_set.pk]))
    expect(small.get_by_role("heading", name="Khắc phục")).to_be_visible()
    screenshot(small, "reform-7-phone-remedies")
    small.context.close()
    assert Decimal(0) <= criteria_set.results.get(assessment=assessment).index <= Decimal(100)
