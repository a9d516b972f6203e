"""The Content-Security-Policy holds in a real browser: the pages, htmx, the admin site and the API
docs work with it, and the browser reports no violation on any of them."""

import pytest

from tests.e2e.test_demo_roles import demo, log_in  # noqa: F401 - the demo fixture

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener('securitypolicyviolation',
    e => window.__violations.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' + e.sourceFile + ':' + e.lineNumber));
"""

PAGES = {  # who reads them
    "chutich": ["/", "/tasks/", "/tasks/overview/", "/tasks/new/", "/people/", "/units/", "/inspections/",
                "/inspections/list/", "/inspections/findings/", "/inspections/discipline/", "/emulation/",
                "/notifications/", "/api/docs/"],
    "admin": ["/admin/", "/admin/accounts/unit/", "/admin/accounts/user/", "/admin/tasks/task/"],
}


def test_no_page_breaks_the_policy(live_server, demo, page):  # noqa: F811
    page.add_init_script(RECORD_VIOLATIONS)
    violations = {}
    for username, paths in PAGES.items():
        page.context.clear_cookies()
        log_in(page, live_server.url, username)
        for path in paths:
            visit(page, live_server.url, path, violations)
    # htmx still swaps content in under the policy.
    page.goto(f"{live_server.url}/people/")
    page.get_by_placeholder("Tên, mã hoặc email").fill("nguyen van an")
    page.locator("#results").get_by_text("Nguyễn Văn An").wait_for()
    found = page.evaluate("window.__violations")
    if found:
        violations["/people/ search"] = found
    assert not violations, violations


def visit(page, base_url, path, violations):
    response = page.goto(f"{base_url}{path}")
    assert response.status == 200, path
    assert "script-src 'self'" in response.headers["content-security-policy"], path
    page.wait_for_load_state("networkidle")
    if path == "/api/docs/":  # the docs are drawn by a script from our origin
        page.locator(".swagger-ui .info").wait_for()
    found = page.evaluate("window.__violations")
    if found:
        violations[path] = found
