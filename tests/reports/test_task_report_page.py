"""The task report's page, API, Excel (downloaded through the page and opened back) and sending it
as the result of a report task."""

import io
from datetime import timedelta

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from core.dates import show_date
from tasks import services
from tasks.models import Evidence, Task, TaskStatus
from tests.reports.conftest import move_after_cut_off
from tests.tasks.conftest import clear_data

pytestmark = pytest.mark.django_db


def params(world, h, **extra):
    return {"unit": world.dept.pk, "kind": "month", "day": show_date(h.period_day),
            "cut_off": show_date(h.cut_off), **extra}


def test_head_sees_the_report_of_their_subtree(client, world, history):
    client.force_login(world.head_dept)
    response = client.get(reverse("task_report"), params(world, history))
    assert response.status_code == 200
    page = response.content.decode()
    assert f"Số liệu tính đến ngày {show_date(history.cut_off)}" in page
    assert 'data-testid="report-total"' in page
    assert history.extends_after.code in page and "Thiếu số liệu xã" in page
    assert history.on_time.code not in page  # done: not in the overdue list


def test_outsiders_and_other_heads_get_404(client, world, history):
    for person in (world.outsider, world.staff_division):
        client.force_login(person)
        assert client.get(reverse("task_report")).status_code == 404
    client.force_login(world.head_sibling)
    assert client.get(reverse("task_report"), params(world, history)).status_code == 404
    assert client.get(reverse("task_report_export"), params(world, history)).status_code == 404
    assert client.get(reverse("api:task-report"), params(world, history)).status_code == 404


def test_a_cut_off_in_the_future_is_refused_in_vietnamese(client, world, history):
    client.force_login(world.head_dept)
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client.get(reverse("task_report"), params(world, history, cut_off=show_date(tomorrow)))
    assert response.status_code == 200
    assert "Không thể lấy số liệu tính đến một ngày chưa tới" in response.content.decode()
    assert client.get(reverse("api:task-report"), params(world, history, cut_off=show_date(tomorrow))
                      ).status_code == 400


def test_api_gives_the_same_figures(client, world, history):
    client.force_login(world.head_dept)
    data = client.get(reverse("api:task-report"), params(world, history)).json()
    assert data["total"]["assigned"] == 9 and data["total"]["open_overdue"] == 5
    assert data["total"]["on_time_extended"] == 1 and data["total"]["rate"] == 25.0
    division = next(row for row in data["rows"] if row["unit"] == world.division.pk)
    assert (division["assigned"], division["late"], division["open_overdue"]) == (5, 1, 3)
    assert data["total"]["delta"]["assigned"] == 9
    assert {item["code"] for item in data["overdue"]} >= {history.directive.code}


def downloaded(client, world, history, **extra):
    response = client.get(reverse("task_report"), params(world, history, **extra))
    page = response.content.decode()
    href = page.split('data-testid="report-export"')[0].rsplit('href="', 1)[1].split('"')[0].replace("&amp;", "&")
    response = client.get(href)
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(response.content)).active


def test_excel_downloaded_through_the_page_opens_back_with_the_same_figures(client, world, history):
    client.force_login(world.head_dept)
    sheet = downloaded(client, world, history)
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert f"Số liệu tính đến ngày {show_date(history.cut_off)}" in [r[0] for r in rows]
    header = next(i for i, r in enumerate(rows) if r[0] == "STT")
    assert rows[header][:9] == ["STT", "Đơn vị", "Tổng số", "Đúng hạn", "trong đó gia hạn", "Trễ hạn",
                                "Chưa hoàn thành trong hạn", "Quá hạn", "Tỷ lệ đúng hạn (%)"]
    table = {r[1].strip(): r[2:9] for r in rows[header + 1:header + 6] if r[1]}
    assert table["Sở Nội vụ"] == [3, 1, 1, 0, 1, 1, 50.0]
    assert table["Phòng Tổ chức"] == [5, 1, 0, 1, 0, 3, 20.0]
    assert table["Tổng cộng"] == [9, 2, 1, 1, 1, 5, 25.0]
    codes = [r[1] for r in rows if r[1] and str(r[1]).startswith("NV")]
    assert history.extends_after.code in codes and len(codes) == 5


def test_excel_is_safe_against_formula_injection(client, world, history):
    Task.objects.filter(pk=history.directive.pk).update(title="=HYPERLINK(\"http://x\",\"y\")")
    world.dept.name = "+Sở Nội vụ"
    world.dept.save()
    client.force_login(world.head_dept)
    sheet = downloaded(client, world, history)
    cells = [c for row in sheet.iter_rows() for c in row if isinstance(c.value, str) and c.value[:1] in "=+"]
    assert cells and all(c.data_type == "s" and c.quotePrefix for c in cells)


def test_report_unchanged_after_the_cut_off_through_the_page(client, world, history):
    client.force_login(world.head_dept)
    before = [[c.value for c in row] for row in downloaded(client, world, history).iter_rows()]
    move_after_cut_off(world, history)
    after = [[c.value for c in row] for row in downloaded(client, world, history).iter_rows()]
    assert after == before


def report_task(world):
    task = services.task_create_draft(actor=world.head_dept, assigning_unit=world.dept, data=clear_data(
        world, title="Báo cáo tháng", lead=world.head_dept_lead))
    services.task_assign(actor=world.head_dept, task=task)
    services.task_accept(actor=world.head_dept_lead, task=task)
    return task


def test_send_the_report_as_the_result_of_a_report_task(client, world, history):
    # The division's head sends the division's report up to the department.
    from accounts.models import Role  # noqa: PLC0415
    from tests.factories import RoleFactory  # noqa: PLC0415
    RoleFactory(user=world.staff_division, unit=world.division, role=Role.HEAD)
    task = services.task_create_draft(actor=world.head_dept, assigning_unit=world.dept,
                                      data=clear_data(world, title="Báo cáo tháng"))
    services.task_assign(actor=world.head_dept, task=task)
    services.task_accept(actor=world.staff_division, task=task)
    client.force_login(world.staff_division)
    query = params(world, history, unit=world.division.pk)
    page = client.get(reverse("task_report"), query).content.decode()
    assert "Gửi làm kết quả nhiệm vụ báo cáo" in page and task.code in page
    response = client.post(reverse("task_report_send"), {**query, "task": task.pk})
    assert response.status_code == 302 and response.url == reverse("tasks:detail", args=[task.pk])
    task.refresh_from_db()
    assert task.status == TaskStatus.SUBMITTED
    evidence = Evidence.objects.get(task=task)
    assert evidence.name.endswith(".xlsx")
    sheet = openpyxl.load_workbook(evidence.file.open("rb")).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert ["Tổng cộng", 6] == [r[1] for r in rows if r[1] == "Tổng cộng"] + [
        next(r[2] for r in rows if r[1] == "Tổng cộng")]
    # Sent twice (a double click, a second tab): the first won, the second is told, nothing more is stored.
    again = client.post(reverse("task_report_send"), {**query, "task": task.pk}, follow=True)
    assert "không thể" in again.content.decode() and Evidence.objects.filter(task=task).count() == 1
    assert client.get(reverse("task_report_send")).status_code == 405
    # A task one does not lead is refused, nothing is written.
    other = services.task_create_draft(actor=world.head_dept, assigning_unit=world.dept,
                                       data=clear_data(world, title="Việc khác", lead=world.colleague_division))
    response = client.post(reverse("task_report_send"), {**query, "task": other.pk}, follow=True)
    assert "Hãy chọn một nhiệm vụ báo cáo do mình chủ trì" in response.content.decode()
    assert not Evidence.objects.filter(task=other).exists()


# session, user (with the stamp of the scope the session keeps), the managed units (role assignments),
# the unit asked for, its subtree's units, the tasks as of the cut-off (one cursor, each history
# column a correlated subquery), the overdue tasks, their extension requests, their progress notes,
# the previous period's tasks (one cursor), the report tasks one leads (page only)
@pytest.mark.parametrize("more", [0, 6])
def test_page_and_api_query_counts_do_not_grow_with_tasks(client, world, history, django_assert_num_queries, more,
                                                          make_task):
    for _ in range(more):
        make_task(status="in_progress")
    client.force_login(world.head_dept)
    query = params(world, history, cut_off=show_date(timezone.localdate()))
    with django_assert_num_queries(11):
        assert client.get(reverse("task_report"), query).status_code == 200
    with django_assert_num_queries(10):
        assert client.get(reverse("api:task-report"), query).status_code == 200


def document_link(client, world, history, testid, **extra) -> bytes:
    """The report's document, fetched through the link the report page gives."""
    page = client.get(reverse("task_report"), params(world, history, **extra)).content.decode()
    href = page.split(f'data-testid="{testid}"')[0].rsplit('href="', 1)[1].split('"')[0].replace("&amp;", "&")
    response = client.get(href)
    assert response.status_code == 200, href
    return b"".join(response.streaming_content) if response.streaming else response.content


def docx_table(content: bytes) -> dict[str, list[str]]:
    from docx import Document  # noqa: PLC0415

    document = Document(io.BytesIO(content))
    grid = next(table for table in document.tables if table.rows[0].cells[0].text == "STT")
    return {row.cells[1].text: [cell.text for cell in row.cells[2:]] for row in grid.rows[1:]}


def test_the_report_document_opens_back_with_the_same_figures(client, world, history, tmp_path):
    from tests.documents.conftest import docx_text, pdf_text, save_first_page  # noqa: PLC0415

    client.force_login(world.head_dept)
    content = document_link(client, world, history, "report-docx")
    table = docx_table(content)
    # The same figures as the page, the API and the Excel: total, on time, of which extended, late,
    # not yet due, overdue, on-time rate (written the Vietnamese way).
    assert table["Sở Nội vụ"] == ["3", "1", "1", "0", "1", "1", "50,0"]
    assert table["Phòng Tổ chức"] == ["5", "1", "0", "1", "0", "3", "20,0"]
    assert table["Tổng cộng"] == ["9", "2", "1", "1", "1", "5", "25,0"]
    text = docx_text(content)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Số: …/BC-" in text
    assert f"số liệu tính đến ngày {show_date(history.cut_off)}" in text
    assert "tổng số 9 nhiệm vụ" in text and "quá hạn 5" in text and "Quyết định số 42/2014/QĐ-TTg" in text
    assert "3. Nhiệm vụ quá hạn: 5." in text and history.extends_after.code in text and "Thiếu số liệu xã" in text
    assert world.head_dept.full_name in text  # signed by the unit's head
    pdf = document_link(client, world, history, "report-pdf")
    assert pdf[:5] == b"%PDF-"
    printed = " ".join(pdf_text(pdf, tmp_path).split())  # as read, whatever the line breaks
    assert "BÁO CÁO" in printed and f"tính đến ngày {show_date(history.cut_off)}" in printed
    assert "Tổng cộng" in printed and history.extends_after.code in printed
    assert save_first_page(pdf, "task-report", tmp_path).exists()


def test_the_report_document_reads_the_same_after_the_cut_off(client, world, history):
    client.force_login(world.head_dept)
    before = docx_table(document_link(client, world, history, "report-docx"))
    move_after_cut_off(world, history)
    assert docx_table(document_link(client, world, history, "report-docx")) == before


def test_the_report_document_is_nobody_elses(client, world, history):
    for person in (world.outsider, world.head_sibling, world.staff_division):
        client.force_login(person)
        for name in ("documents:task-report-docx", "documents:task-report-pdf"):
            assert client.get(reverse(name), params(world, history)).status_code == 404, (person, name)
    # The generic document route does not reach the report by an id.
    client.force_login(world.head_dept)
    assert client.get("/documents/task-report/1.docx").status_code == 404
