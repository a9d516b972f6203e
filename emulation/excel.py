"""The ranking table and the decision list as Excel (the usual table layout: STT, họ và tên, chức
vụ, đơn vị, …), and the import of manual criterion points (every row checked first; errors by
row and column; nothing written on any error)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl import Workbook

from accounts.models import Unit
from core.xlsx import register_response, workbook_bytes
from core.xlsx_import import Column, RowError, cell_ref, read_upload, text
from core.xlsx_template import data_sheet, guide_sheet
from emulation import services
from emulation.models import CriterionKind, Period, SessionResult, Title, Verdict

RANKING_HEADERS = ["STT", "Họ và tên", "Chức vụ", "Đơn vị", "Nhóm", "Tiêu chí chung", "Kết quả nhiệm vụ",
                   "Tổng điểm", "Xếp loại (tính)", "Xếp loại (quyết định)", "Hạng trong đơn vị",
                   "Không xét khen thưởng", "Lý do / ghi chú"]
RANKING_WIDTHS = [6, 26, 20, 28, 14, 12, 12, 10, 12, 12, 10, 12, 60]
DECISION_HEADERS = ["STT", "Họ và tên", "Chức vụ", "Đơn vị", "Danh hiệu", "Số quyết định", "Ngày quyết định",
                    "Số phiếu đồng ý", "Tổng số thành viên", "Tỷ lệ (%)", "Ghi chú"]
DECISION_WIDTHS = [6, 26, 20, 28, 30, 16, 14, 10, 10, 10, 40]


def _level(code: str) -> str:
    return code.upper() if code else ""


def ranking_response(period: Period, ratings):
    withheld = {v["person_id"]: v["conditions"] for v in Verdict.objects.filter(
        period=period, title=Title.LDTT, eligible=False).values("person_id", "conditions")}

    def rows():
        for number, rating in enumerate(ratings.iterator(chunk_size=2000), start=1):
            reasons = "; ".join(c["reason"] for c in withheld.get(rating.person_id, []) if not c["passed"])
            yield [number, rating.person.full_name, rating.person.position, rating.unit.name,
                   rating.get_staff_group_display(), rating.general_points, rating.task_points, rating.score,
                   _level(rating.computed_level), _level(rating.level or rating.computed_level),
                   (f"{rating.rank_in_unit}=" if rating.rank_tied else rating.rank_in_unit) or "",
                   "x" if rating.withheld else "", reasons or rating.pending_reason or rating.level_note]

    return register_response(slug=f"xep-hang-{period.year}", sheet_title="Xếp hạng", heading="BẢNG XẾP HẠNG",
                             title=period.name, headers=RANKING_HEADERS, rows=rows(), widths=RANKING_WIDTHS)


def decision_response(period: Period, awards):
    results = {r.nomination_id: r for r in SessionResult.objects.filter(session__period=period)}
    titles = dict(Title.choices)

    def rows():
        for number, award in enumerate(awards, start=1):
            result = results.get(award.nomination_id)
            note = _("Revoked %(day)s: %(reason)s") % {"day": award.revoked_at.strftime("%d/%m/%Y"),
                                                       "reason": award.revoke_reason} if award.revoked_at else ""
            yield [number, award.person.full_name if award.person_id else "", award.person.position
                   if award.person_id else "", award.unit.name, str(titles[award.title]), award.decision_number,
                   award.decision_date, result.yes if result else "", result.members if result else "",
                   result.percent if result else "", note]

    return register_response(slug=f"danh-sach-khen-thuong-{period.year}", sheet_title="Danh sách",
                             heading="DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG", title=period.name, headers=DECISION_HEADERS,
                             rows=rows(), widths=DECISION_WIDTHS)


# -- manual points --------------------------------------------------------------------------------

SHEET = "Diem"
COLUMNS = [
    Column("unit_code", "Mã đơn vị", required=True, width=14),
    Column("unit_name", "Tên đơn vị", width=32),
    Column("criterion", "Mã tiêu chí", required=True, width=12),
    Column("points", "Điểm", required=True, width=10),
    Column("evidence", "Minh chứng", required=True, width=50),
]


@dataclass
class ImportResult:
    errors: list[RowError] = field(default_factory=list)
    created: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def manual_template(period: Period) -> bytes:
    """A sheet with one row per unit and manual criterion to fill in (rows left without points and
    evidence are not imported), and a guide to the criteria. The headers stay unmarked: every row
    is written by the product, and the guide says which columns are required."""
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    data_sheet(sheet, COLUMNS, mark_required=False)
    criteria = list(period.criteria.filter(kind=CriterionKind.MANUAL))
    units = list(Unit.objects.filter(path__startswith=period.unit.path, depth__gt=period.unit.depth,
                                     active=True).order_by("path"))
    for unit in units:
        for criterion in criteria:
            sheet.append([unit.code, unit.name, criterion.code, None, None])
    example = [units[0].code if units else "DV01", units[0].name if units else "Phòng Tổ chức",
               criteria[0].code if criteria else "6", float(min(criteria[0].max_points, 8)) if criteria else 8,
               "Quyết định số 10/QĐ-UBND ngày 05/03/2026 công nhận mô hình"]
    guide_sheet(book, intro=[
        f"Trang “{SHEET}” có sẵn một dòng cho mỗi đơn vị và mỗi tiêu chí chấm tay: ghi Điểm và Minh chứng vào "
        "các dòng cần chấm; dòng để trống cả Điểm và Minh chứng thì không nhập.",
        "Giữ nguyên dòng tiêu đề (không đổi tên, không thêm cột). Ngày trong minh chứng ghi dd/mm/yyyy.",
        "Mọi dòng được kiểm tra trước; nếu có dòng sai thì không nhập dòng nào.",
    ], sheets=[{"name": SHEET, "columns": COLUMNS, "mark_required": False, "hints": {
        "unit_code": "đã điền sẵn: mã đơn vị thuộc kỳ thi đua",
        "unit_name": "đã điền sẵn, để đọc cho dễ; không được nhập",
        "criterion": "đã điền sẵn: mã tiêu chí chấm tay (bảng bên dưới)",
        "points": "số từ 0 đến điểm tối đa của tiêu chí, dấu phẩy hoặc chấm thập phân (ví dụ 9,5)",
        "evidence": "văn bản làm căn cứ: số, ngày (dd/mm/yyyy), nội dung",
    }, "examples": [example]}],
        after=[["Mã tiêu chí", "Tiêu chí", "Điểm tối đa"],
               *([criterion.code, criterion.name, float(criterion.max_points)] for criterion in criteria)])
    return workbook_bytes(book)


def import_manual_scores(upload, *, actor, period: Period) -> ImportResult:
    result = ImportResult()
    records = read_upload(upload, SHEET, COLUMNS, result.errors)
    if records is None:
        return result
    units = {u.code: u for u in Unit.objects.filter(organisation_id=period.organisation_id,
                                                    code__in={text(r.get("unit_code")) for _row, r in records})}
    criteria = {c.code: c for c in period.criteria.all()}
    entries, seen = [], {}
    for row, record in records:
        if not text(record.get("points")) and not text(record.get("evidence")):
            # The template lists every unit and manual criterion; a row left without points and
            # evidence is one not scored in this file, not an error.
            continue
        unit, criterion = units.get(text(record.get("unit_code"))), criteria.get(text(record.get("criterion")))
        problems = services.check_manual_score(period, unit, criterion, text(record.get("points")),
                                               text(record.get("evidence")), actor=actor)
        if text(record.get("unit_code")) and unit is None:
            problems["unit"] = _("Unit %(code)s does not exist.") % {"code": text(record.get("unit_code"))}
        key = (unit.pk if unit else None, criterion.pk if criterion else None)
        if not problems and key in seen:
            problems["criterion"] = _("The same unit and criterion are already on row %(row)d.") % {"row": seen[key]}
        seen.setdefault(key, row)
        columns = {"unit": "unit_code", "criterion": "criterion", "points": "points", "evidence": "evidence"}
        for name, message in problems.items():
            result.errors.append(RowError(SHEET, row, cell_ref(SHEET, COLUMNS, columns[name]), message))
        if not problems:
            entries.append({"unit": unit, "criterion": criterion, "points": text(record.get("points")),
                            "evidence": text(record.get("evidence"))})
    if not records and not result.errors:
        result.errors.append(RowError(SHEET, None, None, _("The sheet has no rows.")))
    elif not entries and not result.errors:
        result.errors.append(RowError(SHEET, None, cell_ref(SHEET, COLUMNS, "points"), _(
            "No points to import: write the points and the evidence on the rows to score.")))
    if result.errors:
        return result
    try:
        result.created = services.manual_scores_set(actor=actor, period=period, entries=entries)
    except ValidationError as error:
        result.errors.extend(RowError(SHEET, None, None, message) for message in error.messages)
    return result



def filename(slug: str, period: Period) -> str:
    return f"{slug}-{period.year}.xlsx"
