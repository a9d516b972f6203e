"""Pages render for the people who use them, registers export and open back, imports are
all-or-nothing, and list queries do not grow with the number of rows."""

import html
import io
import re
from datetime import timedelta

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from inspections import excel, services
from inspections.models import DisciplineForm, Finding, InspectionStatus
from tests.inspections.conftest import photo, violation


def xlsx_bytes(rows, sheet="Vi phạm"):
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def opened(response):
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)


@pytest.mark.django_db
def test_inspector_pages_render(client, world, inspectorate, make_inspection, record):
    inspection = make_inspection(InspectionStatus.DRAFT_CONCLUSION)
    client.force_login(inspectorate.leader)
    for name, args in [("dashboard", []), ("list", []), ("plans", []), ("create", []), ("detail", [inspection.pk]),
                       ("findings", []), ("recommendations", []), ("decisions", [])]:
        response = client.get(reverse(f"inspections:{name}", args=args))
        assert response.status_code == 200, name
    detail = client.get(reverse("inspections:detail", args=[inspection.pk])).content.decode()
    assert 'data-testid="conclude-form"' in detail and 'data-testid="time-limits"' in detail


@pytest.mark.django_db
def test_the_fast_finding_form_records_with_a_photo(client, world, inspectorate, make_inspection):
    inspection = make_inspection()
    client.force_login(inspectorate.member)
    search = client.get(reverse("inspections:person_search", args=[inspection.pk]), {"q": "nguyen van a"})
    assert "Nguyễn Văn A" in search.content.decode()
    assert "Hồ Thanh Tâm" not in client.get(reverse("inspections:person_search", args=[inspection.pk]),
                                            {"q": "ho thanh"}).content.decode()
    response = client.post(reverse("inspections:finding_create", args=[inspection.pk]), {
        "subject_person": world.staff_division.pk, "violation_type": violation().pk,
        "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "location": "Cổng cơ quan",
        "description": "Đến lúc 8 giờ 25", "client_token": "t-1", "files": [photo()],
    })
    finding = Finding.objects.get()
    assert response.status_code == 302 and response.url == reverse("inspections:finding", args=[finding.pk])
    assert finding.evidence.count() == 1 and finding.subject_unit == world.division
    # A bad file is refused with a clear message and nothing is written.
    bad = SimpleUploadedFile("anh.jpg", b"MZ not an image", content_type="image/jpeg")
    response = client.post(reverse("inspections:finding_create", args=[inspection.pk]), {
        "subject_person": world.staff_division.pk, "violation_type": violation().pk,
        "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "description": "x", "client_token": "t-2",
        "files": [bad]})
    assert response.status_code == 200 and "anh.jpg" in response.content.decode()
    assert Finding.objects.count() == 1


@pytest.mark.django_db
def test_the_subject_explains_on_their_page(client, world, make_inspection, record):
    finding = record(make_inspection())
    client.force_login(world.staff_division)
    page = client.get(reverse("inspections:finding", args=[finding.pk])).content.decode()
    assert 'data-testid="explain-panel"' in page
    client.post(reverse("inspections:finding_explain", args=[finding.pk]), {"explain-explanation": "Xe hỏng giữa đường"})
    finding.refresh_from_db()
    assert finding.explanation == "Xe hỏng giữa đường"


@pytest.mark.django_db
def test_violation_register_exports_and_opens_back_safely(client, world, inspectorate, make_inspection, record):
    inspection = make_inspection()
    record(inspection, description="=HYPERLINK(\"http://evil\")")
    record(inspection, person=world.colleague_division, description="Về sớm 30 phút")
    client.force_login(world.head_dept)
    # The register page's own export link, with the page's filters.
    page = client.get(reverse("inspections:findings"), {"q": "30"}).content.decode()
    link = html.unescape(re.search(r'href="([^"]*/findings/export\.xlsx[^"]*)"', page).group(1))
    assert link == reverse("inspections:findings_register_export") + "?q=30"
    filtered = list(opened(client.get(link)).active.iter_rows(values_only=True))
    assert [row[9] for row in filtered[3:]] == ["Về sớm 30 phút"]
    response = client.get(reverse("inspections:findings_register_export"))
    sheet = opened(response).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[2]
    assert header[:3] == ("STT", "Mã vi phạm", "Thời gian")
    bodies = {row[9] for row in rows[3:]}
    assert bodies == {"=HYPERLINK(\"http://evil\")", "Về sớm 30 phút"}  # text, not a formula
    client.force_login(inspectorate.leader)
    one = opened(client.get(reverse("inspections:findings_export", args=[inspection.pk]))).active
    assert len(list(one.iter_rows(values_only=True))) == 3 + 2


@pytest.mark.django_db
def test_query_counts_of_registers_do_not_grow_with_rows(client, world, inspectorate, make_inspection, record):
    inspection = make_inspection()
    client.force_login(world.head_dept)

    def count(url, params=None):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, params or {})
            if hasattr(response, "streaming_content"):
                b"".join(response.streaming_content)
        assert response.status_code == 200
        return len(queries)

    record(inspection)
    services.decision_record(actor=world.head_dept, subject=world.staff_division, summary="Đi muộn",
                             discovered_on=timezone.localdate(), violation_date=timezone.localdate(),
                             form=DisciplineForm.REPRIMAND, number="1/QĐ", decision_date=timezone.localdate(),
                             signer="Giám đốc")
    urls = [(reverse("inspections:findings"), None), (reverse("inspections:findings_register_export"), None),
            (reverse("inspections:decisions"), None), (reverse("inspections:decisions_export"), None),
            (reverse("inspections:recommendations"), None)]
    before = [count(url, params) for url, params in urls]
    for n in range(6):
        record(inspection, person=world.colleague_division if n % 2 else world.staff_division,
               occurred_at=timezone.now() - timedelta(hours=n + 1))
    services.decision_record(actor=world.head_dept, subject=world.colleague_division, summary="Về sớm",
                             discovered_on=timezone.localdate(), violation_date=timezone.localdate(),
                             form=DisciplineForm.REPRIMAND, number="2/QĐ", decision_date=timezone.localdate(),
                             signer="Giám đốc")
    after = [count(url, params) for url, params in urls]
    assert before == after
    assert before[0] <= 8


@pytest.mark.django_db
def test_check_sheet_import_is_all_or_nothing_with_row_errors(world, inspectorate, make_inspection):
    inspection = make_inspection()
    header = ["Mã cán bộ", "Mã đơn vị", "Hành vi vi phạm", "Thời gian", "Địa điểm", "Mô tả", "Mức độ"]
    when = (timezone.localtime() - timedelta(days=1)).strftime("%d/%m/%Y 08:10")
    rows = [header,
            [world.staff_division.employee_code, "", "DI_MUON", when, "Cổng", "Đến muộn", ""],
            [world.member_sibling.employee_code, "", "Đi làm muộn", when, "", "Không thuộc đoàn", ""],
            ["", "", "KHONG_CO", "32/13/2026", "", "", "rất nặng"]]
    result = excel.import_findings(xlsx_bytes(rows), actor=inspectorate.member, inspection=inspection)
    assert not result.ok and Finding.objects.count() == 0
    where = {(e.row, (e.column or "")[:1]) for e in result.errors}
    assert (3, "A") in where  # not in the inspected units
    assert {(4, "C"), (4, "D"), (4, "F"), (4, "G")} <= where
    good = excel.import_findings(xlsx_bytes(rows[:2] + [[world.colleague_division.employee_code, "", "ve som", when, "",
                                                         "Về sớm", "nghiêm trọng"]]),
                                 actor=inspectorate.member, inspection=inspection)
    assert good.ok and good.created == 2
    assert set(Finding.objects.values_list("severity", flat=True)) == {"minor", "serious"}


@pytest.mark.django_db
def test_the_import_refuses_a_zip_bomb_before_parsing(world, inspectorate, make_inspection, settings):
    settings.IMPORT_MAX_UNCOMPRESSED_BYTES = 1000
    inspection = make_inspection()
    result = excel.import_findings(xlsx_bytes([["Mã cán bộ"], ["x" * 5000]]), actor=inspectorate.member,
                                   inspection=inspection)
    assert not result.ok and result.errors[0].row is None


@pytest.mark.django_db
def test_inspection_detail_and_dashboard_queries_do_not_grow_with_findings(client, world, inspectorate,
                                                                            make_inspection, record):
    inspection = make_inspection()
    record(inspection)
    client.force_login(inspectorate.leader)

    def count(url):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    urls = [reverse("inspections:detail", args=[inspection.pk]), reverse("inspections:dashboard")]
    before = [count(url) for url in urls]
    for n in range(5):
        record(inspection, person=world.colleague_division, occurred_at=timezone.now() - timedelta(hours=n + 1),
               files=[photo()])
    assert [count(url) for url in urls] == before
