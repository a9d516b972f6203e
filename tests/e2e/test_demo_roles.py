"""Each demo role logs in through the real form in Chromium and lands on its own home page."""

import pytest
from django.core.management import call_command

from accounts.management.commands.seed_demo import DEMO_PASSWORD
from tests.e2e.conftest import screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ROLES = [
    ("chutich", "home-head", "Đơn vị bạn phụ trách"),
    ("chutich.bmt", "home-head", "UBND phường Buôn Ma Thuột"),
    ("thanhtra", "home-inspector", "Cuộc kiểm tra của tôi"),
    ("hoidong", "home-council", "Hội đồng Thi đua – Khen thưởng"),
    ("thuky", "home-council", "Hội đồng Thi đua – Khen thưởng"),
    ("admin", "home-admin", "Nhập đơn vị và cán bộ từ Excel"),
    ("canbo", "home-staff", "Công việc của tôi"),
]


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))


def log_in(page, base_url, username):
    page.goto(f"{base_url}/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{base_url}/")


@pytest.mark.parametrize("username,section,text", ROLES)
def test_each_demo_role_sees_its_home_page(live_server, demo, page, username, section, text):
    log_in(page, live_server.url, username)
    block = page.get_by_test_id(section)
    block.wait_for()
    assert text in block.inner_text()
    assert page.locator("html").get_attribute("lang") == "vi"
    screenshot(page, f"home-{username}")
    # Roles without a manager section do not get one.
    if section != "home-head":
        assert page.get_by_test_id("home-head").count() == 0


def test_diacritic_free_search_in_the_browser(live_server, demo, page):
    log_in(page, live_server.url, "admin")
    page.goto(f"{live_server.url}/people/")
    page.get_by_placeholder("Tên, mã hoặc email").fill("nguyen van an")
    # htmx swaps the rows in without a page load.
    page.locator("#results").get_by_text("Nguyễn Văn An").wait_for()
    assert "nguyen+van+an" in page.url or "nguyen%20van%20an" in page.url
    screenshot(page, "people-search")


def test_phone_width_home_and_navigation(live_server, demo, phone):
    log_in(phone, live_server.url, "chutich.bmt")
    phone.get_by_test_id("home-head").wait_for()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1, f"page scrolls sideways on a phone: {width}px"
    screenshot(phone, "home-phone")


def test_logout(live_server, demo, page):
    log_in(page, live_server.url, "canbo")
    page.get_by_role("button", name="Đăng xuất").click()
    page.get_by_role("heading", name="Đăng nhập Kỷ Cương").wait_for()
