"""Every document type: issued with a number from its register, downloaded through the record's
links as .docx and PDF, and read back (python-docx, pdftotext) for its number, date, bases and names."""

from datetime import date, timedelta

import pytest
from urllib.parse import unquote
from django.urls import reverse
from django.utils import timezone

from documents import services as document_services
from documents.models import IssuedDocument, Register
from documents.registry import KINDS
from inspections import services as inspection_services
from inspections.models import DisciplineForm, InspectionStatus
from tests.documents.conftest import docx_text, pdf_text, save_first_page


# The council's types are read back in test_emulation_documents.py, the periodic task report in
# tests/reports/test_task_report_page.py.
RECORD_KINDS = ["discipline-decision", "inspection-conclusion", "service-check-minutes", "task-assignment"]
COUNCIL_KINDS = ["ballot-minutes", "commendation-decision", "commendation-proposal"]
REPORT_KINDS = ["task-report"]


def test_every_declared_type_is_read_back_by_a_test():
    assert sorted(KINDS) == sorted(RECORD_KINDS + COUNCIL_KINDS + REPORT_KINDS)


def today_line() -> str:
    return document_services.place_date(timezone.localdate())


@pytest.fixture
def records(world, make_task, make_inspection, record, inspectorate):
    """For each type: (record, who issues it, who may read it, the texts its document must carry)."""
    task = make_task(status="assigned")
    decision = inspection_services.decision_record(
        actor=world.head_dept, subject=world.staff_division, summary="Vắng mặt không lý do nhiều lần",
        discovered_on=timezone.localdate() - timedelta(days=20), violation_date=timezone.localdate() - timedelta(days=30),
        form=DisciplineForm.REPRIMAND, number="01/QĐ-D1", decision_date=timezone.localdate(), signer="Lê Thị Hồng")
    concluded = make_inspection()
    record(concluded)
    leader = inspectorate.leader
    inspection_services.inspection_report(actor=leader, inspection=concluded)
    inspection_services.inspection_draft_conclusion(actor=leader, inspection=concluded,
                                                    text="Sở Nội vụ chưa chấp hành nghiêm giờ giấc làm việc.")
    inspection_services.recommendation_add(actor=leader, inspection=concluded, content="Chấn chỉnh giờ giấc làm việc của cán bộ",
                                           target_unit=world.dept, deadline=timezone.localdate() + timedelta(days=30),
                                           expected_result="Không còn cán bộ đi muộn")
    inspection_services.inspection_conclude(actor=leader, inspection=concluded, number="05/KL-TTr",
                                            conclusion_date=timezone.localdate(), signer="Chánh Thanh Tra")
    check = make_inspection(kind="public_service", title="Kiểm tra công vụ đột xuất Sở Nội vụ")
    record(check, description="Không đeo thẻ công chức")
    rule_basis = decision.form_rule.legal_basis
    return {
        "task-assignment": (task, world.head_dept, world.staff_division,
                            ["Căn cứ văn bản số 123/KH-UBND của UBND tỉnh", "Nguyễn Văn A", "Lê Thị Hồng",
                             "Rõ quy trình", "PHIẾU GIAO NHIỆM VỤ"]),
        "discipline-decision": (decision, world.head_dept, world.staff_division,
                                [f"Căn cứ {rule_basis}", "Nguyễn Văn A", "khiển trách", "Lê Thị Hồng", "QUYẾT ĐỊNH:"]),
        "inspection-conclusion": (concluded, inspectorate.chief, inspectorate.member,
                                  ["Căn cứ Quyết định số 12/QĐ-TTr", "Nguyễn Văn A", "Chánh Thanh Tra",
                                   "KẾT LUẬN THANH TRA", "Chấn chỉnh giờ giấc"]),
        "service-check-minutes": (check, inspectorate.leader, inspectorate.member,
                                  ["Căn cứ Quyết định số 12/QĐ-TTr", "Không đeo", "Trưởng Đoàn Minh",
                                   "BIÊN BẢN KIỂM TRA CÔNG VỤ"]),
    }


def issue_through_the_page(client, user, key, obj):
    client.force_login(user)
    response = client.post(reverse("documents:issue", args=[key, obj.pk]))
    assert response.status_code == 302, response.content[:500]


@pytest.mark.django_db
@pytest.mark.parametrize("key", RECORD_KINDS)
def test_each_type_is_issued_and_read_back_as_docx_and_pdf(key, records, client, tmp_path, world):
    obj, issuer, reader, texts = records[key]
    kind = KINDS[key]
    issue_through_the_page(client, issuer, key, obj)
    own = document_services.own_number(kind, obj)
    if own:  # a decision or conclusion signed under its own number bears that one; none is drawn
        assert not IssuedDocument.objects.filter(kind=key, object_id=obj.pk).exists()
        reference = own[0]
    else:
        issued = IssuedDocument.objects.get(kind=key, object_id=obj.pk)
        assert issued.number == 1
        unit_code = "UBND" if kind.issuing_unit(obj).kind == "peoples_committee" else kind.issuing_unit(obj).code
        assert issued.reference == f"01/{kind.abbreviation}-{unit_code}"
        reference = issued.reference

    client.force_login(reader)
    response = client.get(reverse("documents:docx", args=[key, obj.pk]))
    assert response.status_code == 200
    assert f'{reference.replace("/", "-")}.docx' in unquote(response["Content-Disposition"])
    text = docx_text(response.content)
    for expected in ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                     f"Số: {reference}", today_line(), "Nơi nhận:", *texts]:
        assert expected in text, (expected, text)
    assert "{{" not in text and "{%" not in text

    response = client.get(reverse("documents:pdf", args=[key, obj.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = " ".join(pdf_text(response.content, tmp_path).split())
    for expected in [f"Số: {reference}", today_line(), *texts]:
        assert " ".join(expected.split()) in text, (expected, text)
    assert save_first_page(response.content, key, tmp_path).exists()


@pytest.mark.django_db
def test_the_docx_keeps_the_decree_30_page_and_font(records):
    from docx import Document
    import io

    obj = records["discipline-decision"][0]
    rendered = document_services.document_render(KINDS["discipline-decision"], obj)
    document = Document(io.BytesIO(rendered.docx))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert 20 <= round(section.top_margin.mm) <= 25 and 20 <= round(section.bottom_margin.mm) <= 25
    assert 30 <= round(section.left_margin.mm) <= 35 and 15 <= round(section.right_margin.mm) <= 20
    assert document.styles["Normal"].font.name == "Times New Roman"
    assert 13 <= document.styles["Normal"].font.size.pt <= 14


@pytest.mark.django_db
def test_a_draft_has_no_number_and_a_reissue_keeps_its_number(records, client, make_task, world):
    task = records["task-assignment"][0]
    client.force_login(world.head_dept)
    draft = docx_text(client.get(reverse("documents:docx", args=["task-assignment", task.pk])).content)
    assert "Số: …/PGNV-D1" in draft and "ngày … tháng … năm …" in draft
    assert not Register.objects.exists()

    issue_through_the_page(client, world.head_dept, "task-assignment", task)
    issue_through_the_page(client, world.head_dept, "task-assignment", task)  # reissued: same number
    second = make_task(status="assigned", title="Báo cáo tháng 12")
    issue_through_the_page(client, world.head_dept, "task-assignment", second)
    numbers = list(IssuedDocument.objects.filter(kind="task-assignment").order_by("number")
                   .values_list("object_id", "number"))
    assert numbers == [(task.pk, 1), (second.pk, 2)]
    assert Register.objects.get(kind="PGNV").last_number == 2
    assert "Số: 01/PGNV-D1" in docx_text(
        client.get(reverse("documents:docx", args=["task-assignment", task.pk])).content)


@pytest.mark.django_db
@pytest.mark.parametrize("key", RECORD_KINDS)
def test_outsiders_get_404(key, records, client, world):
    obj = records[key][0]
    client.force_login(world.outsider)
    for name in ("docx", "pdf"):
        assert client.get(reverse(f"documents:{name}", args=[key, obj.pk])).status_code == 404
    assert client.post(reverse("documents:issue", args=[key, obj.pk])).status_code == 404
    assert not IssuedDocument.objects.exists()


@pytest.mark.django_db
def test_a_reader_who_may_not_issue_is_refused(records, client, world):
    task = records["task-assignment"][0]
    client.force_login(world.staff_division)  # the lead reads the note, the assigner issues it
    assert client.post(reverse("documents:issue", args=["task-assignment", task.pk])).status_code == 403
    assert not IssuedDocument.objects.exists()


@pytest.mark.django_db
def test_a_missing_converter_is_told_in_vietnamese_not_a_500(records, client, world, settings):
    settings.DOCUMENTS_SOFFICE = "/nonexistent/soffice"
    settings.LANGUAGE_CODE = "vi"
    task = records["task-assignment"][0]
    client.force_login(world.head_dept)
    response = client.get(reverse("documents:pdf", args=["task-assignment", task.pk]), HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 503
    assert "Máy chủ chưa cài bộ chuyển đổi PDF (LibreOffice)" in response.content.decode()


@pytest.mark.django_db
def test_the_record_page_links_its_documents_and_the_files_open(records, client, world):
    import re

    task = records["task-assignment"][0]
    client.force_login(world.head_dept)
    page = client.get(reverse("tasks:detail", args=[task.pk])).content.decode()
    assert "Cấp số" in page and "dự thảo, chưa cấp số" in page
    issue_through_the_page(client, world.head_dept, "task-assignment", task)
    page = client.get(reverse("tasks:detail", args=[task.pk])).content.decode()
    assert "Số 01/PGNV-D1" in page and "Cấp số" not in page
    href = re.search(r'href="([^"]+\.docx)"', page).group(1)
    assert "Số: 01/PGNV-D1" in docx_text(client.get(href).content)

    client.force_login(world.staff_division)  # the lead sees the note, may not number it
    page = client.get(reverse("tasks:detail", args=[task.pk])).content.decode()
    assert "Số 01/PGNV-D1" in page and "Cấp số" not in page


@pytest.mark.django_db
def test_the_api_issues_and_hands_out_the_files(records, client, world, tmp_path):
    # A proceeding not yet decided has no number: the register gives the draft decision its own.
    decision = inspection_services.decision_open(
        actor=world.head_dept, subject=world.staff_division, summary="Đi muộn nhiều lần",
        discovered_on=timezone.localdate() - timedelta(days=5), violation_date=timezone.localdate() - timedelta(days=6))
    client.force_login(world.head_dept)
    detail = client.get(f"/api/v1/documents/discipline-decision/{decision.pk}/").json()
    assert detail["reference"] is None and detail["may_issue"] is True
    issued = client.post(f"/api/v1/documents/discipline-decision/{decision.pk}/issue/")
    assert issued.status_code == 201 and issued.json()["reference"] == "01/QĐ-D1"
    again = client.post(f"/api/v1/documents/discipline-decision/{decision.pk}/issue/")
    assert again.status_code == 201 and again.json()["number"] == 1
    assert "Số: 01/QĐ-D1" in docx_text(client.get(issued.json()["docx_url"]).content)
    assert "Số: 01/QĐ-D1" in pdf_text(client.get(issued.json()["pdf_url"]).content, tmp_path)
    # A decision entered under its own number bears that one only, and is not given a second.
    signed = records["discipline-decision"][0]
    signed.number = "07/QĐ-UBND"
    signed.save(update_fields=["number"])
    detail = client.get(f"/api/v1/documents/discipline-decision/{signed.pk}/").json()
    assert (detail["reference"], detail["may_issue"]) == ("07/QĐ-UBND", False)
    refused = client.post(f"/api/v1/documents/discipline-decision/{signed.pk}/issue/")
    assert refused.status_code == 409 and "07/QĐ-UBND" in refused.json()["detail"]
    assert "Số: 07/QĐ-UBND" in docx_text(client.get(detail["docx_url"]).content)
    assert not IssuedDocument.objects.filter(object_id=signed.pk, kind="discipline-decision").exists()
    decision = signed

    client.force_login(world.outsider)
    for path in ("", "docx/", "pdf/"):
        assert client.get(f"/api/v1/documents/discipline-decision/{decision.pk}/{path}").status_code == 404
    assert client.post(f"/api/v1/documents/discipline-decision/{decision.pk}/issue/").status_code == 404
    client.force_login(world.staff_division)  # the disciplined official reads, never issues
    assert client.post(f"/api/v1/documents/discipline-decision/{decision.pk}/issue/").status_code == 403


@pytest.mark.django_db
def test_the_check_minutes_carry_the_roll_taken_on_site(make_inspection, inspectorate, world, client):
    from inspections.models import Attendance, RollEntry

    check = make_inspection(kind="public_service", title="Kiểm tra công vụ đột xuất Sở Nội vụ")
    roll = inspection_services.roll_open(actor=inspectorate.leader, inspection=check, unit=world.dept)
    absent = RollEntry.objects.filter(roll=roll).select_related("person").first()
    badge = roll.checks.get(item__code="THE_CONG_CHUC")
    inspection_services.roll_submit(
        actor=inspectorate.member, roll=roll, client_token="bb-1",
        entries=[{"person": absent.person_id, "state": Attendance.UNEXCUSED, "reason": "", "version": absent.version}],
        checks=[{"item": badge.item_id, "outcome": "not_met", "note": "2 người không đeo thẻ", "version": badge.version}])
    client.force_login(inspectorate.member)
    response = client.get(reverse("documents:docx", args=["service-check-minutes", check.pk]))
    text = docx_text(response.content)
    assert "Điểm danh tại Sở Nội vụ: có mặt 0/" in text, text
    assert f"Vắng mặt: {absent.person.full_name} (vắng không lý do)" in text
    assert "Nội dung chưa đạt: " in text and "2 người không đeo thẻ" in text


@pytest.mark.django_db
def test_the_place_name_is_the_organisation_s(records, world):
    task = records["task-assignment"][0]
    kind = KINDS["task-assignment"]
    assert "Buôn Ma Thuột, ngày … tháng … năm …" in docx_text(document_services.document_render(kind, task).docx)
    organisation = world.province.organisation
    organisation.document_place = "Hà Nội"
    organisation.save(update_fields=["document_place"])
    task.assigning_unit.organisation.refresh_from_db()
    assert "Hà Nội, ngày … tháng … năm …" in docx_text(document_services.document_render(kind, task).docx)
