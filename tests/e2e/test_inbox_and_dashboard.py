"""The work inbox and the unit overview in Chromium, on a desktop and a phone: what a head and an
official see, readable and without sideways scrolling."""

import pytest
from django.core.management import call_command

from tests.e2e.conftest import screenshot
from tests.e2e.test_demo_roles import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))


def no_sideways_scroll(page, width):
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width + 1, f"{page.url} scrolls sideways: {scroll}px"


def test_a_head_reads_the_inbox_and_the_overview_on_a_desktop_and_a_phone(live_server, demo, page, phone):
    base = live_server.url
    for view, width, name in ((page, 1280, "desktop"), (phone, 390, "phone")):
        log_in(view, base, "chutich")
        view.get_by_test_id("home-inbox").wait_for()
        screenshot(view, f"home-chutich-{name}")
        view.get_by_role("link", name="Việc cần xử lý").first.click()
        view.get_by_role("heading", name="Việc cần xử lý").wait_for()
        no_sideways_scroll(view, width)
        screenshot(view, f"inbox-chutich-{name}")
        view.goto(f"{base}/tasks/overview/")
        view.get_by_test_id("legend").wait_for()
        assert "Chưa hoàn thành, quá hạn" in view.get_by_test_id("legend").inner_text()
        labels = view.locator("svg.stackbar").evaluate_all("nodes => nodes.map(n => n.getAttribute('aria-label'))")
        assert labels and all("done_" not in label and "Hoàn thành đúng hạn" in label for label in labels)
        no_sideways_scroll(view, width)
        screenshot(view, f"overview-chutich-{name}")


def test_an_official_reads_the_inbox_on_a_phone(live_server, demo, phone):
    log_in(phone, live_server.url, "canbo")
    phone.goto(f"{live_server.url}/inbox/")
    phone.get_by_test_id("inbox-summary").wait_for()
    no_sideways_scroll(phone, 390)
    screenshot(phone, "inbox-canbo-phone")
