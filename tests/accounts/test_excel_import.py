"""Excel import of units and people: good file, bad rows, re-import, hostile files."""

import io
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.excel import PEOPLE_COLUMNS, PEOPLE_SHEET, UNIT_COLUMNS, UNIT_SHEET, import_units_and_people
from accounts.models import Unit, User

pytestmark = pytest.mark.django_db


def workbook_bytes(units=(), people=(), unit_headers=None, people_headers=None) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = UNIT_SHEET
    sheet.append(unit_headers or [c.header for c in UNIT_COLUMNS])
    for row in units:
        sheet.append(list(row))
    sheet = book.create_sheet(PEOPLE_SHEET)
    sheet.append(people_headers or [c.header for c in PEOPLE_COLUMNS])
    for row in people:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


GOOD_UNITS = [
    # child before parent on purpose: the import orders them
    ("P-KT", "Phòng Kinh tế", "Phòng", "XA1", "có"),
    ("XA1", "UBND xã Hòa Phú", "Xã/phường", "P", "có"),
    ("P-VP", "Văn phòng HĐND và UBND", "Văn phòng", "XA1", ""),
]
GOOD_PEOPLE = [
    ("NV001", "Nguyễn Văn Bình", "P-KT", "Công chức", "CC", "không", "có", "01/08/2015", "binh@example.gov.vn", "0912", ""),
    ("NV002", "Lê Thị Hoa", "XA1", "Chủ tịch UBND xã", "CB", "có", "có", "2010-03-15", "", "", "hoa.lt"),
    ("NV003", "Y Niê", "P-VP", "Viên chức", "viên chức", "", "", None, "", "", ""),
]


def test_good_file_creates_units_and_people(world):
    result = import_units_and_people(workbook_bytes(GOOD_UNITS, GOOD_PEOPLE), organisation=world.province.organisation)
    assert result.ok, result.errors
    assert (result.units_created, result.people_created) == (3, 3)
    commune = Unit.objects.get(code="XA1")
    assert Unit.objects.get_parent(commune) == world.province
    assert set(Unit.objects.filter(commune.subtree_q()).values_list("code", flat=True)) == {"XA1", "P-KT", "P-VP"}
    binh = User.objects.get(employee_code="NV001")
    assert binh.unit.code == "P-KT" and binh.username == "nv001" and binh.is_party_member and not binh.is_leader
    assert binh.service_start_date.isoformat() == "2015-08-01"
    assert not binh.has_usable_password()
    assert binh.search_text.startswith("nguyen van binh")
    assert User.objects.get(employee_code="NV002").username == "hoa.lt"
    assert User.objects.get(employee_code="NV003").staff_group == "vien_chuc"
    assert binh.history.count() == 1  # history kept for bulk writes too


def test_bad_rows_report_every_error_and_write_nothing(world):
    units = [
        ("", "Không mã", "", "P", ""),  # missing code
        ("U1", "", "Loại lạ", "ZZZ", "có"),  # no name, bad kind, unknown parent
        ("U2", "Đơn vị 2", "", "U3", ""),  # a cycle: U2 -> U3 -> U2
        ("U3", "Đơn vị 3", "", "U2", ""),
        ("U4", "Trùng", "", "P", ""),
        ("U4", "Trùng lần hai", "", "P", ""),
    ]
    people = [
        ("N1", "", "U4", "", "XX", "có lẽ", "", "31/02/2020", "not-an-email", "", ""),
        ("N2", "Người không đơn vị", "NOPE", "", "", "", "", "", "", "", ""),
        ("", "Không mã", "U4", "", "", "", "", "", "", "", ""),
    ]
    before = (Unit.objects.count(), User.objects.count())
    result = import_units_and_people(workbook_bytes(units, people), organisation=world.province.organisation)
    assert not result.ok
    where = {(e.sheet, e.row, (e.column or "").split(" ")[0]) for e in result.errors}
    expected = {
        (UNIT_SHEET, 2, "A"), (UNIT_SHEET, 3, "B"), (UNIT_SHEET, 3, "C"), (UNIT_SHEET, 3, "D"),
        (UNIT_SHEET, 4, "D"), (UNIT_SHEET, 5, "D"), (UNIT_SHEET, 7, "A"),
        (PEOPLE_SHEET, 2, "B"), (PEOPLE_SHEET, 2, "E"), (PEOPLE_SHEET, 2, "F"), (PEOPLE_SHEET, 2, "H"),
        (PEOPLE_SHEET, 2, "I"), (PEOPLE_SHEET, 3, "C"), (PEOPLE_SHEET, 4, "A"),
    }
    assert expected <= where, sorted(where)
    assert (Unit.objects.count(), User.objects.count()) == before


def test_reimport_updates_by_code_instead_of_duplicating(world):
    organisation = world.province.organisation
    assert import_units_and_people(workbook_bytes(GOOD_UNITS, GOOD_PEOPLE), organisation=organisation).ok
    counts = (Unit.objects.count(), User.objects.count())
    units = [("P-KT", "Phòng Kinh tế – Hạ tầng", "Phòng", "P", "có"), *GOOD_UNITS[1:]]  # renamed and moved
    people = [("NV001", "Nguyễn Văn Bình", "P-VP", "Phó Chủ tịch", "CB", "có", "có", "01/08/2015", "", "", ""), *GOOD_PEOPLE[1:]]
    result = import_units_and_people(workbook_bytes(units, people), organisation=organisation)
    assert result.ok, result.errors
    assert (result.units_created, result.units_updated, result.people_created, result.people_updated) == (0, 3, 0, 3)
    assert (Unit.objects.count(), User.objects.count()) == counts
    moved = Unit.objects.get(code="P-KT")
    assert moved.name == "Phòng Kinh tế – Hạ tầng" and Unit.objects.get_parent(moved) == world.province
    binh = User.objects.get(employee_code="NV001")
    assert (binh.unit.code, binh.position, binh.staff_group, binh.is_leader) == ("P-VP", "Phó Chủ tịch", "can_bo", True)
    assert Unit.objects.filter(path__startswith=moved.path).count() == 1
    assert Unit.objects.get(code="P-VP").path.startswith(Unit.objects.get(code="XA1").path)


def test_username_taken_by_someone_else_is_an_error(world):
    people = [("NV009", "Ai Đó", "D1", "", "", "", "", "", "", "", world.head_dept.username)]
    result = import_units_and_people(workbook_bytes(people=people), organisation=world.province.organisation)
    assert [e.column.split(" ")[0] for e in result.errors] == ["K"]


def test_person_of_another_organisation_is_not_moved(world):
    people = [(world.outsider.employee_code, "Người Ngoài", "D1", "", "", "", "", "", "", "", "")]
    result = import_units_and_people(workbook_bytes(people=people), organisation=world.province.organisation)
    assert not result.ok
    world.outsider.refresh_from_db()
    assert world.outsider.unit == world.other_root


def test_missing_required_column_is_reported(world):
    result = import_units_and_people(
        workbook_bytes(units=[("X", "Y")], unit_headers=["Mã đơn vị", "Tên"]), organisation=world.province.organisation
    )
    assert any("Tên đơn vị" in e.message for e in result.errors)


def test_not_an_excel_file_is_refused(world):
    result = import_units_and_people(b"hello, this is text", organisation=world.province.organisation)
    assert not result.ok and result.errors[0].row is None


def test_zip_bomb_is_refused_before_parsing(world, settings):
    settings.IMPORT_MAX_UNCOMPRESSED_BYTES = 1024 * 1024
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (20 * 1024 * 1024))  # 20 MB of zeros, ~20 KB packed
    data = buffer.getvalue()
    assert len(data) < 100_000
    result = import_units_and_people(data, organisation=world.province.organisation)
    assert not result.ok and "unpacks" in result.errors[0].message or "giải nén" in result.errors[0].message


def test_too_many_rows_is_refused(world, settings):
    settings.IMPORT_MAX_ROWS = 5
    units = [(f"R{i}", f"Đơn vị {i}", "", "P", "") for i in range(10)]
    result = import_units_and_people(workbook_bytes(units), organisation=world.province.organisation)
    assert not result.ok and not Unit.objects.filter(code="R1").exists()


def test_defusedxml_protects_openpyxl():
    from openpyxl.xml import DEFUSEDXML

    assert DEFUSEDXML is True


# -- the pages -----------------------------------------------------------------------


def upload(data: bytes, name="nhap.xlsx"):
    return SimpleUploadedFile(name, data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def test_import_page_shows_the_result(client, world):
    client.force_login(world.admin_a)
    response = client.post(reverse("accounts:import"), {
        "organisation": world.province.organisation.pk, "file": upload(workbook_bytes(GOOD_UNITS, GOOD_PEOPLE)),
    })
    body = response.content.decode()
    assert response.status_code == 200 and 'data-testid="import-result"' in body
    assert User.objects.filter(employee_code="NV001").exists()


def test_import_page_lists_errors_with_row_and_column(client, world):
    client.force_login(world.admin_a)
    response = client.post(reverse("accounts:import"), {
        "organisation": world.province.organisation.pk,
        "file": upload(workbook_bytes([("U1", "", "", "P", "")])),
    })
    body = response.content.decode()
    assert 'data-testid="import-errors"' in body and "<td>2</td>" in body and "B (Tên đơn vị)" in body


def test_import_into_an_organisation_not_administered_is_refused(client, world):
    client.force_login(world.admin_a)
    response = client.post(reverse("accounts:import"), {
        "organisation": world.other_root.organisation.pk, "file": upload(workbook_bytes(GOOD_UNITS)),
    })
    assert response.status_code == 200 and not Unit.objects.filter(code="XA1").exists()
    assert "organisation" in response.context["form"].errors


def test_import_rejects_other_extensions(client, world):
    client.force_login(world.admin_a)
    response = client.post(reverse("accounts:import"), {
        "organisation": world.province.organisation.pk, "file": upload(b"a,b", name="x.csv"),
    })
    assert "file" in response.context["form"].errors


def test_template_downloads_and_opens(client, world):
    client.force_login(world.admin_a)
    response = client.get(reverse("accounts:import_template"))
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[:2] == [UNIT_SHEET, PEOPLE_SHEET]
    assert book[UNIT_SHEET]["A1"].value.startswith("Mã đơn vị")
    assert [c.value.rstrip(" *") for c in book[PEOPLE_SHEET][1]] == [c.header for c in PEOPLE_COLUMNS]


def test_import_page_wrong_method(client, world):
    client.force_login(world.admin_a)
    assert client.put(reverse("accounts:import")).status_code == 405
