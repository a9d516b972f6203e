import io
from datetime import timedelta

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tasks.excel import TASK_COLUMNS, TASK_SHEET, import_tasks
from tasks.models import Task, TaskStatus

pytestmark = pytest.mark.django_db


def book(rows) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = TASK_SHEET
    sheet.append([c.header for c in TASK_COLUMNS])
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def row(world, **overrides):
    deadline = (timezone.localtime() + timedelta(days=20)).strftime("%d/%m/%Y %H:%M")
    values = {
        "title": "Rà soát TTHC", "content": "Rà soát toàn bộ thủ tục thuộc thẩm quyền của Sở",
        "lead_code": world.staff_division.employee_code, "deadline": deadline, "source_number": "45/KH-UBND",
        "source_date": "01/11/2026", "source_issuer": "UBND tỉnh", "process_description": "Thống kê; đánh giá",
        "reporting_regime": "Hằng tuần", "responsibility": "Danh mục đầy đủ", "product_type": "Báo cáo",
        "product_description": "Báo cáo rà soát", "expected_result": "100% thủ tục", "acceptance_criterion": "Lãnh đạo duyệt",
        "authority_basis": "Giám đốc Sở", "lead_may_decide": "Phân công", "participant_codes": world.colleague_division.employee_code,
        "participant_part": "Số liệu", "assign_now": "có",
    }
    values.update(overrides)
    return [values[c.key] for c in TASK_COLUMNS]


def test_good_file_creates_and_assigns(world):
    rows = [row(world), row(world, title="Bản nháp", assign_now="không", expected_result="")]
    result = import_tasks(book(rows), actor=world.head_dept, assigning_unit=world.dept)
    assert result.ok, result.errors
    assert (result.assigned, result.drafts) == (1, 1)
    assigned = Task.objects.get(status=TaskStatus.ASSIGNED)
    assert assigned.participants.get().user == world.colleague_division and assigned.source_number == "45/KH-UBND"
    assert timezone.localtime(assigned.deadline).date() == (timezone.localtime() + timedelta(days=20)).date()


def test_every_bad_row_is_reported_and_nothing_is_written(world):
    rows = [
        row(world, lead_code=world.outsider.employee_code),  # outside scope
        row(world, deadline="31/02/2027"),  # no such date
        row(world, deadline="01/01/2020 08:00"),  # past
        row(world, expected_result="", acceptance_criterion=""),  # unclear but "assign now"
        row(world, participant_codes="NOBODY", assign_now="có lẽ"),
        row(world),  # a good row: still not written
    ]
    result = import_tasks(book(rows), actor=world.head_dept, assigning_unit=world.dept)
    where = {(e.row, (e.column or "").split(" ")[0]) for e in result.errors}
    assert {(2, "C"), (3, "D"), (4, "D"), (6, "Q"), (6, "S")} <= where, sorted(where)
    assert any(e.row == 5 and e.message.startswith("result") for e in result.errors)
    assert not Task.objects.exists()


def test_import_page(client, world):
    client.force_login(world.head_dept)
    upload = SimpleUploadedFile("nv.xlsx", book([row(world)]))
    response = client.post(reverse("tasks:import"), {"assigning_unit": world.dept.pk, "file": upload})
    assert response.status_code == 200 and Task.objects.count() == 1
    template = client.get(reverse("tasks:import_template"))
    headers = [c.value.rstrip(" *") for c in openpyxl.load_workbook(io.BytesIO(template.content)).active[1]]
    assert headers == [c.header for c in TASK_COLUMNS]
    client.force_login(world.staff_division)
    assert client.get(reverse("tasks:import")).status_code == 404


def test_import_into_a_unit_not_headed_is_refused(client, world):
    client.force_login(world.head_dept)
    upload = SimpleUploadedFile("nv.xlsx", book([row(world)]))
    response = client.post(reverse("tasks:import"), {"assigning_unit": world.sibling.pk, "file": upload})
    assert "assigning_unit" in response.context["form"].errors and not Task.objects.exists()
