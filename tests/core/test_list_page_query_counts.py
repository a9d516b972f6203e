"""Every paginated list page — found by walking the URL configuration, so a new one cannot escape —
makes the same number of queries for a page of two rows and a page of two hundred."""


import pytest
from django.core.paginator import Page
from django.db import connection
from django.test.utils import CaptureQueriesContext, ContextList

from accounts.models import User
from core import pagination
from reform.models import CriteriaSet
from tests.routes import all_routes

pytestmark = pytest.mark.django_db


# Pages that list the rows of one object, and the object the demo gives them.
LIST_OWNERS = {"emulation/<int:pk>/": "{period}", "units/<int:pk>/": "{unit}", "reform/<int:pk>/": "{reform_set}"}


def _page_routes() -> list[str]:
    """GET pages (not the API, the admin or the language switch) with no argument, or whose only
    argument is the owner of a list (an emulation period, a unit): the shape of every list page."""
    routes = []
    for route in all_routes():
        if route.startswith(("api/", "admin/", "i18n/")) or route.endswith(".xlsx"):
            continue
        owner = next((prefix for prefix in LIST_OWNERS if route.startswith(prefix)), None)
        if "<" in route and not (owner and route.count("<") == 1):
            continue
        routes.append("/" + (route.replace("<int:pk>", LIST_OWNERS[owner]) if owner else route))
    return sorted(set(routes))


PAGE_ROUTES = _page_routes()


def _page_in(response) -> Page | None:
    if response.context is None:  # no template rendered (a redirect, a file)
        return None
    contexts = response.context if isinstance(response.context, ContextList) else [response.context]
    for context in contexts:
        for value in context.flatten().values():
            if isinstance(value, Page):
                return value
    return None


def _reform_set_in_progress() -> int:
    """This year's reform criteria set for the demo's communes (all of them assessed under it)."""
    return CriteriaSet.objects.filter(unit_group="communes").order_by("-year").values_list("pk", flat=True)[0]


@pytest.fixture
def list_pages(client, demo, monkeypatch):
    """The list pages and their rows for the readers who see most of them; page sizes 2 and 200
    are allowed for the measurement only (the product offers 20, 50 and 100)."""
    monkeypatch.setattr(pagination, "PAGE_SIZES", (2, 200))
    found = {}
    for route in PAGE_ROUTES:
        for reader in ("chutich", "thuky", "thanhtra", "admin", "canbo"):
            client.force_login(User.objects.get(username=reader))
            url = route.format(period=demo.pk, unit=demo.organisation.units.get(code="UBND").pk,
                               reform_set=_reform_set_in_progress())
            response = client.get(url, {"size": 2})
            page = _page_in(response) if response.status_code == 200 else None
            # The first reader for whom the list holds more than one page of two rows.
            if page is not None and len(page.object_list) == 2 and page.has_next():
                found[url] = reader
                break
    return found


def test_list_page_queries_do_not_depend_on_the_page_size(client, list_pages):
    # The walk finds the list pages (one seeded demo for both checks: seeding takes seconds).
    expected = {"/tasks/", "/people/", "/units/", "/inspections/findings/", "/inspections/discipline/",
                "/notifications/"}
    assert expected <= set(list_pages), sorted(list_pages)
    assert any(url.startswith("/emulation/") for url in list_pages), sorted(list_pages)
    assert {"/reform/", f"/reform/{_reform_set_in_progress()}/", "/reform/queue/"} <= set(list_pages), sorted(list_pages)
    short = []
    for url, reader in sorted(list_pages.items()):
        client.force_login(User.objects.get(username=reader))
        counts, rows = [], []
        for size in (2, 200):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url, {"size": size})
            assert response.status_code == 200, url
            counts.append(len(queries))
            rows.append(len(_page_in(response).object_list))
        if rows[1] < 3:
            short.append(url)
            continue
        assert counts[0] == counts[1], f"{url} as {reader}: {counts[0]} queries for 2 rows, {counts[1]} for {rows[1]}"
    assert not short, f"the demo gives these pages fewer than three rows: {short}"
