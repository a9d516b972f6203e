"""In an English (en-US) browser the pages stay Vietnamese and the date fields show dd/mm/yyyy and a
24-hour time: the calendar is the vendored flatpickr, not the browser's own picker, and the form saves
the date that was picked."""

import re
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from tasks.models import Task
from tests.e2e.conftest import screenshot
from tests.e2e.test_demo_roles import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))


@pytest.fixture
def english_page(browser):
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


def pick_day(page, field_id: str, day: int):
    """Open the field's calendar, go to next month and click `day`."""
    page.click(f"#{field_id}")
    calendar = page.locator(".flatpickr-calendar.open")
    expect(calendar).to_be_visible()
    # Vietnamese day names (T2 … CN, Monday first), whatever the browser's language.
    expect(calendar.locator(".flatpickr-weekdays")).to_contain_text("T2")
    calendar.locator(".flatpickr-next-month").click()
    calendar.locator(".flatpickr-day:not(.prevMonthDay):not(.nextMonthDay)", has_text=re.compile(rf"^{day}$")).click()


def test_an_english_browser_gets_vietnamese_pages_and_dd_mm_yyyy_dates(live_server, demo, english_page):
    page, base = english_page, live_server.url
    assert page.evaluate("navigator.language") == "en-US"
    log_in(page, base, "giamdoc.snv")  # the login page answers in Vietnamese (its labels are found)
    page.goto(f"{base}/tasks/new/")
    assert page.locator("html").get_attribute("lang") == "vi"
    expect(page.get_by_role("heading", name="Giao nhiệm vụ mới")).to_be_visible()

    deadline, source_date = page.locator("#id_deadline"), page.locator("#id_source_date")
    assert deadline.get_attribute("type") == "text" and source_date.get_attribute("type") == "text"
    page.fill("#id_title", "Rà soát hồ sơ cán bộ năm 2027")

    today = timezone.localdate()
    next_month = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
    pick_day(page, "id_deadline", 15)
    page.keyboard.press("Escape")
    expect(deadline).to_have_value(f"12:00 15/{next_month:%m/%Y}")  # 24-hour time, then dd/mm/yyyy
    pick_day(page, "id_source_date", 3)
    page.keyboard.press("Escape")
    expect(source_date).to_have_value(f"03/{next_month:%m/%Y}")
    screenshot(page, "date-picker-en-browser")

    page.get_by_role("button", name="Lưu dự thảo").click()
    page.wait_for_url(re.compile(rf"{base}/tasks/\d+/$"))
    task = Task.objects.get(title="Rà soát hồ sơ cán bộ năm 2027")
    saved = timezone.localtime(task.deadline)
    assert (saved.date(), saved.hour, saved.minute) == (next_month.replace(day=15), 12, 0)
    assert task.source_date == date(next_month.year, next_month.month, 3)
    # The saved deadline is shown back in the same order.
    expect(page.locator("body")).to_contain_text(f"12:00 15/{next_month:%m/%Y}")
