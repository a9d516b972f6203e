"""The task register (sổ theo dõi nhiệm vụ) export, and the import of a task list."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import islice

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from accounts.access import people_visible_to
from core.xlsx import register_response as xlsx_register
from core.xlsx import workbook_bytes
from core.xlsx_import import (
    Column,
    RowError,
    cell_ref,
    parse_bool,
    parse_date,
    parse_datetime,
    read_upload,
    text,
)
from core.xlsx_template import data_sheet, guide_sheet
from tasks.clarity import clarity_check, missing_dimensions, profile_for
from tasks.models import Participant, Quality, Task, TaskStatus
from tasks.services import task_assign, task_create_draft
from tasks.status import LABELS, official_status_expression

# The register carries every date its official status is derived from (assignment, effective and
# original deadline, submission, completion), so the exported file is also a history import
# (tasks.history) that reproduces the same counts by official status.
REGISTER_HEADERS = [
    "STT", "Mã nhiệm vụ", "Tên nhiệm vụ", "Văn bản giao", "Đơn vị chủ trì", "Người chủ trì", "Đơn vị, người phối hợp",
    "Ngày giao", "Hạn xử lý", "Hạn ban đầu", "Tiến độ (%)", "Trạng thái", "Tình trạng theo quy định",
    "Ngày nộp kết quả", "Ngày hoàn thành", "Chất lượng",
]
REGISTER_WIDTHS = [6, 16, 48, 18, 28, 24, 36, 16, 16, 16, 10, 18, 26, 16, 16, 14]


REGISTER_COLUMNS = ("id", "code", "title", "source_number", "lead_unit__name", "lead__full_name", "lead__username",
                    "assigned_at", "deadline", "original_deadline", "extended", "progress_percent", "status", "official",
                    "submitted_at", "completed_at", "quality")
CHUNK = 2000


def _parties_by_task(task_ids: list[int]) -> dict[int, str]:
    parties: dict[int, list[str]] = {}
    for task_id, full_name, username, unit_name in Participant.objects.filter(task_id__in=task_ids).order_by("id") \
            .values_list("task_id", "user__full_name", "user__username", "unit__name"):
        person = full_name or username or ""
        parties.setdefault(task_id, []).append(f"{person}{' – ' if person and unit_name else ''}{unit_name or ''}")
    return {task_id: "; ".join(names) for task_id, names in parties.items()}


def register_rows(tasks):
    """Rows of the register, read as plain values (no model objects: at 100,000 rows they would
    cost more than writing the workbook), participants in one query per chunk of tasks."""
    if "official" not in tasks.query.annotations:
        tasks = tasks.annotate(official=official_status_expression())
    statuses = {value: str(label) for value, label in TaskStatus.choices}
    qualities = {value: str(label) for value, label in Quality.choices}
    officials = {value: str(label) for value, label in LABELS.items()}
    rows = tasks.values_list(*REGISTER_COLUMNS).iterator(chunk_size=CHUNK)
    number = 0
    while chunk := list(islice(rows, CHUNK)):
        parties = _parties_by_task([row[0] for row in chunk])
        for (task_id, code, title, source_number, unit_name, full_name, username, assigned_at, deadline,
             original_deadline, extended, progress, status, official, submitted_at, completed_at, quality) in chunk:
            number += 1
            yield [
                number, code, title, source_number, unit_name or "", full_name or username or "",
                parties.get(task_id, ""), assigned_at, deadline, original_deadline if extended else None, progress,
                statuses.get(status, status), officials.get(official, ""), submitted_at, completed_at,
                qualities.get(quality, ""),
            ]


def register_response(tasks, *, title: str):
    return xlsx_register(slug="so-theo-doi-nhiem-vu", sheet_title="Sổ theo dõi nhiệm vụ", heading="SỔ THEO DÕI NHIỆM VỤ",
                         title=title, headers=REGISTER_HEADERS, rows=register_rows(tasks), widths=REGISTER_WIDTHS)


# -- import of a task list (e.g. the tasks drawn from a directive) ------------------------

TASK_SHEET = "Nhiệm vụ"
# The 5-rõ texts of a task (process, responsibility, product, result, authority): the same columns in
# the task-list template and in the register brought in with its history (tasks.history).
FIVE_RO_TEXT_COLUMNS = [
    Column("process_description", "Quy trình", width=30),
    Column("reporting_regime", "Chế độ báo cáo", width=18),
    Column("responsibility", "Trách nhiệm", width=30),
    Column("product_type", "Loại sản phẩm", width=16),
    Column("product_description", "Mô tả sản phẩm", width=30),
    Column("expected_result", "Kết quả dự kiến", width=30),
    Column("acceptance_criterion", "Tiêu chí nghiệm thu", width=30),
    Column("authority_basis", "Thẩm quyền giao", width=24),
    Column("lead_may_decide", "Chủ trì được quyết định", width=24),
]
TASK_COLUMNS = [
    Column("title", "Tên nhiệm vụ", required=True, width=40),
    Column("content", "Nội dung", required=True, width=50),
    Column("lead_code", "Mã người chủ trì", required=True, width=16),
    Column("deadline", "Hạn xử lý", required=True, width=18),
    Column("source_number", "Số văn bản giao", width=16),
    Column("source_date", "Ngày văn bản", width=14),
    Column("source_issuer", "Cơ quan ban hành", width=20),
    *FIVE_RO_TEXT_COLUMNS,
    Column("participant_codes", "Mã người phối hợp", width=20),
    Column("participant_part", "Phần việc phối hợp", width=30),
    Column("assign_now", "Giao ngay", width=10),
]


@dataclass
class TaskImportResult:
    errors: list[RowError] = field(default_factory=list)
    drafts: int = 0
    assigned: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def import_tasks(upload, *, actor, assigning_unit) -> TaskImportResult:
    """Validate every row (people in scope, dates, and the 5-rõ gate for rows to assign now);
    write all the tasks in one transaction only if no row has an error."""
    result = TaskImportResult()
    records = read_upload(upload, TASK_SHEET, TASK_COLUMNS, result.errors)
    if records is None:
        return result
    if not records and not result.errors:  # an untouched template: say so, rather than "0 imported"
        result.errors.append(RowError(TASK_SHEET, None, None, _("The sheet has no rows.")))
        return result

    codes = set()
    for _row, record in records:
        codes.add(text(record.get("lead_code")))
        codes.update(c.strip() for c in text(record.get("participant_codes")).split(",") if c.strip())
    people = {p.employee_code: p for p in people_visible_to(actor).filter(employee_code__in=codes, is_active=True)
              .select_related("unit")}
    profile = profile_for(assigning_unit.organisation_id)
    rows = []
    for row, record in records:
        col = lambda key: cell_ref(TASK_SHEET, TASK_COLUMNS, key)  # noqa: E731
        errors_before = len(result.errors)
        values = {c.key: text(record.get(c.key)) for c in TASK_COLUMNS
                  if c.key not in ("deadline", "source_date", "assign_now", "lead_code", "participant_codes")}
        for key, limit in (("title", 300), ("source_number", 100), ("source_issuer", 200), ("reporting_regime", 200),
                           ("product_type", 100), ("authority_basis", 300)):
            if len(values[key]) > limit:
                result.errors.append(RowError(TASK_SHEET, row, col(key), _("Longer than %(n)d characters.") % {"n": limit}))
        if not values["title"]:
            result.errors.append(RowError(TASK_SHEET, row, col("title"), _("Give the task a title.")))
        lead_code = text(record.get("lead_code"))
        lead = people.get(lead_code)
        if lead is None:
            result.errors.append(RowError(TASK_SHEET, row, col("lead_code"),
                                          _("Official %(code)s is not found among the people you can see.") % {"code": lead_code}))
        elif lead.unit is None or not lead.unit.path.startswith(assigning_unit.path):
            result.errors.append(RowError(TASK_SHEET, row, col("lead_code"),
                                          _("%(name)s is not in %(unit)s or a unit below it.") % {"name": lead, "unit": assigning_unit}))
        deadline = parse_datetime(record.get("deadline"), TASK_SHEET, row, col("deadline"), result.errors)
        if deadline is None and len(result.errors) == errors_before:
            result.errors.append(RowError(TASK_SHEET, row, col("deadline"), _("Set a deadline.")))
        elif deadline is not None and deadline <= timezone.now():
            result.errors.append(RowError(TASK_SHEET, row, col("deadline"), _("The deadline must be in the future.")))
        source_date = parse_date(record.get("source_date"), TASK_SHEET, row, col("source_date"), result.errors)
        participants = []
        for code in [c.strip() for c in text(record.get("participant_codes")).split(",") if c.strip()]:
            if code not in people:
                result.errors.append(RowError(TASK_SHEET, row, col("participant_codes"),
                                              _("Official %(code)s is not found among the people you can see.") % {"code": code}))
            else:
                participants.append({"user": people[code], "part": values["participant_part"]})
        assign_now = parse_bool(record.get("assign_now"), TASK_SHEET, row, col("assign_now"), result.errors)
        data = {k: v for k, v in values.items() if k != "participant_part"}
        data.update(lead=lead, lead_unit=lead.unit if lead else None, deadline=deadline, source_date=source_date)
        if assign_now and len(result.errors) == errors_before:
            candidate = Task(assigning_unit=assigning_unit, **data)
            missing = missing_dimensions(clarity_check(
                candidate, profile=profile, participants=[Participant(**p) for p in participants], steps=[]))
            for dimension, reasons in missing.items():
                result.errors.append(RowError(TASK_SHEET, row, None, f"{dimension}: {' '.join(reasons)}"))
        rows.append((row, data, participants, assign_now))
    if result.errors:
        return result
    try:
        with transaction.atomic():
            for row, data, participants, assign_now in rows:
                task = task_create_draft(actor=actor, assigning_unit=assigning_unit, data=data, participants=participants)
                if assign_now:
                    task_assign(actor=actor, task=task)
                    result.assigned += 1
                else:
                    result.drafts += 1
    except (ValidationError, PermissionDenied) as error:
        # Rolled back as a whole; say which row the services refused.
        message = "; ".join(error.messages) if isinstance(error, ValidationError) else _("Not allowed.")
        result.errors.append(RowError(TASK_SHEET, row, None, message))
        result.drafts = result.assigned = 0
    return result


def task_template_bytes() -> bytes:
    """The task-list template: the headers on the sheet (nothing to import until rows are written
    under them) and a guide with an example task."""
    book = Workbook()
    sheet = book.active
    sheet.title = TASK_SHEET
    data_sheet(sheet, TASK_COLUMNS)
    guide_sheet(book, intro=[
        f"Ghi mỗi nhiệm vụ một dòng ở trang “{TASK_SHEET}”, từ dòng 2; giữ nguyên dòng tiêu đề (không đổi tên, "
        "không thêm cột).",
        "Cột có dấu * là bắt buộc. Ngày ghi dd/mm/yyyy; hạn xử lý ghi dd/mm/yyyy hh:mm.",
        "Mọi dòng được kiểm tra trước; nếu có dòng sai thì không nhập dòng nào.",
    ], sheets=[{"name": TASK_SHEET, "columns": TASK_COLUMNS, "hints": {
        "title": "tối đa 300 ký tự",
        "content": "việc phải làm (rõ việc)",
        "lead_code": "mã cán bộ của người chủ trì, thuộc đơn vị giao hoặc đơn vị cấp dưới (rõ người)",
        "deadline": "dd/mm/yyyy hh:mm, hoặc dd/mm/yyyy (17:00 ngày đó); phải sau thời điểm nhập (rõ thời gian)",
        "source_number": "số văn bản giao nhiệm vụ, tối đa 100 ký tự",
        "source_date": "dd/mm/yyyy",
        "source_issuer": "tối đa 200 ký tự",
        "process_description": "các bước thực hiện",
        "reporting_regime": "ví dụ: hằng tuần; tối đa 200 ký tự",
        "responsibility": "trách nhiệm của người chủ trì (rõ trách nhiệm)",
        "product_type": "ví dụ: báo cáo, văn bản, đề án; tối đa 100 ký tự",
        "product_description": "sản phẩm phải nộp (rõ sản phẩm)",
        "expected_result": "kết quả cần đạt",
        "acceptance_criterion": "căn cứ để nghiệm thu",
        "authority_basis": "thẩm quyền giao nhiệm vụ; tối đa 300 ký tự",
        "lead_may_decide": "những việc người chủ trì được tự quyết",
        "participant_codes": "mã cán bộ của người phối hợp, cách nhau bằng dấu phẩy",
        "participant_part": "phần việc của người phối hợp",
        "assign_now": "có: giao ngay (phải đủ 5 rõ); không hoặc để trống: lưu bản nháp",
    }, "examples": [[
        "Rà soát thủ tục hành chính", "Rà soát toàn bộ thủ tục thuộc thẩm quyền, đề xuất cắt giảm", "CB0001",
        "20/12/2026 17:00", "45/KH-UBND", "01/11/2026", "UBND tỉnh", "Thống kê; đánh giá; đề xuất", "Hằng tuần",
        "Chịu trách nhiệm về danh mục", "Báo cáo", "Báo cáo rà soát", "100% thủ tục được rà soát",
        "Lãnh đạo thông qua", "Chủ tịch UBND tỉnh", "Phân công trong phòng", "CB0002, CB0003", "Cung cấp số liệu", "có",
    ]]}])
    return workbook_bytes(book)
