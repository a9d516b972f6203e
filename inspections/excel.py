"""The violation register and the discipline register as Excel, one inspection's findings, and
the import of findings from a check sheet (all rows valid, or nothing written)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from accounts.access import people_visible_to
from accounts.models import Unit, User
from core.text import fold
from core.errors import ConflictError
from core.xlsx import register_response, workbook_bytes
from core.xlsx_import import (
    Column,
    RowError,
    cell_ref,
    choice_lookup,
    parse_datetime,
    read_upload,
    text,
)
from core.xlsx_template import data_sheet, guide_sheet
from inspections.models import Inspection, Severity, ViolationType
from inspections.services import check_finding_subject, finding_record

FINDING_HEADERS = [
    "STT", "Mã vi phạm", "Thời gian", "Địa điểm", "Người vi phạm", "Mã cán bộ", "Đơn vị", "Hành vi vi phạm",
    "Mức độ", "Mô tả", "Đợt kiểm tra", "Người ghi nhận", "Trạng thái", "Hạn giải trình", "Giải trình",
    "Hình thức xử lý đề xuất",
]
FINDING_WIDTHS = [6, 16, 16, 22, 24, 12, 28, 36, 16, 40, 16, 22, 20, 14, 36, 20]


def finding_rows(findings):
    """Rows of the violation register; related rows come joined, never one query per finding."""
    for number, f in enumerate(findings.iterator(chunk_size=2000), start=1):
        person = f.subject_person
        yield [
            number, f.code, f.occurred_at, f.location, str(person or ""), (person.employee_code or "") if person else "",
            str(f.subject_unit), f.violation_type.name, f.get_severity_display(), f.description, f.inspection.code,
            str(f.recorded_by), f.get_status_display(), f.explanation_due, f.explanation,
            f.get_proposed_handling_display() if f.proposed_handling else "",
        ]


def findings_response(findings, *, title: str):
    return register_response(slug="so-vi-pham", sheet_title="Sổ theo dõi vi phạm", heading="SỔ THEO DÕI VI PHẠM",
                             title=title, headers=FINDING_HEADERS, rows=finding_rows(findings), widths=FINDING_WIDTHS)


DECISION_HEADERS = [
    "STT", "Mã hồ sơ", "Số quyết định", "Ngày quyết định", "Họ và tên", "Đơn vị", "Nhóm", "Hình thức", "Loại kỷ luật",
    "Người ký", "Hiệu lực từ", "Hiệu lực đến", "Chậm nâng lương đến", "Tính vào xếp loại năm", "Trạng thái", "Căn cứ",
]
DECISION_WIDTHS = [6, 16, 16, 14, 24, 28, 16, 20, 18, 22, 14, 14, 16, 10, 16, 40]


def decision_rows(decisions):
    for number, d in enumerate(decisions.iterator(chunk_size=2000), start=1):
        yield [
            number, d.code, d.number, d.decision_date, str(d.subject or ""), str(d.subject_unit),
            d.get_staff_group_display(),
            d.get_form_display() if d.form else "", d.get_system_display(), d.signer, d.effective_from, d.effect_until,
            d.salary_delay_until, d.counted_in_year, d.get_status_display(),
            d.form_rule.legal_basis if d.form_rule_id else "",
        ]


def decisions_response(decisions, *, title: str):
    return register_response(slug="so-ky-luat", sheet_title="Sổ theo dõi kỷ luật", heading="SỔ THEO DÕI KỶ LUẬT",
                             title=title, headers=DECISION_HEADERS, rows=decision_rows(decisions),
                             widths=DECISION_WIDTHS)


# -- import of a check sheet (phiếu kiểm tra công vụ) ---------------------------------------------

SHEET = "Vi phạm"
COLUMNS = [
    Column("employee_code", "Mã cán bộ", width=14),
    Column("unit_code", "Mã đơn vị", width=14),
    Column("violation", "Hành vi vi phạm", required=True, width=36),
    Column("occurred_at", "Thời gian", required=True, width=18),
    Column("location", "Địa điểm", width=22),
    Column("description", "Mô tả", required=True, width=40),
    Column("severity", "Mức độ", width=18),
]


@dataclass
class FindingImportResult:
    errors: list[RowError] = field(default_factory=list)
    created: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def import_findings(upload, *, actor, inspection: Inspection) -> FindingImportResult:
    """Check every row first (person and unit in the inspected units, violation in the catalogue,
    time not in the future); then record all the findings in one transaction, or none."""
    result = FindingImportResult()
    records = read_upload(upload, SHEET, COLUMNS, result.errors)
    if records is None:
        return result

    codes = {text(r.get("employee_code")) for _row, r in records} - {""}
    people = {p.employee_code: p for p in people_visible_to(actor).filter(employee_code__in=codes, is_active=True)
              .select_related("unit")}
    unit_codes = {text(r.get("unit_code")) for _row, r in records} - {""}
    units = {u.code: u for u in Unit.objects.filter(organisation_id=inspection.organisation_id, code__in=unit_codes)}
    violations = {}
    for v in ViolationType.objects.filter(active=True):
        violations[fold(v.code)] = v
        violations[fold(v.name)] = v
    # The Vietnamese legal terms are accepted whatever the interface language.
    severities = choice_lookup(Severity.choices, extra={
        "it nghiem trong": Severity.MINOR, "nghiem trong": Severity.SERIOUS, "rat nghiem trong": Severity.VERY_SERIOUS,
        "dac biet nghiem trong": Severity.ESPECIALLY_SERIOUS})
    now = timezone.now()
    rows = []
    for row, record in records:
        col = lambda key: cell_ref(SHEET, COLUMNS, key)  # noqa: E731
        before = len(result.errors)
        code, unit_code = text(record.get("employee_code")), text(record.get("unit_code"))
        person = people.get(code) if code else None
        unit = units.get(unit_code) if unit_code else None
        if code and person is None:
            result.errors.append(RowError(SHEET, row, col("employee_code"), _(
                "Official %(code)s is not found among the people you can see.") % {"code": code}))
        if unit_code and unit is None:
            result.errors.append(RowError(SHEET, row, col("unit_code"), _("Unit %(code)s does not exist.")
                                          % {"code": unit_code}))
        if not code and not unit_code:
            result.errors.append(RowError(SHEET, row, col("employee_code"),
                                          _("Give the official's code or the unit's code.")))
        violation = violations.get(fold(text(record.get("violation"))))
        if violation is None:
            result.errors.append(RowError(SHEET, row, col("violation"), _(
                "“%(value)s” is not in the violation catalogue.") % {"value": text(record.get("violation"))}))
        occurred_at = parse_datetime(record.get("occurred_at"), SHEET, row, col("occurred_at"), result.errors,
                                     default_time=(8, 0))
        if occurred_at is not None and occurred_at > now:
            result.errors.append(RowError(SHEET, row, col("occurred_at"), _("The violation cannot be in the future.")))
        description = text(record.get("description"))
        if not description:
            result.errors.append(RowError(SHEET, row, col("description"), _("Describe what was seen.")))
        severity = ""
        if text(record.get("severity")):
            severity = severities.get(fold(text(record.get("severity"))), "")
            if not severity:
                result.errors.append(RowError(SHEET, row, col("severity"), _("“%(value)s” is not a severity.")
                                              % {"value": text(record.get("severity"))}))
        if len(result.errors) == before and (person or unit):
            try:
                check_finding_subject(inspection, person, unit)
            except ValidationError as error:
                result.errors.append(RowError(SHEET, row, col("employee_code" if person else "unit_code"),
                                              " ".join(error.messages)))
        rows.append((row, {"subject_person": person, "subject_unit": unit, "violation_type": violation,
                           "occurred_at": occurred_at, "location": text(record.get("location"))[:300],
                           "description": description, "severity": severity}))
    if not records and not result.errors:
        result.errors.append(RowError(SHEET, None, None, _("The sheet has no rows.")))
    if result.errors:
        return result
    current_row = None
    try:
        with transaction.atomic():
            for current_row, values in rows:  # noqa: B007 - the row is named if a service refuses it
                finding_record(actor=actor, inspection=inspection, data=values)
                result.created += 1
    except (ValidationError, ConflictError, PermissionDenied) as error:
        # Rolled back as a whole; say which row the services refused.
        message = (error.message if isinstance(error, ConflictError)
                   else "; ".join(error.messages) if isinstance(error, ValidationError) else _("Not allowed."))
        result.errors.append(RowError(SHEET, current_row, None, message))
        result.created = 0
    return result


def check_sheet_template(inspection: Inspection) -> bytes:
    """The check sheet: the headers on the sheet (nothing to import until rows are written under
    them) and a guide with an example row and the violation catalogue."""
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    data_sheet(sheet, COLUMNS)
    target = inspection.targets.order_by("path").first()
    person = (User.objects.filter(unit__path__startswith=target.path, is_active=True, employee_code__isnull=False)
              .order_by("full_name").first() if target else None)
    guide_sheet(book, intro=[
        f"Ghi mỗi vi phạm một dòng ở trang “{SHEET}”, từ dòng 2; giữ nguyên dòng tiêu đề (không đổi tên, "
        "không thêm cột).",
        "Cột có dấu * là bắt buộc. Mỗi dòng cần Mã cán bộ hoặc Mã đơn vị. Thời gian ghi dd/mm/yyyy hh:mm.",
        "Mọi dòng được kiểm tra trước; nếu có dòng sai thì không nhập dòng nào.",
    ], sheets=[{"name": SHEET, "columns": COLUMNS, "hints": {
        "employee_code": "mã cán bộ vi phạm, thuộc đơn vị được kiểm tra",
        "unit_code": "mã đơn vị vi phạm (khi vi phạm là của đơn vị), thuộc đơn vị được kiểm tra",
        "violation": "mã hoặc tên hành vi trong danh mục bên dưới",
        "occurred_at": "dd/mm/yyyy hh:mm, hoặc dd/mm/yyyy (08:00 ngày đó); không ở tương lai",
        "location": "tối đa 300 ký tự",
        "description": "điều đã thấy",
        "severity": "ít nghiêm trọng; nghiêm trọng; rất nghiêm trọng; đặc biệt nghiêm trọng; "
                    "để trống: mức mặc định của hành vi",
    }, "examples": [[person.employee_code if person else "CB0001", "", "Đi làm muộn",
                     timezone.localtime().strftime("%d/%m/%Y 08:15"), "Bộ phận một cửa", "Đến cơ quan lúc 8 giờ 15",
                     ""]]}],
        after=[["Mã", "Hành vi vi phạm", "Mức độ mặc định"],
               *([v.code, v.name, v.get_default_severity_display()] for v in ViolationType.objects.filter(active=True))])
    return workbook_bytes(book)
