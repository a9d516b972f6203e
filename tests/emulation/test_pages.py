"""Emulation pages and exports: scoped, pinned query counts, Excel opened back, import errors by row."""

import html
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from emulation import jobs, scoring, services
from emulation.models import ManualScore, Rating, Title
from tests.emulation.conftest import AFTER_THE_YEAR, at, task_row
from tests.emulation.test_council import members, open_session, to_voting
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def populate(world, period, n):
    people = [UserFactory(full_name=f"=HYPERLINK(\"x\") Người {i:02d}" if i == 0 else f"Người {i:02d}",
                          unit=world.division) for i in range(n)]
    for person in people:
        task_row(person, deadline=at(3, 1))
    scoring.compute_period(period, now=AFTER_THE_YEAR)
    return people


def test_every_page_renders_for_the_secretary_and_the_session_flow(client, world, period, secretary):
    people = populate(world, period, 2)
    for person in people:
        services.rating_set_general(actor=world.head_dept, rating=Rating.objects.get(period=period, person=person),
                                    points=15, note="Đạt")
    scoring.compute_period(period, now=AFTER_THE_YEAR)
    period = to_voting(period, secretary)
    nomination = services.nomination_create(actor=world.head_dept, period=period, title=Title.LDTT, person=people[1])
    council = [secretary, *members(2, world.dept)]
    session = open_session(secretary, period, council)
    client.force_login(secretary)
    urls = [reverse("emulation:periods"), reverse("emulation:period", args=[period.pk]),
            reverse("emulation:units", args=[period.pk]), reverse("emulation:withheld", args=[period.pk]),
            reverse("emulation:person", args=[period.pk, people[1].pk]),
            reverse("emulation:unit", args=[period.pk, world.division.pk]),
            reverse("emulation:nominations", args=[period.pk]), reverse("emulation:session", args=[session.pk]),
            reverse("emulation:ballot", args=[session.pk]), reverse("emulation:awards", args=[period.pk])]
    for url in urls:
        assert client.get(url).status_code == 200, url
    response = client.post(reverse("emulation:ballot", args=[session.pk]), {f"n{nomination.pk}": "yes"})
    assert response.status_code == 302
    for member in council[1:]:
        services.ballot_cast(actor=member, session=session, choices={nomination.pk: "yes"})
    response = client.post(reverse("emulation:session_close", args=[session.pk]), {
        "decision_number": "01/QĐ-HĐ", "decision_date": "2026-12-22", "minutes": "Biên bản"}, follow=True)
    assert "01/QĐ-HĐ" in response.content.decode()


def test_an_official_sees_only_their_own_results_and_outsiders_get_404(client, world, period):
    populate(world, period, 1)
    client.force_login(world.staff_division)
    response = client.get(reverse("emulation:period", args=[period.pk]))
    assert response.status_code == 302 and response.url == reverse("emulation:person",
                                                                   args=[period.pk, world.staff_division.pk])
    assert client.get(response.url).status_code == 200
    assert client.get(reverse("emulation:person", args=[period.pk, world.colleague_division.pk])).status_code == 404
    client.force_login(world.outsider)
    assert client.get(reverse("emulation:period", args=[period.pk])).status_code == 404
    client.force_login(world.head_sibling)
    assert client.get(reverse("emulation:person", args=[period.pk, world.staff_division.pk])).status_code == 404


def test_ranking_page_and_export_query_counts_do_not_grow_with_rows(client, world, period, secretary):
    client.force_login(secretary)
    url = reverse("emulation:period", args=[period.pk])
    export = reverse("emulation:ranking_export", args=[period.pk])
    populate(world, period, 3)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as few_export:
        b"".join(client.get(export).streaming_content)
    for i in range(12):
        task_row(UserFactory(unit=world.division, full_name=f"Thêm {i}"), deadline=at(4, 1))
    scoring.compute_period(period, now=AFTER_THE_YEAR)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as many_export:
        b"".join(client.get(export).streaming_content)
    assert len(many) == len(few) <= 14
    assert len(many_export) == len(few_export) <= 10


def test_the_ranking_export_opens_back_and_keeps_formulas_as_text(client, world, period, secretary):
    populate(world, period, 2)
    client.force_login(secretary)
    # The ranking page's own export link, with the page's sort.
    page = client.get(reverse("emulation:period", args=[period.pk]), {"sort": "name"}).content.decode()
    link = html.unescape(re.search(r'href="([^"]*/ranking\.xlsx[^"]*)"', page).group(1))
    assert link == reverse("emulation:ranking_export", args=[period.pk]) + "?sort=name"
    response = client.get(link)
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = book.active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[2][:4] == ("STT", "Họ và tên", "Chức vụ", "Đơn vị")
    names = [row[1] for row in rows[3:]]
    assert "Người 01" in names and '=HYPERLINK("x") Người 00' in names
    formula_cell = next(c for c in sheet["B"] if c.value == '=HYPERLINK("x") Người 00')
    assert formula_cell.data_type == "s"


def workbook_bytes(rows):
    book = Workbook()
    sheet = book.active
    sheet.title = "Diem"
    sheet.append(["Mã đơn vị", "Tên đơn vị", "Mã tiêu chí", "Điểm", "Minh chứng"])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.name = "diem.xlsx"
    return out


def test_manual_points_import_reports_row_and_column_and_writes_nothing_on_error(client, world, period, secretary):
    client.force_login(secretary)
    url = reverse("emulation:manual_import", args=[period.pk])
    template = load_workbook(io.BytesIO(client.get(url).content))
    assert template["Diem"]["A1"].value == "Mã đơn vị" and template["Diem"].max_row > 1
    bad = workbook_bytes([["D1A", "", "6", 8, "Quyết định 10/QĐ"], ["D1A", "", "7", 99, "Kế hoạch"],
                          ["ZZZ", "", "6", 5, "x"], ["D1A", "", "1", 5, ""]])
    response = client.post(url, {"file": bad})
    content = response.content.decode()
    assert response.status_code == 200 and "data-testid=\"import-errors\"" in content
    assert "D (Điểm)" in content and ManualScore.objects.count() == 0
    good = workbook_bytes([["D1A", "", "6", 8, "Quyết định 10/QĐ"], ["D1A", "", "7", "9,5", "Kế hoạch 3"]])
    assert client.post(url, {"file": good}).status_code == 302
    assert sorted(ManualScore.objects.values_list("points", flat=True)) == [8, 9.5]


def test_recompute_runs_from_the_page_with_progress(client, world, period, secretary):
    populate(world, period, 2)
    client.force_login(secretary)
    response = client.post(reverse("emulation:recompute", args=[period.pk]), HTTP_HX_REQUEST="true")
    assert "recompute-progress" in response.content.decode()
    assert jobs.run_requested_recomputes() == 1
    run = period.recompute_runs.get()
    assert run.status == "done" and run.done == run.total and run.total >= 2
    response = client.get(reverse("emulation:recompute_progress", args=[period.pk, run.pk]))
    assert response["HX-Trigger"] == "recomputed"


def test_the_council_reads_the_tasks_of_its_scope_as_evidence_and_no_others(client, world):
    inside = task_row(world.staff_division, deadline=at(3, 1))
    draft = task_row(world.staff_division, deadline=at(3, 2), status="draft")
    outside = task_row(world.member_sibling, deadline=at(3, 1))
    client.force_login(world.council)  # council member at the department
    assert client.get(reverse("tasks:detail", args=[inside.pk])).status_code == 200
    assert client.get(reverse("tasks:detail", args=[draft.pk])).status_code == 404
    assert client.get(reverse("tasks:detail", args=[outside.pk])).status_code == 404
    open_task = task_row(world.staff_division, deadline=at(3, 3), status="in_progress")
    assert client.get(reverse("tasks:detail", args=[open_task.pk])).status_code == 200
    client.post(reverse("tasks:cancel", args=[open_task.pk]), {"reason": "x"})
    open_task.refresh_from_db()
    assert open_task.status == "in_progress"  # read only: the council cannot act on the task


def test_nominations_and_awards_are_listed_within_the_readers_scope(client, world, period, secretary):
    from tests.factories import RoleFactory, UnitFactory

    other = UnitFactory(parent=world.dept, code="D1C", name="Phòng Công chức")
    head_division = RoleFactory(unit=world.division, role="head").user
    people = populate(world, period, 1) + [UserFactory(unit=other, full_name="Ở phòng khác")]
    task_row(people[1], deadline=at(3, 1))
    scoring.compute_period(period, now=AFTER_THE_YEAR)
    for person in people:
        services.rating_set_general(actor=world.head_dept, rating=Rating.objects.get(period=period, person=person),
                                    points=15, note="Đạt")
    scoring.compute_period(period, now=AFTER_THE_YEAR)
    period = to_voting(period, secretary)
    nominations = [services.nomination_create(actor=world.head_dept, period=period, title=Title.LDTT, person=person)
                   for person in people]
    client.force_login(head_division)
    page = client.get(reverse("emulation:nominations", args=[period.pk])).content.decode()
    assert "Người 00" in page and "Ở phòng khác" not in page
    client.force_login(secretary)
    page = client.get(reverse("emulation:nominations", args=[period.pk])).content.decode()
    assert "Người 00" in page and "Ở phòng khác" in page
    council = members(3, world.dept)
    session = open_session(secretary, period, council)
    for member in council:
        services.ballot_cast(actor=member, session=session, choices={n.pk: "yes" for n in nominations})
    services.session_close(actor=secretary, session=session, decision_number="09/QĐ", decision_date=at(12, 22).date())
    client.force_login(head_division)
    page = client.get(reverse("emulation:awards", args=[period.pk])).content.decode()
    assert "Người 00" in page and "Ở phòng khác" not in page


def test_the_period_list_reads_its_units_in_a_fixed_number_of_queries(client, world):
    from tests.factories import UnitFactory

    client.force_login(world.admin_a)
    url = reverse("emulation:periods")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for i in range(6):
        UnitFactory(parent=world.dept, code=f"X{i}", name=f"Phòng thêm {i}")
    with CaptureQueriesContext(connection) as many:
        content = client.get(url).content.decode()
    assert "Phòng thêm 5" in content and len(many) == len(few)
