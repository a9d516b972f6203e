"""Each of the eight demo logins walks their "try it" path of the README in Chromium, on a desktop
screen and on a phone. On every page: no console error, no link that answers 4xx to that persona,
no sideways scrolling at 390 px, and no text left in English — a visible text equal to an English
msgid of the translation catalogue is a leak. Screenshots go to test-artifacts/screenshots/.

One browser for the module, one context per persona (signed in once, resized for the phone)."""

import gettext
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from emulation.models import BallotReceipt, CouncilSession, Period, SessionStatus
from inspections.models import Finding, Inspection
from reform.models import Assessment, CriteriaSet, UnitGroup
from reform.structure import criteria_set_copy
from tasks.models import Task
from tests.clients import Client
from tests.e2e.conftest import screenshot
from tests.e2e.test_demo_roles import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
SIZES = {"desktop": DESKTOP, "phone": PHONE}
TOUCH = 44  # px, the smallest target a finger hits reliably (WCAG 2.5.5)

_CATALOGUE = Path(settings.BASE_DIR) / "locale" / "vi" / "LC_MESSAGES" / "django.mo"


def english_msgids() -> frozenset[str]:
    """Every English msgid the catalogue translates into something else."""
    with open(_CATALOGUE, "rb") as handle:
        catalogue = gettext.GNUTranslations(handle)._catalog
    msgids = set()
    for key, translation in catalogue.items():
        msgid = (key[0] if isinstance(key, tuple) else key).split("\x04")[-1]  # plural index; context
        if msgid and msgid != translation:
            msgids.add(msgid)
    return frozenset(msgids)


def leaks(texts, msgids) -> list[str]:
    """Texts equal to an English msgid (a form label's colon aside)."""
    return [text for text in texts if text in msgids or text.rstrip(":").strip() in msgids]


# Visible texts of the page: text nodes (menus folded away included) and the attributes people read.
TEXTS_JS = """() => {
  const texts = new Set([document.title.split(' · ')[0]]);
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.parentElement.closest('script, style, template')) continue;
    const text = node.nodeValue.replace(/\\s+/g, ' ').trim();
    if (text) texts.add(text);
  }
  for (const el of document.querySelectorAll('[placeholder], [title], [aria-label], [alt], [data-confirm]')) {
    for (const name of ['placeholder', 'title', 'aria-label', 'alt', 'data-confirm']) {
      const value = (el.getAttribute(name) || '').trim();
      if (value) texts.add(value);
    }
  }
  return [...texts];
}"""

# Controls a finger taps on a phone that are smaller than a touch target.
SMALL_TARGETS_JS = """(least) => [...document.querySelectorAll(
    '.topbar a, .topbar button, main button, main summary, main select, main input:not([type=hidden]):not([type=checkbox]):not([type=radio]), '
    + 'main label:has(> input[type=checkbox]), main label:has(> input[type=radio]), .tabs a, .table td a, .crumbs a, .pagination a')]
  .filter(el => { const box = el.getBoundingClientRect(); return box.width > 0 && box.height > 0 && box.height < least; })
  .map(el => el.tagName.toLowerCase() + ' “' + (el.innerText || el.value || el.name || '').trim().slice(0, 40) + '” '
       + Math.round(el.getBoundingClientRect().height) + 'px')"""


@dataclass
class Walk:
    """One persona's browser context and test client; collects every problem seen on the way."""

    base: str
    username: str
    page: object
    client: Client
    msgids: frozenset
    problems: list = field(default_factory=list)
    console: list = field(default_factory=list)
    link_status: dict = field(default_factory=dict)
    shots: int = 0

    def visit(self, name: str, path: str, *, then=None):
        """Open `path` at both sizes and check it; `then(page, size)` adds the page's own checks."""
        for size, viewport in SIZES.items():
            self.page.set_viewport_size(viewport)
            self.console.clear()
            self.page.goto(self.base + path)
            self.page.wait_for_load_state("networkidle")
            self.check(name, size)
            if then is not None:
                then(self.page, size)
            self.shots += 1
            screenshot(self.page, f"persona-{self.username}-{self.shots:02d}-{name}-{size}")

    def check(self, name: str, size: str):
        where = f"{self.username} · {name} · {size}"
        page = self.page
        for message in self.console:
            self.problems.append(f"{where}: console error: {message}")
        if size == "phone":
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > PHONE["width"]:
                self.problems.append(f"{where}: scrolls sideways ({width}px wide)")
            for small in page.evaluate(SMALL_TARGETS_JS, TOUCH):
                self.problems.append(f"{where}: touch target under {TOUCH}px: {small}")
            return  # the same links and texts as on the desktop
        if page.locator("html").get_attribute("lang") == "vi":
            for text in leaks(page.evaluate(TEXTS_JS), self.msgids):
                self.problems.append(f"{where}: untranslated text “{text}”")
        # Headless Chromium asks for no icon, so the console cannot tell: the page must name one that loads.
        icon = page.locator('link[rel="icon"]').get_attribute("href")
        if icon is None or not page.request.get(self.base + icon).ok:
            self.problems.append(f"{where}: no icon ({icon})")
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => new URL(a.getAttribute('href'), document.baseURI).href)"):
            parts = urlsplit(href)
            if not href.startswith(self.base) or not parts.path:
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if target not in self.link_status:
                self.link_status[target] = self.client.get(target).status_code
            if self.link_status[target] >= 400:
                self.problems.append(f"{where}: link {target} answers {self.link_status[target]}")

    def assert_clean(self):
        assert not self.problems, "\n".join(self.problems)


@pytest.fixture(scope="module")
def msgids():
    return english_msgids()


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))


def start_walk(browser, live_server, username, msgids) -> Walk:
    context = browser.new_context(locale="vi-VN", viewport=DESKTOP)
    page = context.new_page()
    walk = Walk(base=live_server.url, username=username, page=page, client=Client(), msgids=msgids)
    page.on("console", lambda message: message.type == "error" and walk.console.append(message.text))
    page.on("pageerror", lambda error: walk.console.append(str(error)))
    # The test client and the live server share one SQLite database: they take turns, never both at once.
    walk.client.force_login(User.objects.get(username=username))
    log_in(page, live_server.url, username)
    page.wait_for_load_state("networkidle")
    return walk


def on_top(locator, size):
    """On a phone, the page's main action is within the first screen."""
    if size == "phone":
        box = locator.bounding_box()
        assert box is not None and box["y"] + box["height"] <= PHONE["height"], f"{locator} starts at {box}"


def menu_folds(page, size):
    """On a phone the menu is folded behind one button; opened, its links are touch-sized."""
    nav = page.locator(".mainnav")
    if size == "desktop":
        assert nav.is_visible()
        return
    assert not nav.is_visible()
    assert page.locator(".topbar").bounding_box()["height"] <= 64
    page.get_by_role("button", name="Danh mục").click()
    assert nav.is_visible()
    heights = [link.bounding_box()["height"] for link in nav.get_by_role("link").all()]
    assert heights and min(heights) >= TOUCH, heights
    page.get_by_role("button", name="Danh mục").click()
    assert not nav.is_visible()


def photo_thumbnails(page, size):
    thumbs = page.locator("img.thumb")
    assert thumbs.count() >= 1
    assert all(thumb.evaluate("img => img.complete && img.naturalWidth > 0") for thumb in thumbs.all())


def task(title):
    return reverse("tasks:detail", args=[Task.objects.get(title=title).pk])


def inspection(number):
    return reverse("inspections:detail", args=[Inspection.objects.get(decision_number=number).pk])


def communes_set():
    """This year's reform set for communes, still being scored in the demo."""
    return CriteriaSet.objects.get(year=timezone.localdate().year, unit_group=UnitGroup.COMMUNES)


def walk_admin(walk):
    walk.visit("home", "/", then=menu_folds)
    walk.visit("import", reverse("accounts:import"))
    walk.visit("people", reverse("accounts:person_list"))
    walk.visit("people-search", reverse("accounts:person_list") + "?q=nguyen+van+an")
    walk.visit("units", reverse("accounts:unit_list"))
    walk.visit("history-import", reverse("tasks:history_import"))
    walk.visit("rules", reverse("rules"))


def walk_chutich(walk):
    walk.visit("home", "/", then=menu_folds)
    walk.visit("overview", reverse("tasks:overview"))
    walk.visit("tasks", reverse("tasks:list"))
    walk.visit("inspections", reverse("inspections:dashboard"))
    walk.visit("inbox", reverse("inbox"))


def walk_giamdoc(walk):
    walk.visit("home", "/", then=menu_folds)
    walk.visit("new-task", reverse("tasks:create"))
    walk.visit("task-done", task("Báo cáo cải cách hành chính quý III"))
    walk.visit("overview", reverse("tasks:overview"))
    walk.visit("task-report", reverse("task_report") + "?kind=quarter", then=task_report_filled)
    walk.visit("inspection", inspection("15/QĐ-TTr"))
    walk.visit("discipline", reverse("inspections:decisions"))
    walk.visit("reform-set", reverse("reform:set", args=[communes_set().pk]))
    walk.visit("reform-ranking", reverse("reform:ranking", args=[communes_set().pk]))
    # The set in use is frozen (a change is a new version); next year's draft, copied from it, is edited.
    walk.visit("reform-criteria", reverse("reform:structure", args=[communes_set().pk]))
    draft = criteria_set_copy(actor=User.objects.get(username="giamdoc.snv"), source=communes_set())
    walk.visit("reform-criteria-draft", reverse("reform:structure", args=[draft.pk]))
    walk.visit("reform-sub-criterion", reverse("reform:structure_item", args=[
        draft.pk, "sub", draft.sub_criteria.order_by("order", "id").first().pk]))

    walk.visit("reform-remedies", reverse("reform:remedies", args=[communes_set().pk]))


def task_report_filled(page, size):
    """The quarter's report of the department: rows with figures, the cut-off, the overdue task with
    its progress note, and the monthly report task to send it to."""
    assert page.get_by_test_id("cut-off").inner_text().startswith("Số liệu tính đến ngày")
    total = page.get_by_test_id("report-total").inner_text()
    assert "Tổng cộng" in total
    overdue = page.get_by_test_id("report-overdue").inner_text()
    assert "Tổng hợp hồ sơ đề nghị khen thưởng đợt 1" in overdue
    assert page.get_by_test_id("report-send-button").is_visible()
    assert "Báo cáo tình hình thực hiện nhiệm vụ hằng tháng" in page.get_by_test_id("report-send").inner_text()


def walk_chutich_bmt(walk):
    walk.visit("home", "/", then=menu_folds)
    walk.visit("task-to-judge", task("Báo cáo tình hình giải quyết hồ sơ trễ hẹn tháng 11"),
               then=lambda page, size: on_top(page.locator("summary", has_text="Đánh giá kết quả"), size))
    walk.visit("overview", reverse("tasks:overview"))
    walk.visit("inbox", reverse("inbox"))
    own = Assessment.objects.filter(criteria_set=communes_set(), status="draft").order_by("unit__code").first()
    walk.visit("reform-self-assessment", reverse("reform:assessment", args=[own.pk]))


def walk_thanhtra(walk):
    check = Inspection.objects.get(decision_number="15/QĐ-TTr")
    walk.visit("home", "/", then=menu_folds)
    walk.visit("inspection", inspection("15/QĐ-TTr"),
               then=lambda page, size: on_top(page.get_by_test_id("record-finding"), size))
    walk.visit("record-finding", reverse("inspections:finding_create", args=[check.pk]))
    walk.visit("finding", reverse("inspections:finding", args=[check.findings.order_by("id").first().pk]),
               then=photo_thumbnails)
    walk.visit("plan", reverse("inspections:plan", args=[check.plan_id]))
    walk.visit("commune-inspection", inspection("09/QĐ-TTr"))
    public_service = Inspection.objects.get(decision_number="27/QĐ-KTCV")
    walk.visit("public-service-check", inspection("27/QĐ-KTCV"),
               then=lambda page, size: on_top(page.get_by_test_id("record-finding"), size))
    walk.visit("roll-sheet", reverse("inspections:roll", args=[public_service.pk, public_service.rolls.get().pk]),
               then=lambda page, size: on_top(page.get_by_test_id("roll-save"), size))
    walk.visit("repeat-offenders", reverse("inspections:repeat_offenders"),
               then=lambda page, size: page.get_by_test_id("repeat-people").wait_for())
    walk.visit("rules", reverse("rules"))


def walk_canbo(walk):
    canbo = User.objects.get(username="canbo")
    walk.visit("home", "/", then=menu_folds)
    walk.visit("task", task("Rà soát biên chế công chức năm 2026"),
               then=lambda page, size: on_top(page.locator("summary", has_text="Báo cáo tiến độ"), size))
    walk.visit("my-findings", reverse("inspections:findings"))
    finding = Finding.objects.filter(subject_person=canbo).order_by("id").first()
    walk.visit("finding", reverse("inspections:finding", args=[finding.pk]), then=photo_thumbnails)
    walk.visit("reform-queue", reverse("reform:queue"))


def walk_hoidong(walk):
    period = Period.objects.get()
    session = CouncilSession.objects.get(period=period)
    plan = Inspection.objects.get(decision_number="15/QĐ-TTr").plan_id
    person = User.objects.get(full_name="Hồ Thanh Tâm")

    def withheld_filter(page, size):
        box = page.get_by_label("Chỉ người không được xét")
        box.check()
        page.wait_for_load_state("networkidle")
        assert box.bounding_box()["width"] <= 24  # a checkbox, not a text field
        assert page.get_by_test_id("rating-row").count() >= 1

    def ballot(page, size):
        for radio in page.get_by_role("radio", name="Đồng ý", exact=True).all():
            radio_box, text_box = radio.bounding_box(), radio.locator("xpath=..").locator("span").bounding_box()
            assert radio_box["width"] <= 24 and 0 <= text_box["x"] - (radio_box["x"] + radio_box["width"]) <= 16
            radio.check()
        asked = []
        page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
        page.get_by_test_id("cast").click()
        assert asked == ["Gửi phiếu? Phiếu đã gửi thì không sửa được."]
        assert not BallotReceipt.objects.filter(session=session, member__username="hoidong").exists()

    walk.visit("home", "/", then=menu_folds)
    walk.visit("periods", reverse("emulation:periods"))
    walk.visit("ranking", reverse("emulation:period", args=[period.pk]), then=withheld_filter)
    walk.visit("withheld-official", reverse("emulation:person", args=[period.pk, person.pk]))
    walk.visit("session", reverse("emulation:session", args=[session.pk]))
    walk.visit("ballot", reverse("emulation:ballot", args=[session.pk]), then=ballot)
    walk.visit("plan", reverse("inspections:plan", args=[plan]))


def walk_thuky(walk):
    period = Period.objects.get()
    session = CouncilSession.objects.get(period=period)

    def close_asks_first(page, size):
        checkbox = page.locator('input[name="present"]').first
        assert checkbox.bounding_box()["width"] <= 24
        asked = []
        page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
        page.get_by_label("Số quyết định").fill("125/QĐ-HĐTĐKT")
        page.get_by_label("Ngày quyết định").fill(period.ends_on.isoformat())
        page.get_by_test_id("close-session").click()
        assert asked == ["Kết thúc phiên họp và kiểm phiếu? Sau đó không ai bỏ phiếu được nữa."]
        session.refresh_from_db()
        assert session.status != SessionStatus.CLOSED

    walk.visit("home", "/", then=menu_folds)
    walk.visit("session", reverse("emulation:session", args=[session.pk]), then=close_asks_first)
    walk.visit("ballot", reverse("emulation:ballot", args=[session.pk]))
    walk.visit("awards", reverse("emulation:awards", args=[period.pk]))


WALKS = {
    "admin": walk_admin,
    "chutich": walk_chutich,
    "giamdoc.snv": walk_giamdoc,
    "chutich.bmt": walk_chutich_bmt,
    "thanhtra": walk_thanhtra,
    "hoidong": walk_hoidong,
    "thuky": walk_thuky,
    "canbo": walk_canbo,
}


def test_every_persona_walks_their_path_on_desktop_and_phone(browser, live_server, demo, msgids):
    """The personas walk one after another on one demo province (seeding it takes longer than most
    walks), in the order of WALKS, each in a browser of its own; every persona is walked, whatever
    an earlier one found, and the failures are told by persona."""
    failures = []
    for username, path in WALKS.items():
        walk = start_walk(browser, live_server, username, msgids)
        try:
            path(walk)
            walk.assert_clean()
        except Exception as failure:  # noqa: BLE001 - a persona's failure must not hide the next one's
            failures.append(f"{username}: {type(failure).__name__}: {failure}")
        finally:
            walk.page.context.close()
    assert not failures, "\n\n".join(failures)


def test_the_leak_check_sees_an_english_page(browser, live_server, msgids):
    """The catalogue check is not vacuous: the same sign-in page in English is full of msgids."""
    context = browser.new_context(locale="vi-VN", viewport=DESKTOP)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    assert leaks(page.evaluate(TEXTS_JS), msgids) == []
    page.select_option("#lang", "en")
    page.get_by_role("button", name="Đổi").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "en"
    assert {"Log in", "Username", "Password"} <= set(leaks(page.evaluate(TEXTS_JS), msgids))
    context.close()
