"""Bad input answers a clear 400, or a message on the page, in Vietnamese and naming the field,
row or column; never a 500, and nothing is written. Each case here was a server error:
JSON nested a thousand levels deep, a deadline at the end of year 9999, a year with twenty digits,
a workbook whose sheet is cut short or names a shared string that is not there, and NaN points."""

import io
import json
import re
import zipfile

from datetime import timedelta

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from accounts.excel import UNIT_SHEET, import_units_and_people, template_workbook_bytes
from accounts.models import Unit, User
from emulation.excel import import_manual_scores, manual_template
from emulation.models import ManualScore
from inspections.excel import check_sheet_template, import_findings
from inspections.models import Finding
from tasks.excel import TASK_COLUMNS, TASK_SHEET, import_tasks, task_template_bytes
from tasks.history import SHEET as HISTORY_SHEET
from tasks.history import TEMPLATE_COLUMNS as HISTORY_COLUMNS
from tasks.history import history_template_bytes, import_task_history
from tasks.models import Task
from tests.emulation.conftest import period, secretary  # noqa: F401 (shared fixtures)
from tests.inspections.conftest import inspectorate, make_inspection  # noqa: F401 (shared fixtures)

pytestmark = pytest.mark.django_db


def nested(depth: int) -> str:
    return '{"title": ' * depth + '"x"' + "}" * depth


@pytest.mark.parametrize("path", ["/api/v1/tasks/", "/api/v1/inspections/", "/api/v1/decisions/"])
def test_json_nested_a_thousand_levels_deep_is_a_400(client, world, path):
    client.force_login(world.head_dept)
    before = Task.objects.count()
    answer = client.post(path, nested(1000), content_type="application/json")
    assert answer.status_code == 400, answer.content
    assert "lồng nhau" in answer.json()["detail"]
    assert Task.objects.count() == before


def test_an_action_endpoint_bounds_the_json_depth_too(client, world):
    client.force_login(world.head_dept)
    answer = client.post("/api/v1/tasks/1/accept/", nested(1000), content_type="application/json")
    assert answer.status_code in (400, 404), answer.content  # 404 when the task is not visible, never a 500
    answer = client.post("/api/v1/tasks/", json.dumps({"title": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}),
                         content_type="application/json")
    assert answer.status_code == 400 and "lồng nhau" in answer.json()["detail"]


@pytest.mark.parametrize("value", ["9999-12-31", "0001-01-01", "10000-01-01"])
def test_a_far_deadline_filter_is_a_400_on_the_task_api(client, world, value):
    client.force_login(world.head_dept)
    for name in ("deadline_to", "deadline_from"):
        answer = client.get("/api/v1/tasks/", {name: value})
        assert answer.status_code == 400, answer.content
        assert name in answer.json()
        if value != "10000-01-01":  # not a date at all; the others are dates outside the range
            assert answer.json()[name] == ["Nhập ngày trong khoảng từ năm 1900 đến năm 2100."]


def test_a_far_deadline_filter_is_a_message_on_the_task_page_and_a_400_on_its_export(client, world):
    client.force_login(world.head_dept)
    page = client.get(reverse("tasks:list"), {"deadline_to": "9999-12-31"})
    assert page.status_code == 200
    assert 'data-testid="filter-errors"' in page.content.decode() and "1900" in page.content.decode() and "đến năm 2100" in page.content.decode()
    export = client.get(reverse("tasks:export"), {"deadline_to": "9999-12-31"})
    assert export.status_code == 400 and "1900" in export.content.decode()


@pytest.mark.parametrize("query", [{"year": "99999999999999999999"}, {"year": "-5"}, {"unit": "99999999999999999999"}])
def test_a_huge_year_or_id_is_a_400_on_the_decision_register(client, world, query):
    client.force_login(world.inspector)
    answer = client.get("/api/v1/decisions/", query)
    assert answer.status_code == 400, answer.content
    (name,) = query
    assert name in answer.json()


def test_the_list_apis_bound_every_integer_and_date_filter(client, world):
    client.force_login(world.inspector)
    for path, name, value in [("/api/v1/inspections/", "year", "99999999999999999999"),
                              ("/api/v1/findings/", "violation_type", "99999999999999999999"),
                              ("/api/v1/findings/", "inspection", "99999999999999999999"),
                              ("/api/v1/findings/", "date_to", "9999-12-31"),
                              ("/api/v1/tasks/", "unit", "-99999999999999999999")]:
        answer = client.get(path, {name: value})
        assert answer.status_code == 400 and name in answer.json(), (path, answer.content)


# --- malformed workbooks on every importer -------------------------------------------------------

def with_sheets(data: bytes, edit) -> bytes:
    """The same workbook with every worksheet part rewritten by `edit(xml) -> xml`."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", item.filename):
                content = edit(content.decode()).encode()
            target.writestr(item, content)
    return out.getvalue()


def filled(template: bytes, sheet: str, rows: list[list]) -> bytes:
    """The template with rows written under its headers, as a user fills it in."""
    book = openpyxl.load_workbook(io.BytesIO(template))
    for row in rows:
        book[sheet].append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def truncated(xml: str) -> str:
    # cut inside the second row (the first written under the headers)
    return xml[: xml.index('<row r="2"') + 25] if '<row r="2"' in xml else xml


def missing_shared_string(xml: str) -> str:
    # the first text cell of row 2 now names shared string 999 of a table that has none
    return re.sub(r'<c r="([A-Z]+2)"((?: s="\d+")?) t="inlineStr"><is><t>[^<]*</t></is></c>',
                  r'<c r="\1"\2 t="s"><v>999</v></c>', xml, count=1)


@pytest.fixture
def importers(world, make_inspection, period, secretary, inspectorate):
    """Each importer: its downloadable template, the template filled in with a good row, how to
    run it, and what it writes."""
    inspection = make_inspection()
    when = (timezone.localtime() + timedelta(days=30)).strftime("%d/%m/%Y %H:%M")
    criterion = period.criteria.filter(kind="manual").order_by("code").first()
    rows = {
        "units and people": (UNIT_SHEET, [["XA9", "UBND xã Mới", "Xã/phường", world.province.code, "có"]]),
        "tasks": (TASK_SHEET, [[{"title": "Rà soát thủ tục", "content": "Rà soát",
                                 "lead_code": world.staff_division.employee_code, "deadline": when}.get(c.key, "")
                                for c in TASK_COLUMNS]]),
        "task register": (HISTORY_SHEET, [[{"code": "SO-1", "title": "Rà soát thủ tục",
                                            "lead_code": world.staff_division.employee_code, "assigned_at": "03/01/2017",
                                            "deadline": "31/03/2017", "state": "Hoàn thành",
                                            "completed_at": "30/03/2017"}.get(c.key, "")
                                           for c in HISTORY_COLUMNS]]),
        "check sheet": ("Vi phạm", [[world.staff_division.employee_code, "", "Đi làm muộn", "01/03/2026 08:15", "",
                                     "Đến lúc 8 giờ 15", ""]]),
        "manual scores": ("Diem", [[world.division.code, "", criterion.code, 5, "Quyết định 10/QĐ"]]),
    }
    made = {
        "units and people": (template_workbook_bytes(),
                             lambda data: import_units_and_people(data, organisation=world.province.organisation,
                                                                  acting_user=world.admin_a),
                             lambda: (Unit.objects.count(), User.objects.count())),
        "tasks": (task_template_bytes(),
                  lambda data: import_tasks(data, actor=world.head_dept, assigning_unit=world.dept),
                  Task.objects.count),
        "task register": (history_template_bytes(),
                          lambda data: import_task_history(data, actor=world.head_dept, assigning_unit=world.dept),
                          Task.objects.count),
        "check sheet": (check_sheet_template(inspection),
                        lambda data: import_findings(data, actor=inspectorate.leader, inspection=inspection),
                        Finding.objects.count),
        "manual scores": (manual_template(period),
                          lambda data: import_manual_scores(data, actor=secretary, period=period),
                          ManualScore.objects.count),
    }
    return {name: (template, filled(template, *rows[name]), run, count) for name, (template, run, count) in made.items()}


@pytest.mark.parametrize("importer", ["units and people", "tasks", "task register", "check sheet", "manual scores"])
@pytest.mark.parametrize("damage", [truncated, missing_shared_string])
def test_a_damaged_sheet_is_a_file_error_on_every_import(importers, importer, damage):
    _template, good, run, count = importers[importer]
    damaged = with_sheets(good, damage)
    assert damaged != good
    before = count()
    result = run(damaged)
    assert not result.ok and count() == before
    assert any("hỏng" in str(error) for error in result.errors), [str(e) for e in result.errors]


def workbook_bytes(rows) -> io.BytesIO:
    book = Workbook()
    book.active.title = "Diem"
    for row in [["Mã đơn vị", "Tên đơn vị", "Mã tiêu chí", "Điểm", "Minh chứng"], *rows]:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


@pytest.mark.parametrize("points", ["NaN", "nan", "inf", "-Infinity", "sNaN"])
def test_nan_or_infinite_points_are_a_row_error_in_the_manual_score_import(world, period, secretary, points):
    criterion = period.criteria.filter(kind="manual").order_by("code").first()
    result = import_manual_scores(workbook_bytes([["D1A", "", criterion.code, points, "Quyết định 10/QĐ"]]),
                                  actor=secretary, period=period)
    assert not result.ok and ManualScore.objects.count() == 0
    assert [(e.row, e.column) for e in result.errors] == [(2, "D (Điểm)")], [str(e) for e in result.errors]


def test_an_infinite_number_cell_is_a_row_error_naming_the_cell(world, period, secretary):
    criterion = period.criteria.filter(kind="manual").order_by("code").first()
    upload = workbook_bytes([["D1A", "", criterion.code, 5, "Quyết định 10/QĐ"]]).getvalue()
    upload = with_sheets(upload, lambda xml: re.sub(r'<c r="D2"( t="n")?><v>5</v></c>', '<c r="D2"><v>1E999</v></c>', xml))
    assert b"1E999" in zipfile.ZipFile(io.BytesIO(upload)).read("xl/worksheets/sheet1.xml")
    result = import_manual_scores(upload, actor=secretary, period=period)
    assert not result.ok and ManualScore.objects.count() == 0
    assert [(e.row, e.column) for e in result.errors] == [(2, "D (Điểm)")], [str(e) for e in result.errors]


def test_a_search_with_a_nul_character_finds_nothing_instead_of_failing(client, world):
    # PostgreSQL refuses NUL in text: the search of the unit and people lists was a 500 there
    from core.text import fold
    assert fold("Nguyễn\x00Văn\tA\x7f") == "nguyen van a"
    client.force_login(world.head_dept)
    for path in ("/api/v1/units/", "/api/v1/people/", reverse("accounts:unit_list"), reverse("accounts:person_list")):
        answer = client.get(path, {"q": "Sở\x00"})
        assert answer.status_code == 200, (path, answer.status_code)
