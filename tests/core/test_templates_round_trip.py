"""Every template the product hands out comes back in.

Each template is downloaded through its page by the person who uses it, then uploaded through the
same page's import form: untouched, it says there is nothing to import and writes nothing; filled in
as its guide sheet says — under the headers exactly as downloaded, required marks and all — its rows
are imported. The shared reader matches headers by meaning (case, spacing, diacritics, the "*" mark)
and names a column it does not know instead of ignoring it."""

import io
import re
from datetime import timedelta

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.excel import PEOPLE_COLUMNS, PEOPLE_SHEET, UNIT_COLUMNS, UNIT_SHEET, import_units_and_people
from accounts.models import Unit, User
from core.xlsx_import import Column, header_key, read_upload
from emulation.excel import COLUMNS as MANUAL_COLUMNS
from emulation.excel import SHEET as MANUAL_SHEET
from emulation.models import ManualScore
from inspections.excel import COLUMNS as CHECK_COLUMNS
from inspections.excel import SHEET as CHECK_SHEET
from inspections.models import Finding
from reform.excel import SELF_COLUMNS, SURVEY_COLUMNS
from tasks.excel import TASK_COLUMNS, TASK_SHEET
from tasks.history import SHEET as HISTORY_SHEET
from tasks.history import TEMPLATE_COLUMNS as HISTORY_COLUMNS
from tasks.models import Task, TaskStatus
from tests.emulation.conftest import period, secretary  # noqa: F401 (shared fixtures)
from tests.inspections.conftest import inspectorate, make_inspection  # noqa: F401 (shared fixtures)

pytestmark = pytest.mark.django_db

GUIDE = "Hướng dẫn"
NO_ROWS = "Trang tính không có dòng nào."


def download(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    name = re.search(r'filename="([^"]+)"', response["Content-Disposition"]).group(1)
    return name, response.content


def headers_of(sheet) -> list[str]:
    return [cell.value for cell in sheet[1] if cell.value is not None]


def bare(header: str) -> str:
    """The header without its required mark, as the tests below name the columns."""
    return header.removesuffix(" *")


def fill(content: bytes, sheet_name: str, rows: list[dict]) -> bytes:
    """The downloaded workbook with `rows` written below the downloaded headers (every header must
    be one the caller knows: a template column nobody can fill is a finding of its own)."""
    book = openpyxl.load_workbook(io.BytesIO(content))
    sheet = book[sheet_name]
    headers = headers_of(sheet)
    for values in rows:
        assert set(values) <= {bare(h) for h in headers}, (set(values), headers)
        sheet.append([values.get(bare(h), None) for h in headers])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def page_text(response) -> str:
    return response.content.decode()


def assert_guided(content: bytes, sheets: dict[str, list[Column]], *, marked=True):
    """The template has a guide; its data sheets hold the headers only (no example row to be
    imported by mistake), each required header marked (`marked`); the guide names every required column and
    shows an example under the same headers."""
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert GUIDE in book.sheetnames, book.sheetnames
    guide_rows = [[c for c in row if c is not None] for row in book[GUIDE].iter_rows(values_only=True)]
    guide_text = "\n".join(" ".join(str(c) for c in row) for row in guide_rows)
    assert "dd/mm/yyyy" in guide_text and "Ví dụ" in guide_text
    for name, columns in sheets.items():
        sheet = book[name]
        headers = headers_of(sheet)
        assert [bare(h) for h in headers] == [c.header for c in columns]
        assert [h.endswith(" *") for h in headers] == [c.required and marked for c in columns]
        if marked:
            assert sheet.max_row == 1, f"{name} holds rows an untouched template would import"
        assert headers in guide_rows, f"no example under the headers of {name}"
        for column in columns:
            if column.required:
                assert any(column.header in row and "có" in row for row in guide_rows), column.header


# -- units and people -----------------------------------------------------------------------------


def test_the_units_and_people_template_comes_back_in(client, world):
    client.force_login(world.admin_a)
    name, content = download(client, reverse("accounts:import_template"))
    assert_guided(content, {UNIT_SHEET: UNIT_COLUMNS, PEOPLE_SHEET: PEOPLE_COLUMNS})
    url, organisation = reverse("accounts:import"), world.province.organisation.pk
    before = (Unit.objects.count(), User.objects.count())

    untouched = client.post(url, {"organisation": organisation, "file": upload(name, content)})
    assert untouched.status_code == 200
    assert NO_ROWS in page_text(untouched) and "Thiếu cột" not in page_text(untouched)
    assert (Unit.objects.count(), User.objects.count()) == before

    filled = fill(content, UNIT_SHEET, [
        {"Mã đơn vị": "XA9", "Tên đơn vị": "UBND xã Ea Tu", "Loại đơn vị": "Xã/phường", "Mã đơn vị cấp trên": "P",
         "Đang hoạt động": "có"},
        {"Mã đơn vị": "XA9-VP", "Tên đơn vị": "Văn phòng xã", "Mã đơn vị cấp trên": "XA9"},
    ])
    filled = fill(filled, PEOPLE_SHEET, [
        {"Mã cán bộ": "NV901", "Họ và tên": "Y Blang Niê", "Mã đơn vị": "XA9-VP", "Chức vụ": "Công chức văn phòng",
         "Nhóm": "CC", "Lãnh đạo, quản lý": "không", "Đảng viên": "có", "Ngày bắt đầu công tác": "01/08/2015",
         "Email": "blang@example.gov.vn", "Điện thoại": "0912345678", "Tên đăng nhập": "blang.y"},
    ])
    response = client.post(url, {"organisation": organisation, "file": upload(name, filled)})
    assert 'data-testid="import-result"' in page_text(response), page_text(response)[-3000:]
    office = Unit.objects.get(code="XA9-VP")
    assert Unit.objects.get_parent(office).code == "XA9" and Unit.objects.get_parent(Unit.objects.get(code="XA9")) == world.province
    person = User.objects.get(employee_code="NV901")
    assert (person.unit, person.username, person.is_party_member, person.service_start_date.isoformat()) == (
        office, "blang.y", True, "2015-08-01")


# -- task list ------------------------------------------------------------------------------------


def test_the_task_list_template_comes_back_in(client, world):
    client.force_login(world.head_dept)
    name, content = download(client, reverse("tasks:import_template"))
    assert_guided(content, {TASK_SHEET: TASK_COLUMNS})
    url = reverse("tasks:import")

    untouched = client.post(url, {"assigning_unit": world.dept.pk, "file": upload(name, content)})
    assert NO_ROWS in page_text(untouched) and "Thiếu cột" not in page_text(untouched)
    assert not Task.objects.exists()

    deadline = (timezone.localtime() + timedelta(days=20)).strftime("%d/%m/%Y %H:%M")
    task = {
        "Tên nhiệm vụ": "Rà soát thủ tục hành chính", "Nội dung": "Rà soát toàn bộ thủ tục thuộc thẩm quyền của Sở",
        "Mã người chủ trì": world.staff_division.employee_code, "Hạn xử lý": deadline,
        "Số văn bản giao": "45/KH-UBND", "Ngày văn bản": "01/11/2026", "Cơ quan ban hành": "UBND tỉnh",
        "Quy trình": "Thống kê; đánh giá; đề xuất", "Chế độ báo cáo": "Hằng tuần", "Trách nhiệm": "Danh mục đầy đủ",
        "Loại sản phẩm": "Báo cáo", "Mô tả sản phẩm": "Báo cáo rà soát", "Kết quả dự kiến": "100% thủ tục được rà soát",
        "Tiêu chí nghiệm thu": "Lãnh đạo Sở thông qua", "Thẩm quyền giao": "Giám đốc Sở",
        "Chủ trì được quyết định": "Phân công trong phòng", "Mã người phối hợp": world.colleague_division.employee_code,
        "Phần việc phối hợp": "Cung cấp số liệu", "Giao ngay": "có",
    }
    draft = {"Tên nhiệm vụ": "Bản nháp kế hoạch", "Nội dung": "Soạn kế hoạch", "Hạn xử lý": deadline,
             "Mã người chủ trì": world.staff_division.employee_code, "Giao ngay": "không"}
    response = client.post(url, {"assigning_unit": world.dept.pk, "file": upload(name, fill(content, TASK_SHEET, [task, draft]))})
    assert 'data-testid="import-errors"' not in page_text(response), page_text(response)[-3000:]
    assigned = Task.objects.get(status=TaskStatus.ASSIGNED)
    assert (assigned.title, assigned.lead, assigned.source_number) == (
        "Rà soát thủ tục hành chính", world.staff_division, "45/KH-UBND")
    assert assigned.participants.get().user == world.colleague_division
    assert Task.objects.get(status=TaskStatus.DRAFT).title == "Bản nháp kế hoạch"


# -- task register with its history ----------------------------------------------------------------


def test_the_task_register_history_template_comes_back_in(client, world):
    client.force_login(world.head_dept)
    name, content = download(client, reverse("tasks:history_import_template"))
    assert_guided(content, {HISTORY_SHEET: HISTORY_COLUMNS})
    url = reverse("tasks:history_import")

    untouched = client.post(url, {"assigning_unit": world.dept.pk, "file": upload(name, content)})
    assert NO_ROWS in page_text(untouched) and "Thiếu cột" not in page_text(untouched)
    assert not Task.objects.exists()

    done = {"Mã nhiệm vụ": "NV2017-0001", "Tên nhiệm vụ": "Rà soát thủ tục hành chính",
            "Nội dung": "Rà soát thủ tục thuộc thẩm quyền", "Văn bản giao": "45/KH-UBND", "Ngày văn bản": "02/01/2017",
            "Cơ quan ban hành": "UBND tỉnh", "Đơn vị chủ trì": world.division.code,
            "Mã người chủ trì": world.staff_division.employee_code, "Đơn vị, người phối hợp": world.colleague_division.full_name,
            "Ngày giao": "03/01/2017", "Hạn xử lý": "31/03/2017 17:00", "Hạn ban đầu": "28/02/2017 17:00",
            "Trạng thái": "Hoàn thành", "Ngày nộp kết quả": "30/03/2017 10:00", "Ngày hoàn thành": "05/04/2017",
            "Chất lượng": "Tốt", "Quy trình": "Thống kê; đánh giá", "Chế độ báo cáo": "Hằng tháng",
            "Trách nhiệm": "Chịu trách nhiệm về danh mục", "Loại sản phẩm": "Báo cáo",
            "Mô tả sản phẩm": "Báo cáo rà soát", "Kết quả dự kiến": "100% thủ tục được rà soát",
            "Tiêu chí nghiệm thu": "Lãnh đạo thông qua", "Thẩm quyền giao": "Giám đốc Sở",
            "Chủ trì được quyết định": "Phân công trong phòng"}
    open_task = {"Mã nhiệm vụ": "NV2017-0002", "Tên nhiệm vụ": "Báo cáo công tác cải cách hành chính",
                 "Người chủ trì": world.staff_division.full_name, "Ngày giao": "10/02/2017", "Hạn xử lý": "30/06/2017",
                 "Tiến độ (%)": "60", "Trạng thái": "Đang thực hiện"}
    cancelled = {"Mã nhiệm vụ": "NV2017-0003", "Tên nhiệm vụ": "Khảo sát mức độ hài lòng",
                 "Mã người chủ trì": world.colleague_division.employee_code, "Ngày giao": "01/03/2017",
                 "Hạn xử lý": "30/04/2017", "Trạng thái": "Đã hủy", "Lý do trả lại, hủy": "Gộp vào khảo sát chung"}
    filled = fill(content, HISTORY_SHEET, [done, open_task, cancelled])
    response = client.post(url, {"assigning_unit": world.dept.pk, "file": upload(name, filled)})
    assert 'data-testid="history-import-result"' in page_text(response), page_text(response)[-3000:]
    first = Task.objects.get(code="NV2017-0001")
    assert (first.status, first.extended, first.quality, first.lead_unit, first.participants.get().user) == (
        TaskStatus.COMPLETED, True, "good", world.division, world.colleague_division)
    assert Task.objects.get(code="NV2017-0002").progress_percent == 60
    assert Task.objects.get(code="NV2017-0003").events.get().data["reason"] == "Gộp vào khảo sát chung"


# -- inspection check sheet -----------------------------------------------------------------------


def test_the_check_sheet_template_comes_back_in(client, world, inspectorate, make_inspection):
    inspection = make_inspection()
    client.force_login(inspectorate.leader)
    name, content = download(client, reverse("inspections:finding_import_template", args=[inspection.pk]))
    assert_guided(content, {CHECK_SHEET: CHECK_COLUMNS})
    url = reverse("inspections:finding_import", args=[inspection.pk])

    untouched = client.post(url, {"file": upload(name, content)})
    assert NO_ROWS in page_text(untouched) and "Thiếu cột" not in page_text(untouched)
    assert not Finding.objects.exists()

    when = (timezone.localtime() - timedelta(days=1)).strftime("%d/%m/%Y 08:15")
    rows = [
        {"Mã cán bộ": world.staff_division.employee_code, "Hành vi vi phạm": "Đi làm muộn", "Thời gian": when,
         "Địa điểm": "Bộ phận một cửa", "Mô tả": "Đến cơ quan lúc 8 giờ 15"},
        {"Mã đơn vị": world.division.code, "Hành vi vi phạm": "DI_MUON", "Thời gian": when,
         "Mô tả": "Phòng mở cửa muộn", "Mức độ": "nghiêm trọng"},
    ]
    response = client.post(url, {"file": upload(name, fill(content, CHECK_SHEET, rows))})
    assert response.status_code == 302, page_text(response)[-3000:]
    findings = Finding.objects.filter(inspection=inspection)
    assert sorted(findings.values_list("description", flat=True)) == ["Phòng mở cửa muộn", "Đến cơ quan lúc 8 giờ 15"]
    assert findings.get(subject_person=world.staff_division).location == "Bộ phận một cửa"


# -- emulation manual points ----------------------------------------------------------------------


def test_the_manual_points_template_comes_back_in(client, world, period, secretary):
    client.force_login(secretary)
    url = reverse("emulation:manual_import", args=[period.pk])
    name, content = download(client, url)
    # Its headers stay unmarked (the product writes every row; the guide names the required columns).
    assert_guided(content, {MANUAL_SHEET: MANUAL_COLUMNS}, marked=False)
    prefilled = list(openpyxl.load_workbook(io.BytesIO(content))[MANUAL_SHEET].iter_rows(min_row=2, values_only=True))
    assert ("D1A", "Phòng Tổ chức", "6", None, None) in prefilled  # one row per unit and manual criterion

    untouched = client.post(url, {"file": upload(name, content)})
    assert untouched.status_code == 200
    assert "Không có điểm nào để nhập" in page_text(untouched) and "Thiếu cột" not in page_text(untouched)
    assert not ManualScore.objects.exists()

    # Filled as the guide says: points and evidence on the rows to score; the rest stay empty.
    book = openpyxl.load_workbook(io.BytesIO(content))
    sheet = book[MANUAL_SHEET]
    headers = [bare(h) for h in headers_of(sheet)]
    for row in sheet.iter_rows(min_row=2):
        unit, criterion = row[headers.index("Mã đơn vị")].value, row[headers.index("Mã tiêu chí")].value
        if (unit, criterion) in {("D1A", "6"), ("D1A1", "7")}:
            row[headers.index("Điểm")].value = 8 if criterion == "6" else "9,5"
            row[headers.index("Minh chứng")].value = f"Quyết định 10/QĐ ({unit})"
    out = io.BytesIO()
    book.save(out)
    response = client.post(url, {"file": upload(name, out.getvalue())})
    assert response.status_code == 302, page_text(response)[-3000:]
    assert sorted(ManualScore.objects.values_list("unit__code", "criterion__code", "points")) == [
        ("D1A", "6", 8), ("D1A1", "7", 9.5)]


def test_a_manual_points_row_with_evidence_but_no_points_is_an_error(world, period, secretary):
    from emulation.excel import import_manual_scores, manual_template
    book = openpyxl.load_workbook(io.BytesIO(manual_template(period)))
    book[MANUAL_SHEET]["E2"] = "Quyết định 10/QĐ"
    out = io.BytesIO()
    book.save(out)
    result = import_manual_scores(out.getvalue(), actor=secretary, period=period)
    assert [(e.row, e.column) for e in result.errors] == [(2, "D (Điểm)")], [str(e) for e in result.errors]
    assert not ManualScore.objects.exists()


# -- the shared reader ----------------------------------------------------------------------------

COLUMNS = [Column("code", "Mã đơn vị", required=True), Column("name", "Tên đơn vị", required=True),
           Column("parent", "Mã đơn vị cấp trên"), Column("leader", "Lãnh đạo, quản lý")]


def sheet_bytes(header, *rows, title="Dữ liệu") -> bytes:
    book = openpyxl.Workbook()
    book.active.title = title
    book.active.append(header)
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize("header", [
    ["Mã đơn vị *", "Tên đơn vị *", "Mã đơn vị cấp trên", "Lãnh đạo, quản lý"],  # as the templates write them
    ["MÃ ĐƠN VỊ", "tên đơn vị", "Mã  đơn\nvị cấp trên", "Lãnh đạo,quản lý"],  # case, runs of spaces, a line break
    ["Ma don vi", "Ten don vi", "Ma don vi cap tren", "Lanh dao, quan ly"],  # no diacritics
    ["\u00a0Mã\u00a0đơn vị (*)", " Tên đơn vị (bắt buộc) ", "Mã đơn vị cấp trên:", "* Lãnh đạo - quản lý"],
])
def test_headers_are_matched_by_meaning(header):
    errors = []
    rows = read_upload(sheet_bytes(header, ["X1", "Xã Một", "P", "có"]), "Dữ liệu", COLUMNS, errors)
    assert errors == []
    assert rows == [(2, {"code": "X1", "name": "Xã Một", "parent": "P", "leader": "có"})]


def test_headers_in_another_order_with_optional_ones_left_out_are_read():
    errors = []
    rows = read_upload(sheet_bytes(["Tên đơn vị *", None, "Mã đơn vị *"], ["Xã Một", None, "X1"]), "Dữ liệu", COLUMNS,
                       errors)
    assert errors == [] and rows == [(2, {"name": "Xã Một", "code": "X1"})]


def test_an_unknown_header_is_named_with_its_column_and_the_expected_headers():
    errors = []
    read_upload(sheet_bytes(["Mã đơn vị *", "Tên đơn vị *", "Ghi chú", "Mã đơn vi cấp trên", "Mã cấp trên"],
                            ["X1", "Xã Một", "x", "P", "P"]), "Dữ liệu", COLUMNS, errors)
    assert [(e.sheet, e.row, e.column) for e in errors] == [("Dữ liệu", 1, "C (Ghi chú)"), ("Dữ liệu", 1, "E (Mã cấp trên)")]
    message = errors[0].message
    assert "“Ghi chú”" in message and "“Mã đơn vị”, “Tên đơn vị”, “Mã đơn vị cấp trên”, “Lãnh đạo, quản lý”" in message


def test_a_header_given_twice_is_named():
    errors = []
    read_upload(sheet_bytes(["Mã đơn vị *", "Tên đơn vị *", "Ma don vi"], ["X1", "Xã Một", "X2"]), "Dữ liệu",
                COLUMNS, errors)
    assert [(e.row, e.column) for e in errors] == [(1, "C (Ma don vi)")]
    assert "A" in errors[0].message


def test_a_missing_required_header_is_still_named():
    errors = []
    assert read_upload(sheet_bytes(["Tên đơn vị *"], ["Xã Một"]), "Dữ liệu", COLUMNS, errors) == []
    assert [e.message for e in errors] == ["Thiếu cột “Mã đơn vị”."]


def test_an_unknown_column_blocks_the_import_and_writes_nothing(world):
    book = openpyxl.Workbook()
    book.active.title = UNIT_SHEET
    book.active.append([*[c.header for c in UNIT_COLUMNS], "Số điện thoại đơn vị"])
    book.active.append(["XA9", "UBND xã Ea Tu", "", "P", "có", "0262 3850 000"])
    out = io.BytesIO()
    book.save(out)
    before = Unit.objects.count()
    result = import_units_and_people(out.getvalue(), organisation=world.province.organisation)
    assert [(e.sheet, e.row, e.column) for e in result.errors] == [(UNIT_SHEET, 1, "F (Số điện thoại đơn vị)")]
    assert Unit.objects.count() == before


def test_every_importer_can_tell_its_headers_apart():
    for columns in (UNIT_COLUMNS, PEOPLE_COLUMNS, TASK_COLUMNS, CHECK_COLUMNS, MANUAL_COLUMNS, SELF_COLUMNS,
                    SURVEY_COLUMNS):
        keys = [header_key(c.header) for c in columns]
        assert len(set(keys)) == len(keys) and all(keys), keys
