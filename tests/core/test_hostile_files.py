"""Hostile files: every Excel import goes through core.xlsx_import (open_workbook, read_sheet),
and every evidence upload through core.evidence; each hostile kind is refused there with a
clear message, before anything is parsed in full or stored."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from core.xlsx_import import Column, ImportRejected, check_archive, read_upload
from core import evidence
from tasks.excel import import_tasks
from tasks.models import Task

pytestmark = pytest.mark.django_db

COLUMNS = [Column("name", "Tên", required=True)]
BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 1 else "")) * 10}">' for i in range(1, 10))
    + "]>"
)


def workbook_bytes(rows=(("Tên",), ("Một",), ("Hai",)), sheet="Dữ liệu") -> bytes:
    book = Workbook()
    book.active.title = sheet
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def with_part(data: bytes, name: str, edit) -> bytes:
    """The same workbook with one part rewritten by `edit(text) -> text`."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == name:
                content = edit(content.decode()).encode()
            target.writestr(item, content)
    return out.getvalue()


def zip_bomb() -> bytes:
    data = workbook_bytes()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        target.writestr("xl/media/padding.bin", b"\0" * (101 * 2**20))  # 101 MB of zeros: about 100 kB packed
    return out.getvalue()


def entity_bomb_in(part: str) -> bytes:
    def plant(xml: str) -> str:
        body = xml.split("?>", 1)[1] if xml.startswith("<?xml") else xml
        return BILLION_LAUGHS + body.replace("Một", "&lol9;")
    return with_part(workbook_bytes(), part, plant)


def declared_huge() -> bytes:
    return with_part(workbook_bytes(), "xl/worksheets/sheet1.xml",
                     lambda xml: xml.replace("</sheetPr>", '</sheetPr><dimension ref="A1:A2000000"/>', 1))


HOSTILE = {
    "zip bomb": (zip_bomb, "giải nén lớn hơn 100 MB"),
    "entity expansion in the workbook part": (lambda: entity_bomb_in("xl/workbook.xml"), "Không đọc được tệp"),
    "entity expansion in the sheet": (lambda: entity_bomb_in("xl/worksheets/sheet1.xml"), "Không đọc được tệp"),
    "sheet declaring 2,000,000 rows": (declared_huge, "có hơn 50000 dòng"),
    "a PDF named .xlsx": (lambda: b"%PDF-1.4\n%%EOF\n", "không phải tệp Excel"),
    "a truncated workbook": (lambda: workbook_bytes()[:400], "không phải tệp Excel"),
}


@pytest.mark.parametrize("kind", HOSTILE)
def test_a_hostile_workbook_is_refused_with_a_clear_message(kind):
    make, message = HOSTILE[kind]
    errors = []
    assert read_upload(make(), "Dữ liệu", COLUMNS, errors) is None
    assert len(errors) == 1 and message in str(errors[0]), [str(e) for e in errors]


def test_the_declared_size_is_read_before_any_row():
    assert 'dimension ref="A1:A2000000"' in zipfile.ZipFile(io.BytesIO(declared_huge())).read(
        "xl/worksheets/sheet1.xml").decode()  # the file really says so, and holds only three rows
    errors = []
    assert read_upload(workbook_bytes(), "Dữ liệu", COLUMNS, errors) == [(2, {"name": "Một"}), (3, {"name": "Hai"})]


@pytest.mark.parametrize("kind", ["zip bomb", "entity expansion in the sheet"])
def test_an_importer_writes_nothing_from_a_hostile_file(world, kind):
    before = Task.objects.count()
    result = import_tasks(HOSTILE[kind][0](), actor=world.head_dept, assigning_unit=world.dept)
    assert not result.ok and result.errors and Task.objects.count() == before


@pytest.mark.parametrize("name,content,message", [
    ("bao-cao.pdf", b"MZ\x90\x00 a program", "không thực sự là tệp .pdf"),
    ("anh.png", b"<svg onload=alert(1)>", "không thực sự là tệp .png"),
    ("bang.xlsx", b"%PDF-1.4", "không thực sự là tệp .xlsx"),
    ("script.html", b"<script>", "chỉ chấp nhận PDF"),
    ("khong-duoi", b"%PDF-1.4", "chỉ chấp nhận PDF"),
])
def test_evidence_is_checked_by_type_and_content(name, content, message):
    with pytest.raises(ValidationError) as refused:
        evidence.validate_evidence_files([SimpleUploadedFile(name, content)])
    assert message in str(refused.value)


def test_evidence_is_checked_by_size_and_count():
    big = SimpleUploadedFile("lon.pdf", b"%PDF-" + b"0" * evidence.MAX_FILE_BYTES)
    with pytest.raises(ValidationError, match="lớn hơn 20 MB"):
        evidence.validate_evidence_files([big])
    many = [SimpleUploadedFile(f"{n}.pdf", b"%PDF-1.4") for n in range(evidence.MAX_FILES + 1)]
    with pytest.raises(ValidationError, match="Tối đa 10 tệp"):
        evidence.validate_evidence_files(many)
    evidence.validate_evidence_files([SimpleUploadedFile("dung.pdf", b"%PDF-1.4")])  # a real one passes


def test_a_part_declaring_a_dtd_is_refused_before_any_parser_sees_it():
    """Whichever XML parser openpyxl finds installed, the archive check itself refuses a declared DTD
    (Excel never writes one), even one whose entities are never used."""
    def declare(xml: str) -> str:
        body = xml.split("?>", 1)[1] if xml.startswith("<?xml") else xml
        return '<?xml version="1.0"?><!DOCTYPE t [<!ENTITY unused "x">]>' + body
    declared = with_part(workbook_bytes(), "[Content_Types].xml", declare)
    with pytest.raises(ImportRejected):
        check_archive(declared)
    check_archive(workbook_bytes())  # the plain workbook passes
