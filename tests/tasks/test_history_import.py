"""Bringing an existing task register with its history (tasks.history).

The register exported from one organisation is imported, as downloaded, into an empty one and
gives the same counts by official status; importing it again changes nothing; nobody is notified
of the past; every row is checked first and a bad one writes nothing; only heads and
administrators of the unit may do it."""

import io
from collections import Counter
from datetime import timedelta

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, UnitKind
from notifications.models import Notification
from tasks import services
from tasks.history import COLUMNS, SHEET, import_task_history
from tasks.jobs import mark_overdue
from tasks.models import Task, TaskEvent, TaskStatus
from tasks.status import official_status_expression
from tests.bench.operations import history_register
from tests.factories import RoleFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def counts_by_official_status(tasks) -> Counter:
    return Counter(tasks.annotate(official=official_status_expression()).values_list("official", flat=True))


def register_of_every_kind(world, make_task):
    """Tasks of org A in every official status and final state, their dates moved into the past
    where the live rules would not let them be made so."""
    now = timezone.now()
    make_task(status="completed", title="Đúng hạn")
    extended = make_task(status="completed", title="Đúng hạn sau gia hạn")
    # Done after its original deadline, within the extended one: it needed the extension.
    Task.objects.filter(pk=extended.pk).update(extended=True, assigned_at=now - timedelta(days=20),
                                               original_deadline=now - timedelta(days=6),
                                               deadline=now - timedelta(days=1), submitted_at=now - timedelta(days=3),
                                               completed_at=now - timedelta(days=2))
    late = make_task(status="completed", title="Quá hạn đã xong")
    Task.objects.filter(pk=late.pk).update(assigned_at=now - timedelta(days=9), deadline=now - timedelta(days=3),
                                           submitted_at=now - timedelta(days=2),
                                           completed_at=now - timedelta(days=1))
    make_task(status="in_progress", title="Trong hạn",
              participants=[{"user": world.colleague_division, "part": "Số liệu"}])
    overdue = make_task(status="in_progress", title="Quá hạn")
    Task.objects.filter(pk=overdue.pk).update(deadline=now - timedelta(days=1), assigned_at=now - timedelta(days=9))
    waiting = make_task(status="submitted", title="Nộp đúng hạn, chờ duyệt")
    Task.objects.filter(pk=waiting.pk).update(assigned_at=now - timedelta(days=9), deadline=now - timedelta(days=1),
                                              submitted_at=now - timedelta(days=2))
    make_task(status="assigned", title="Chờ tiếp nhận")
    returned = make_task(status="assigned", title="Trả lại")
    services.task_return(actor=world.staff_division, task=returned, reason="Không thuộc thẩm quyền")
    cancelled = make_task(status="in_progress", title="Đã hủy")
    services.task_cancel(actor=world.head_dept, task=cancelled, reason="Không còn cần")


def exported_register(client, user) -> bytes:
    client.force_login(user)
    response = client.get(reverse("tasks:export"))
    assert response.status_code == 200
    return b"".join(response.streaming_content)


@pytest.fixture
def empty_organisation(world):
    """Org B holds the same units and people as org A's department (other codes), and no task."""
    dept = UnitFactory(parent=world.other_root, code="QD1", name="Sở Nội vụ")
    division = UnitFactory(parent=dept, code="QD1A", name="Phòng Tổ chức", kind=UnitKind.DIVISION)
    head = UserFactory(full_name="Lê Thị Hồng", unit=dept)
    RoleFactory(user=head, unit=dept, role=Role.HEAD)
    UserFactory(full_name="Nguyễn Văn A", unit=division)
    UserFactory(full_name="Trần Thị Bích", unit=division)
    return world.other_root


def test_the_exported_register_imported_into_an_empty_organisation_gives_the_same_counts(
        client, world, make_task, empty_organisation):
    register_of_every_kind(world, make_task)
    source = counts_by_official_status(Task.objects.all())
    assert set(source) == {"done_on_time", "done_on_time_extended", "done_late", "open_within", "open_overdue",
                           "not_tracked"}, source
    states = Counter(Task.objects.values_list("status", flat=True))
    content = exported_register(client, world.head_dept)
    # The organisation it came from is another installation: its tasks (and their codes) are not here.
    Task.objects.all().delete()
    Notification.objects.all().delete()

    client.force_login(world.admin_b)
    url = reverse("tasks:history_import")
    upload = SimpleUploadedFile("so-theo-doi-2026.xlsx", content, content_type=XLSX)
    response = client.post(url, {"assigning_unit": empty_organisation.pk, "file": upload})
    page = response.content.decode()
    assert 'data-testid="import-errors"' not in page, page[-4000:]
    assert 'data-testid="history-import-result"' in page

    imported = Task.objects.filter(assigning_unit__organisation=empty_organisation.organisation)
    assert counts_by_official_status(imported) == source
    assert Counter(imported.values_list("status", flat=True)) == states
    assert imported.get(title="Trong hạn").participants.get().user.full_name == "Trần Thị Bích"
    assert {t.lead_unit.code for t in imported.select_related("lead_unit")} == {"QD1A"}
    events = TaskEvent.objects.filter(task__in=imported)
    assert events.count() == imported.count()
    assert set(events.values_list("action", "actor", "data__file")) == {("import", world.admin_b.pk, "so-theo-doi-2026.xlsx")}

    # Nothing is notified of the past, not even by the overdue job afterwards.
    assert mark_overdue() == 0
    assert not Notification.objects.exists()

    # The same file again changes nothing.
    before = list(imported.order_by("code").values())
    again = client.post(url, {"assigning_unit": empty_organisation.pk,
                              "file": SimpleUploadedFile("so-theo-doi-2026.xlsx", content, content_type=XLSX)})
    assert 'data-testid="history-import-result"' in again.content.decode()
    assert list(imported.order_by("code").values()) == before
    assert TaskEvent.objects.filter(task__in=imported).count() == len(before)


def history_book(rows: list[dict], *, headers=None) -> bytes:
    headers = headers or [c.header for c in COLUMNS]
    keys = {c.header: c.key for c in COLUMNS}
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = SHEET
    sheet.append(headers)
    for values in rows:
        sheet.append([values.get(keys[h]) for h in headers])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def good(world, **overrides):
    values = {"code": "SO-001", "title": "Báo cáo công tác năm 2017", "lead_code": world.staff_division.employee_code,
              "assigned_at": "03/01/2017", "deadline": "31/03/2017 17:00", "original_deadline": "28/02/2017",
              "state": "Hoàn thành", "submitted_at": "31/03/2017 16:00", "completed_at": "05/04/2017",
              "quality": "Tốt", "source_number": "45/KH-UBND"}
    return values | overrides


def test_a_register_row_becomes_a_task_with_its_dates_and_derived_status(world):
    rows = [good(world),
            good(world, code="SO-002", submitted_at="", completed_at="01/04/2017", original_deadline="", quality=""),
            good(world, code="SO-003", state="chưa hoàn thành", submitted_at="", completed_at="", quality="",
                 deadline="30/06/2017", lead_code="", lead_name="Nguyễn Văn A", lead_unit="Phòng Tổ chức",
                 progress="40%")]
    result = import_task_history(history_book(rows), actor=world.head_dept, assigning_unit=world.dept,
                                 file_name="so-cu.xlsx")
    assert result.ok, result.errors
    assert result.imported == 3 and result.by_official_status == {"done_on_time_extended": 1, "done_late": 1,
                                                                  "open_overdue": 1}
    done = Task.objects.get(code="SO-001")
    assert (done.status, done.extended, done.quality, done.lead, done.lead_unit, done.assigner) == (
        TaskStatus.COMPLETED, True, "good", world.staff_division, world.division, world.head_dept)
    assert timezone.localtime(done.original_deadline).strftime("%d/%m/%Y %H:%M") == "28/02/2017 17:00"
    assert timezone.localtime(done.assigned_at).strftime("%d/%m/%Y") == "03/01/2017"
    # Completed on 01/04 with no separate submission date: that date is the submission.
    late = Task.objects.get(code="SO-002")
    assert late.submitted_at == late.completed_at and late.original_deadline == late.deadline and not late.extended
    open_task = Task.objects.get(code="SO-003")
    assert (open_task.status, open_task.progress_percent, open_task.overdue_marked_at is not None) == (
        TaskStatus.IN_PROGRESS, 40, True)
    assert open_task.events.get().note == "Từ sổ theo dõi “so-cu.xlsx”, dòng 4."


def test_every_bad_row_is_reported_by_row_and_column_and_nothing_is_written(world, make_task):
    namesake = UserFactory(full_name="Nguyễn Văn A", unit=world.sub_division)
    future = (timezone.localtime() + timedelta(days=3)).strftime("%d/%m/%Y")
    other = make_task(status="assigned", title="Việc của hệ thống")
    Task.objects.filter(pk=other.pk).update(assigning_unit=world.other_root)
    rows = [
        good(world, assigned_at=future),                                        # 2: assigned in the future
        good(world, code="SO-002", deadline="01/01/2017"),                      # 3: deadline before assignment
        good(world, code="SO-003", state="Dự thảo"),                            # 4: a draft is not history
        good(world, code="SO-004", submitted_at="", completed_at=""),           # 5: done without a date
        good(world, code="SO-005", lead_code="", lead_name="Nguyễn Văn A"),     # 6: two officials of that name
        good(world, code="SO-005"),                                             # 7: the code again
        good(world, code=other.code),                                           # 8: another organisation's code
        good(world, code="SO-008", original_deadline="30/04/2017"),             # 9: original after the deadline
        good(world, code="SO-009", state="Đang thực hiện", quality="Tốt", completed_at=""),  # 10: quality, open
        good(world, code="SO-010", lead_code=world.member_sibling.employee_code),  # 11: outside the unit
        good(world, code="SO-011"),                                             # 12: a good row, not written either
    ]
    result = import_task_history(history_book(rows), actor=world.head_dept, assigning_unit=world.dept)
    letter = {c.key: chr(ord("A") + i) for i, c in enumerate(COLUMNS)}
    where = {(e.row, (e.column or "").split(" ")[0]) for e in result.errors}
    expected = {(2, letter["assigned_at"]), (3, letter["deadline"]), (4, letter["state"]), (5, letter["completed_at"]),
                (6, letter["lead_name"]), (7, letter["code"]), (8, letter["code"]), (9, letter["original_deadline"]),
                (10, letter["quality"]), (11, letter["lead_code"])}
    assert expected <= where, sorted(where)
    assert not any(e.row == 12 for e in result.errors)
    assert any("Phòng Tổ chức" in e.message or "2" in e.message for e in result.errors if e.row == 6)
    assert Task.objects.count() == 1 and namesake.pk


def test_only_heads_and_administrators_of_the_unit_import_history(client, world):
    content = history_book([good(world)])
    url = reverse("tasks:history_import")
    for outsider in (world.staff_division, world.inspector, world.council):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
        assert client.get(reverse("tasks:history_import_template")).status_code == 404

    client.force_login(world.head_sibling)  # heads Sở Tài chính, not Sở Nội vụ
    response = client.post(url, {"assigning_unit": world.dept.pk, "file": SimpleUploadedFile("s.xlsx", content)})
    assert "assigning_unit" in response.context["form"].errors and not Task.objects.exists()

    client.force_login(world.admin_b)  # another organisation's administrator
    response = client.post(url, {"assigning_unit": world.dept.pk, "file": SimpleUploadedFile("s.xlsx", content)})
    assert "assigning_unit" in response.context["form"].errors and not Task.objects.exists()

    client.force_login(world.admin_a)  # administers the whole of org A without heading any unit
    response = client.post(url, {"assigning_unit": world.dept.pk, "file": SimpleUploadedFile("s.xlsx", content)})
    assert 'data-testid="history-import-result"' in response.content.decode(), response.content.decode()[-3000:]
    assert Task.objects.get().events.get().actor == world.admin_a


def test_the_api_takes_the_same_register(client, world):
    url = reverse("api:task-import-history")
    client.force_login(world.head_dept)
    bad = client.post(url, {"assigning_unit": world.dept.pk,
                            "file": SimpleUploadedFile("s.xlsx", history_book([good(world, state="Dự thảo")]))})
    assert bad.status_code == 400 and bad.json()["errors"][0]["row"] == 2 and not Task.objects.exists()
    response = client.post(url, {"assigning_unit": world.dept.pk,
                                 "file": SimpleUploadedFile("s.xlsx", history_book([good(world)]))})
    assert response.status_code == 200, response.content
    assert response.json() == {"imported": 1, "unchanged": 0, "by_official_status": {"done_on_time_extended": 1}}
    again = client.post(url, {"assigning_unit": world.dept.pk,
                              "file": SimpleUploadedFile("s.xlsx", history_book([good(world)]))})
    assert again.json()["unchanged"] == 1 and Task.objects.count() == 1
    outside = client.post(url, {"assigning_unit": world.sibling.pk,
                                "file": SimpleUploadedFile("s.xlsx", history_book([good(world, code="X")]))})
    assert outside.status_code == 400 and "assigning_unit" in outside.json()
    client.force_login(world.staff_division)
    assert client.post(url, {"assigning_unit": world.dept.pk}).status_code == 404


def test_the_benchmark_register_is_imported_with_its_counts(world):
    """The register the harness times (tests/bench/operations.py), at a small size."""
    counts = {"done_on_time": 12, "done_late": 4, "open_within": 3, "open_overdue": 2}
    content = history_register([world.staff_division.employee_code], now=timezone.now(), counts=counts)
    result = import_task_history(content, actor=world.head_dept, assigning_unit=world.dept)
    assert result.ok, result.errors
    by_status = counts_by_official_status(Task.objects.all())
    assert by_status == {"done_on_time": 11, "done_on_time_extended": 1, "done_late": 4, "open_within": 3,
                         "open_overdue": 2}
