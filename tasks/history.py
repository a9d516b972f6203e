"""Bringing an existing task register (sổ theo dõi nhiệm vụ) with its history.

A distinct mode beside the live import of a task list (tasks.excel.import_tasks): each row is a
task as it stands in the register — assigned on a date, with its deadline (and the original one
when it was extended), submitted and completed or not, in its final state. Nothing is assigned,
nobody is notified of the past, and "the deadline must be in the future" does not apply. The
official status (QĐ 42/2014) is not read from the file: it follows from the dates by the rules of
tasks.status, as for every live task. The 5-rõ gate governs the assignment of new work and is not
applied to what was assigned years ago; each task's checklist shows what its record lacks.

Rows are keyed by their code: a code already in the register is left as it is, so importing the
same file again changes nothing. Every row is checked first; any error and nothing is written.
The rows are written in bulk (COPY on PostgreSQL), each with an "import" event naming who imported
it and from which file.

The register exported from the task list (tasks.excel.register_response) is such a file: its
title line, its "STT" and its "Tình trạng theo quy định" (derived again here) are set aside.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice
from typing import NamedTuple

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from accounts.access import people_visible_to, units_visible_to
from accounts.models import Unit, User
from core.text import fold
from core.bulk import copy_insert
from core.xlsx import workbook_bytes
from core.xlsx_import import Column, RowError, cell_ref, choice_lookup, parse_date, parse_datetime, read_upload, text
from core.xlsx_template import data_sheet, guide_sheet
from tasks.access import can_import_history, tasks_visible_to
from tasks.excel import FIVE_RO_TEXT_COLUMNS
from tasks.models import OPEN_STATUSES, Participant, Quality, Task, TaskEvent, TaskStatus
from tasks.status import OPEN_OVERDUE, official_status

SHEET = "Sổ theo dõi nhiệm vụ"  # the sheet of the exported register, and of the template
# The exported register has a title line and a blank line above its table.
HEADER_SEARCH_ROWS = 5
COLUMNS = [
    Column("number", "STT", width=6),
    Column("code", "Mã nhiệm vụ", required=True, width=16),
    Column("title", "Tên nhiệm vụ", required=True, width=40),
    Column("content", "Nội dung", width=40),
    Column("source_number", "Văn bản giao", width=18),
    Column("source_date", "Ngày văn bản", width=14),
    Column("source_issuer", "Cơ quan ban hành", width=20),
    Column("lead_unit", "Đơn vị chủ trì", width=26),
    Column("lead_code", "Mã người chủ trì", width=16),
    Column("lead_name", "Người chủ trì", width=24),
    Column("participants", "Đơn vị, người phối hợp", width=32),
    Column("assigned_at", "Ngày giao", required=True, width=18),
    Column("deadline", "Hạn xử lý", required=True, width=18),
    Column("original_deadline", "Hạn ban đầu", width=18),
    Column("progress", "Tiến độ (%)", width=10),
    Column("state", "Trạng thái", required=True, width=20),
    Column("official", "Tình trạng theo quy định", width=24),
    Column("submitted_at", "Ngày nộp kết quả", width=18),
    Column("completed_at", "Ngày hoàn thành", width=18),
    Column("quality", "Chất lượng", width=14),
    Column("reason", "Lý do trả lại, hủy", width=30),
    *FIVE_RO_TEXT_COLUMNS,
]
# Read from an exported register but never trusted: the number is the row's place in that file and
# the official status is derived again from the dates.
SET_ASIDE = {"number", "official"}
TEMPLATE_COLUMNS = [column for column in COLUMNS if column.key not in SET_ASIDE]
REFS = {column.key: cell_ref(SHEET, COLUMNS, column.key) for column in COLUMNS}
TEXT_LIMITS = {"code": 30, "title": 300, "source_number": 100, "source_issuer": 200, "reporting_regime": 200,
               "product_type": 100, "authority_basis": 300}
TEXT_FIELDS = ("title", "content", "source_number", "source_issuer", "process_description", "reporting_regime",
               "responsibility", "product_type", "product_description", "expected_result", "acceptance_criterion",
               "authority_basis", "lead_may_decide")
# "Open" without saying how far: in progress, or awaiting judgement when a submission date is given.
OPEN = "open"
STATES = choice_lookup([(value, label) for value, label in TaskStatus.choices if value != TaskStatus.DRAFT], extra={
    "hoan thanh": TaskStatus.COMPLETED, "da hoan thanh": TaskStatus.COMPLETED, "done": TaskStatus.COMPLETED,
    "chua hoan thanh": OPEN, "dang mo": OPEN, "open": OPEN, "da nop ket qua": TaskStatus.SUBMITTED,
    "cho danh gia": TaskStatus.SUBMITTED, "da giao": TaskStatus.ASSIGNED, "cho tiep nhan": TaskStatus.ASSIGNED,
    "tra lai": TaskStatus.RETURNED, "da tra lai": TaskStatus.RETURNED, "returned": TaskStatus.RETURNED,
    "huy": TaskStatus.CANCELLED, "da huy": TaskStatus.CANCELLED, "cancelled": TaskStatus.CANCELLED,
})
QUALITIES = choice_lookup(Quality.choices)
# Lookups by code are sent in slices that stay under SQLite's bound-parameter limit.
LOOKUP_SLICE = 500


@dataclass
class HistoryImportResult:
    errors: list[RowError] = field(default_factory=list)
    imported: int = 0
    unchanged: int = 0
    by_official_status: Counter = field(default_factory=Counter)

    @property
    def ok(self) -> bool:
        return not self.errors


class _Person(NamedTuple):
    id: int
    code: str | None
    name: str
    unit_id: int


@dataclass
class _Row:
    number: int
    task: Task
    participants: list[tuple[int | None, int | None]]
    reason: str


def import_task_history(upload, *, actor, assigning_unit: Unit, file_name: str = "") -> HistoryImportResult:
    """Check every row of the register, then write the new ones in one transaction (none on any error)."""
    result = HistoryImportResult()
    if not can_import_history(actor, assigning_unit):
        result.errors.append(RowError(SHEET, None, None, _("You may not import the task register of this unit.")))
        return result
    file_name = (file_name or getattr(upload, "name", "") or "").rsplit("/", 1)[-1][:200]
    records = read_upload(upload, SHEET, COLUMNS, result.errors, header_search=HEADER_SEARCH_ROWS)
    if records is None:
        return result
    if not records and not result.errors:
        result.errors.append(RowError(SHEET, None, None, _("The sheet has no rows.")))
        return result
    if result.errors:
        return result

    now = timezone.now()
    checker = _RowChecker(actor, assigning_unit, now, result.errors)
    rows = [row for number, record in records if (row := checker.check(number, record)) is not None]
    known = _codes_already_in_the_register(actor, assigning_unit, rows, result.errors)
    if result.errors:
        return result
    fresh = [row for row in rows if row.task.code not in known]
    result.unchanged = len(rows) - len(fresh)
    with transaction.atomic():
        _write(fresh, actor=actor, file_name=file_name, now=now)
    result.imported = len(fresh)
    result.by_official_status = Counter(official_status(row.task, now) for row in fresh)
    return result


class _RowChecker:
    """Turns a record into an unsaved Task, or notes each of its errors by row and column."""

    def __init__(self, actor, assigning_unit: Unit, now: datetime, errors: list[RowError]):
        self.actor, self.assigning_unit, self.now, self.errors = actor, assigning_unit, now, errors
        self.first_row_of_code: dict[str, int] = {}
        units = list(Unit.objects.filter(path__startswith=assigning_unit.path).only("id", "code", "name", "path"))
        self.units_by_id = {unit.pk: unit for unit in units}
        self.units_by_code = {fold(unit.code): unit for unit in units}
        self.units_by_name = _grouped(units, lambda unit: fold(unit.name))
        # Leads are people of the assigning unit's subtree, as for live tasks; one who has left since
        # is still the lead of what they did then.
        # Plain tuples: a province has tens of thousands of officials, and only these four values are used.
        people = [_Person(*values) for values in User.objects.filter(unit__path__startswith=assigning_unit.path)
                  .values_list("id", "employee_code", "full_name", "unit_id")]
        self.unit_paths = {unit.pk: unit.path for unit in units}
        self.people_by_code = {fold(p.code): p for p in people if p.code}
        self.people_by_name = _grouped(people, lambda person: fold(person.name))
        self._parties = None

    def _error(self, number: int, key: str | None, message: str) -> None:
        self.errors.append(RowError(SHEET, number, REFS[key] if key else None, message))

    def check(self, number: int, record: dict) -> _Row | None:
        errors_before = len(self.errors)
        error = lambda key, message: self._error(number, key, message)  # noqa: E731
        values = {key: text(record.get(key)) for key in TEXT_FIELDS}
        code = text(record.get("code"))
        lengths = values | {"code": code}
        for key, limit in TEXT_LIMITS.items():
            if len(lengths[key]) > limit:
                error(key, _("Longer than %(n)d characters.") % {"n": limit})
        if not code:
            error("code", _("Give the task's code: rows are matched by it when the register is imported again."))
        elif code in self.first_row_of_code:
            error("code", _("Code %(code)s is already on row %(row)d.") % {"code": code, "row": self.first_row_of_code[code]})
        else:
            self.first_row_of_code[code] = number
        if not values["title"]:
            error("title", _("Give the task a title."))

        lead_unit, lead = self._lead(number, record)
        moment = lambda key, default_time=(17, 0): parse_datetime(  # noqa: E731
            record.get(key), SHEET, number, REFS[key], self.errors, default_time=default_time)
        assigned_at = moment("assigned_at", (8, 0))
        deadline = moment("deadline")
        original_deadline = moment("original_deadline")
        submitted_at = moment("submitted_at")
        completed_at = moment("completed_at")
        source_date = parse_date(record.get("source_date"), SHEET, number, REFS["source_date"], self.errors)
        if assigned_at is None and not record.get("assigned_at"):
            error("assigned_at", _("Give the date the task was assigned."))
        if deadline is None and not record.get("deadline"):
            error("deadline", _("Set a deadline."))
        for key, value in (("assigned_at", assigned_at), ("submitted_at", submitted_at), ("completed_at", completed_at)):
            if value is not None and value > self.now:
                error(key, _("This is history: the date cannot be later than now."))
        if assigned_at and deadline and deadline < assigned_at:
            error("deadline", _("The deadline is before the date the task was assigned."))
        if original_deadline and deadline and original_deadline > deadline:
            error("original_deadline", _("The original deadline is later than the deadline: an extension moves the "
                                         "deadline later. Write the deadline after every extension under “Hạn xử lý”."))
        if assigned_at and submitted_at and submitted_at < assigned_at:
            error("submitted_at", _("The result is dated before the task was assigned."))
        if submitted_at and completed_at and completed_at < submitted_at:
            error("completed_at", _("The task is completed before its result was submitted."))

        status = self._status(number, record, submitted_at, completed_at)
        if status == TaskStatus.COMPLETED:
            submitted_at, completed_at = submitted_at or completed_at, completed_at or submitted_at
        quality = self._quality(number, record, status)
        progress = self._progress(number, record, status)
        participants = self._participants(number, record)
        if len(self.errors) > errors_before:
            return None

        extended = original_deadline is not None and original_deadline < deadline
        task = Task(
            code=code, status=status, assigner_id=self.actor.pk, assigning_unit_id=self.assigning_unit.pk,
            lead_id=lead.id, lead_unit_id=lead_unit.pk, source_date=source_date, deadline=deadline,
            original_deadline=original_deadline if extended else deadline, extended=extended,
            assigned_at=assigned_at, submitted_at=submitted_at, completed_at=completed_at,
            progress_percent=progress, quality=quality, created_at=self.now, **values,
        )
        if status in OPEN_STATUSES and official_status(task, self.now) == OPEN_OVERDUE:
            # Already overdue when it arrives: that moment is in the past, so the overdue job must not
            # announce it as news to the lead and the unit's head.
            task.overdue_marked_at = self.now
        task.refresh_search_text()
        return _Row(number, task, participants, text(record.get("reason")))

    def _lead(self, number: int, record: dict) -> tuple[Unit | None, _Person | None]:
        unit_text, code, name = text(record.get("lead_unit")), text(record.get("lead_code")), text(record.get("lead_name"))
        lead_unit = None
        if unit_text:
            lead_unit = self.units_by_code.get(fold(unit_text))
            if lead_unit is None:
                named = self.units_by_name.get(fold(unit_text), [])
                if len(named) == 1:
                    lead_unit = named[0]
                elif named:
                    self._error(number, "lead_unit", _("%(count)d units are named “%(name)s”: write the unit's code "
                                                       "instead.") % {"count": len(named), "name": unit_text})
                    return None, None
                else:
                    self._error(number, "lead_unit", _("Unit “%(name)s” is not %(unit)s or a unit below it.")
                                % {"name": unit_text, "unit": self.assigning_unit})
                    return None, None
        if code:
            lead = self.people_by_code.get(fold(code))
            if lead is None:
                self._error(number, "lead_code", _("Official %(code)s is not found in %(unit)s or a unit below it.")
                            % {"code": code, "unit": self.assigning_unit})
                return None, None
        elif name:
            named = [person for person in self.people_by_name.get(fold(name), [])
                     if lead_unit is None or self.unit_paths[person.unit_id].startswith(lead_unit.path)]
            if len(named) != 1:
                where = lead_unit or self.assigning_unit
                message = (_("%(count)d officials of %(unit)s are named “%(name)s”: give the lead's official code.")
                           if named else _("No official of %(unit)s or a unit below it is named “%(name)s”."))
                self._error(number, "lead_name", message % {"count": len(named), "unit": where, "name": name})
                return None, None
            lead = named[0]
        else:
            self._error(number, "lead_code", _("Name the lead: their official code, or their name and unit."))
            return None, None
        if lead_unit is None:
            lead_unit = self.units_by_id[lead.unit_id]
        elif not self.unit_paths[lead.unit_id].startswith(lead_unit.path):
            self._error(number, "lead_unit", _("The lead must belong to the lead unit."))
            return None, None
        return lead_unit, lead

    def _status(self, number: int, record: dict, submitted_at, completed_at) -> str | None:
        written = text(record.get("state"))
        status = STATES.get(fold(written))
        if status is None:
            self._error(number, "state", _("“%(value)s” is not a final state: write done, in progress, result "
                                           "submitted, returned or cancelled (e.g. “Hoàn thành”, “Đang thực hiện”, "
                                           "“Trả lại người giao”, “Đã hủy”).") % {"value": written})
            return None
        if status == OPEN:
            status = TaskStatus.SUBMITTED if submitted_at else TaskStatus.IN_PROGRESS
        if status == TaskStatus.COMPLETED:
            if not (submitted_at or completed_at):
                self._error(number, "completed_at", _("A completed task needs its completion date."))
        elif completed_at:
            self._error(number, "completed_at", _("Only a completed task has a completion date."))
        if status == TaskStatus.SUBMITTED and not submitted_at:
            self._error(number, "submitted_at", _("Give the date the result was submitted."))
        elif status in (TaskStatus.ASSIGNED, TaskStatus.IN_PROGRESS) and submitted_at:
            self._error(number, "submitted_at", _("A task with a submitted result is “Đã báo cáo kết quả” or "
                                                  "“Hoàn thành”: correct the state or clear the date."))
        return status

    def _quality(self, number: int, record: dict, status: str | None) -> str:
        written = text(record.get("quality"))
        if not written:
            return ""
        quality = QUALITIES.get(fold(written))
        if quality is None or quality == Quality.FAIL or status != TaskStatus.COMPLETED:
            self._error(number, "quality", _("“%(value)s”: only a completed task has a quality, one of %(choices)s.")
                        % {"value": written, "choices": ", ".join(
                            f"“{label}”" for value, label in Quality.choices if value != Quality.FAIL)})
            return ""
        return quality

    def _progress(self, number: int, record: dict, status: str | None) -> int:
        if status in (TaskStatus.SUBMITTED, TaskStatus.COMPLETED):
            return 100
        written = text(record.get("progress")).removesuffix("%").strip()
        if not written:
            return 0
        if not re.fullmatch(r"\d{1,3}", written) or int(written) > 100:
            self._error(number, "progress", _("Progress is a percentage from 0 to 100."))
            return 0
        return int(written)

    def _participants(self, number: int, record: dict) -> list[tuple[int | None, int | None]]:
        """"Person – Unit; Unit; Person", as the register writes its co-operating parties."""
        written = text(record.get("participants"))
        if not written:
            return []
        people_by_name, units_by_name = self._party_lookups()
        found = []
        for entry in (part.strip() for part in written.split(";")):
            if not entry:
                continue
            name, _dash, unit_name = (piece.strip() for piece in entry.partition(" – "))
            people = people_by_name.get(fold(name), [])
            if unit_name:
                # "Person – Unit": the unit is the party's (most often the person's own, which tells
                # namesakes apart); the person is who answers for the part.
                people = [p for p in people if fold(p.unit.name) == fold(unit_name)] or people
                units = units_by_name.get(fold(unit_name), [])
                party = (people[0].pk, units[0].pk if len(units) == 1 else None) if len(people) == 1 else None
            else:
                units = units_by_name.get(fold(name), [])
                party = ((people[0].pk, None) if len(people) == 1 and not units
                         else (None, units[0].pk) if len(units) == 1 and not people else None)
            if party:
                found.append(party)
            else:
                self._error(number, "participants", (
                    _("“%(entry)s” names more than one person or unit you can see: write “Name – Unit”.") if people or units
                    else _("“%(entry)s” is not a person or a unit you can see.")) % {"entry": entry})
        return found

    def _party_lookups(self):
        if self._parties is None:
            organisation = self.assigning_unit.organisation_id
            people = people_visible_to(self.actor).filter(unit__organisation_id=organisation).select_related("unit")
            units = units_visible_to(self.actor).filter(organisation_id=organisation)
            self._parties = (_grouped(people, lambda p: fold(p.full_name or p.username)),
                             _grouped(units, lambda u: fold(u.name)))
        return self._parties


def _grouped(items, key) -> dict[str, list]:
    groups = defaultdict(list)
    for item in items:
        groups[key(item)].append(item)
    return groups


def _codes_already_in_the_register(actor, assigning_unit: Unit, rows: list[_Row], errors: list[RowError]) -> set[str]:
    """Codes of rows already imported (or created here): left unchanged. A code held by a task the
    importer cannot see, or one of another organisation, is an error (without telling whose it is)."""
    codes = [row.task.code for row in rows]
    known, foreign = set(), set()
    visible = tasks_visible_to(actor).filter(assigning_unit__organisation_id=assigning_unit.organisation_id)
    for start in range(0, len(codes), LOOKUP_SLICE):
        part = codes[start:start + LOOKUP_SLICE]
        taken = set(Task.objects.filter(code__in=part).values_list("code", flat=True))
        if taken:
            mine = set(visible.filter(code__in=taken).values_list("code", flat=True))
            known |= mine
            foreign |= taken - mine
    for row in rows:
        if row.task.code in foreign:
            errors.append(RowError(SHEET, row.number, REFS["code"],
                                   _("Code %(code)s is already used by another task: give this one its own code.")
                                   % {"code": row.task.code}))
    return known


def _write(rows: list[_Row], *, actor, file_name: str, now: datetime) -> None:
    copy_insert(Task, [row.task for row in rows])
    ids: dict[str, int] = {}
    codes = iter([row.task.code for row in rows])
    while part := list(islice(codes, LOOKUP_SLICE)):
        ids.update(Task.objects.filter(code__in=part).values_list("code", "id"))
    participants, events = [], []
    for row in rows:
        task_id = ids[row.task.code]
        row.task.pk = task_id
        participants += [Participant(task_id=task_id, user_id=user_id, unit_id=unit_id, part="")
                         for user_id, unit_id in row.participants]
        data = {"file": file_name, "row": row.number}
        if row.task.extended:
            data |= {"original_deadline": row.task.original_deadline.isoformat(), "deadline": row.task.deadline.isoformat()}
        if row.reason:
            data["reason"] = row.reason
        events.append(TaskEvent(task_id=task_id, action="import", from_status="", to_status=row.task.status, actor=actor,
                                deadline=row.task.deadline,
                                at=now, note=_("From the register “%(file)s”, row %(row)d.") % data, data=data))
    copy_insert(Participant, participants)
    copy_insert(TaskEvent, events)


def history_template_bytes() -> bytes:
    """The history template: the register's headers on its sheet, and a guide with examples."""
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    data_sheet(sheet, TEMPLATE_COLUMNS)
    guide_sheet(book, intro=[
        f"Ghi mỗi nhiệm vụ của sổ theo dõi một dòng ở trang “{SHEET}”, từ dòng 2; giữ nguyên dòng tiêu đề.",
        "Cột có dấu * là bắt buộc. Ngày ghi dd/mm/yyyy; thời điểm ghi dd/mm/yyyy hh:mm (chỉ ghi ngày thì hạn "
        "xử lý, ngày nộp và ngày hoàn thành tính đến 17:00, ngày giao tính từ 08:00).",
        "Tình trạng theo quy định (đúng hạn, quá hạn, trong hạn…) không ghi: hệ thống tự xác định từ ngày nộp "
        "kết quả, hạn xử lý và thời điểm hiện tại, theo cùng quy tắc như nhiệm vụ đang theo dõi.",
        "Sổ theo dõi nhiệm vụ xuất từ hệ thống cũng nhập được nguyên như vậy (bỏ qua dòng tiêu đề, cột STT và "
        "cột Tình trạng theo quy định).",
        "Mỗi dòng nhận diện bằng Mã nhiệm vụ: mã đã có trên hệ thống thì dòng đó giữ nguyên, nên nhập lại cùng "
        "tệp không thay đổi gì. Không gửi thông báo nào cho các việc đã qua.",
        "Mọi dòng được kiểm tra trước; nếu có dòng sai thì không nhập dòng nào.",
    ], sheets=[{"name": SHEET, "columns": TEMPLATE_COLUMNS, "hints": {
        "code": "mã nhiệm vụ trong sổ, không trùng; tối đa 30 ký tự",
        "title": "tối đa 300 ký tự",
        "content": "việc phải làm",
        "source_number": "số văn bản giao nhiệm vụ",
        "source_date": "dd/mm/yyyy",
        "lead_unit": "mã hoặc tên đơn vị chủ trì (đơn vị được chọn khi nhập hoặc đơn vị cấp dưới); để trống: "
                     "đơn vị của người chủ trì",
        "lead_code": "mã cán bộ của người chủ trì; hoặc để trống và ghi Người chủ trì",
        "lead_name": "họ và tên người chủ trì, khi không ghi mã (trùng tên trong đơn vị thì phải ghi mã)",
        "participants": "“Họ và tên – Đơn vị” hoặc tên đơn vị, cách nhau bằng dấu chấm phẩy",
        "assigned_at": "ngày giao nhiệm vụ, dd/mm/yyyy hoặc dd/mm/yyyy hh:mm",
        "deadline": "hạn xử lý sau mọi lần gia hạn; có thể đã qua",
        "original_deadline": "hạn ban đầu, khi nhiệm vụ đã được gia hạn; để trống nếu không gia hạn",
        "progress": "0–100; nhiệm vụ đã nộp kết quả hoặc hoàn thành tính 100",
        "state": "Hoàn thành; Đang thực hiện; Đã giao, chờ tiếp nhận; Đã báo cáo kết quả; Trả lại người giao; "
                 "Đã hủy (hoặc: chưa hoàn thành)",
        "submitted_at": "ngày nộp kết quả (căn cứ tính đúng hạn); để trống thì lấy ngày hoàn thành",
        "completed_at": "ngày hoàn thành (được duyệt); chỉ ghi cho nhiệm vụ hoàn thành",
        "quality": "Xuất sắc, Tốt hoặc Đạt yêu cầu; chỉ cho nhiệm vụ hoàn thành",
        "reason": "lý do trả lại hoặc hủy",
        "process_description": "các bước thực hiện",
        "reporting_regime": "ví dụ: hằng tuần",
        "responsibility": "trách nhiệm của người chủ trì",
        "product_type": "ví dụ: báo cáo, văn bản, đề án",
        "product_description": "sản phẩm phải nộp",
        "expected_result": "kết quả cần đạt",
        "acceptance_criterion": "căn cứ để nghiệm thu",
        "authority_basis": "thẩm quyền giao nhiệm vụ",
        "lead_may_decide": "những việc người chủ trì được tự quyết",
    }, "examples": [
        ["NV2017-0001", "Rà soát thủ tục hành chính", "Rà soát thủ tục thuộc thẩm quyền", "45/KH-UBND", "02/01/2017",
         "UBND tỉnh", "Phòng Tổ chức", "CB0001", "", "Phòng Tài chính", "03/01/2017", "31/03/2017 17:00",
         "28/02/2017 17:00", "", "Hoàn thành", "30/03/2017 10:00", "05/04/2017", "Tốt", "", "Thống kê; đánh giá",
         "Hằng tháng", "Chịu trách nhiệm về danh mục", "Báo cáo", "Báo cáo rà soát", "100% thủ tục được rà soát",
         "Lãnh đạo thông qua", "Chủ tịch UBND tỉnh", "Phân công trong phòng"],
        ["NV2017-0002", "Báo cáo công tác cải cách hành chính", "", "", "", "", "", "", "Nguyễn Văn A", "",
         "10/02/2017", "30/06/2017", "", "60", "Đang thực hiện", "", "", "", "", "", "", "", "", "", "", "", "", ""],
    ]}])
    return workbook_bytes(book)
