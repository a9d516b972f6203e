"""Each demo role logs in through the real form in Chromium and lands on its own home page."""

import time
from base64 import b32decode

import pytest
from django.core.management import call_command
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from accounts.management.commands.seed_demo import DEMO_PASSWORD
from accounts.models import Role, User
from accounts.two_factor import confirmed_device
from tests.clients import current_code
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
    """Password, then — for those with an authenticator — the code it shows now."""
    page.goto(f"{base_url}/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    # Read before the click: while the sign-in is being answered the server has the database (on
    # SQLite it shares the test's one in-memory connection).
    device = confirmed_device(User.objects.get(username=username))
    page.get_by_role("button", name="Đăng nhập").click()
    if device is not None:
        page.wait_for_url(f"{base_url}/accounts/two-step/verify/**")
        page.get_by_label("Mã 6 chữ số").fill(current_code(device))
        page.get_by_role("button", name="Xác nhận").click()
    page.wait_for_url(f"{base_url}/")


def test_each_demo_role_sees_its_home_page(live_server, demo, browser):
    # One demo province for every role (seeding it takes longer than the walk), each role in a
    # browser of its own.
    for username, section, text in ROLES:
        context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
        page = context.new_page()
        try:
            log_in(page, live_server.url, username)
            block = page.get_by_test_id(section)
            block.wait_for()
            assert text in block.inner_text(), username
            assert page.locator("html").get_attribute("lang") == "vi", username
            screenshot(page, f"home-{username}")
            # Roles without a manager section do not get one.
            if section != "home-head":
                assert page.get_by_test_id("home-head").count() == 0, username
        finally:
            context.close()


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


def test_an_inspector_sets_up_two_step_sign_in_at_first_login(live_server, demo, page):
    """An inspector without an authenticator yet: the QR code and key, then a code from the key
    as read off the page, and only then the application."""
    inspector = User.objects.filter(role_assignments__role=Role.INSPECTOR).exclude(username="thanhtra").first()
    base = live_server.url
    page.goto(f"{base}/tasks/")
    page.get_by_label("Tên đăng nhập").fill(inspector.username)
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{base}/accounts/two-step/setup/**")
    expect(page.locator(".qr svg")).to_be_visible()
    expect(page.locator(".mainnav")).to_have_count(0)
    screenshot(page, "two-step-setup")

    secret = page.get_by_test_id("totp-secret").inner_text().replace(" ", "")
    key = b32decode(secret + "=" * (-len(secret) % 8))
    assert not TOTPDevice.objects.filter(user=inspector).exists()  # the key lives in this session only
    page.get_by_label("Mã 6 chữ số").fill(f"{(TOTP(key).token() + 1) % 1_000_000:06d}")
    page.get_by_role("button", name="Bật").click()
    expect(page.get_by_role("alert")).to_contain_text("Mã không đúng")
    assert page.get_by_test_id("totp-secret").inner_text().replace(" ", "") == secret  # kept across the retry

    time.sleep(1.1)  # the wrong code above makes the next try wait a second
    page.get_by_label("Mã 6 chữ số").fill(f"{TOTP(key).token():06d}")
    page.get_by_role("button", name="Bật").click()
    page.wait_for_url(f"{base}/tasks/")
    expect(page.locator(".messages")).to_contain_text("Đã bật xác thực hai bước")
    assert confirmed_device(inspector).bin_key == key
