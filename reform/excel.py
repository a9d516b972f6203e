"""Self-scores and survey points from Excel (every row checked first, nothing written on any
error), their templates, and the ranking table in the usual published layout."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from openpyxl import Workbook

from config.errors import ConflictError
from config.xlsx import register_response, workbook_bytes
from config.xlsx_import import Column, RowError, cell_ref, read_upload, text
from config.xlsx_template import data_sheet, guide_sheet
from reform import services
from reform.access import assessments_visible_to, available_actions
from reform.models import CriteriaSet

SELF_SHEET = "Tự chấm"
SELF_COLUMNS = [
    Column("unit_code", "Mã đơn vị", required=True, width=14),
    Column("sub_code", "Mã tiêu chí", required=True, width=14),
    Column("points", "Điểm tự chấm", required=True, width=14),
    Column("note", "Giải trình", width=50),
]
SURVEY_SHEET = "Điều tra"
SURVEY_COLUMNS = [
    Column("unit_code", "Mã đơn vị", required=True, width=14),
    Column("area_code", "Mã lĩnh vực", required=True, width=14),
    Column("points", "Điểm điều tra", required=True, width=14),
]


@dataclass
class ImportResult:
    errors: list[RowError] = field(default_factory=list)
    written: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def _decimal(value, sheet, row, column, errors) -> Decimal | None:
    try:
        number = Decimal(text(value).replace(",", "."))
    except (InvalidOperation, ValueError):
        number = None
    if number is None or not number.is_finite():
        errors.append(RowError(sheet, row, column, _("“%(value)s” is not a number of points.") % {"value": text(value)}))
        return None
    return number


def _assessments(actor, criteria_set: CriteriaSet) -> dict:
    """The set's assessments the importer may see, by unit code: another unit's code reads as unknown."""
    return {a.unit.code: a for a in assessments_visible_to(actor).filter(criteria_set=criteria_set)
            .select_related("unit", "criteria_set")}


def _run(result: ImportResult, sheet: str, write) -> ImportResult:
    if result.errors:
        return result
    try:
        result.written = write()
    except ValidationError as error:
        result.errors.extend(RowError(sheet, None, None, message) for message in error.messages)
    except ConflictError as error:
        result.errors.append(RowError(sheet, None, None, error.message))
    except PermissionDenied:
        result.errors.append(RowError(sheet, None, None, _("You may not import into this criteria set.")))
    return result


def import_self_scores(upload, *, actor, criteria_set: CriteriaSet) -> ImportResult:
    result = ImportResult()
    records = read_upload(upload, SELF_SHEET, SELF_COLUMNS, result.errors)
    if records is None:
        return result
    assessments = _assessments(actor, criteria_set)
    subs = {sub.code: sub for sub in criteria_set.sub_criteria.all()}
    col = lambda key: cell_ref(SELF_SHEET, SELF_COLUMNS, key)  # noqa: E731
    rows, seen = [], {}
    for row, record in records:
        assessment = assessments.get(text(record.get("unit_code")))
        sub = subs.get(text(record.get("sub_code")))
        points = _decimal(record.get("points"), SELF_SHEET, row, col("points"), result.errors)
        if assessment is None:
            result.errors.append(RowError(SELF_SHEET, row, col("unit_code"), _(
                "Unit %(code)s is not assessed under this set, or not yours.") % {"code": text(record.get("unit_code"))}))
        if sub is None:
            result.errors.append(RowError(SELF_SHEET, row, col("sub_code"), _(
                "%(code)s is not a sub-criterion of this set.") % {"code": text(record.get("sub_code"))}))
        if assessment is None or sub is None or points is None:
            continue
        if not sub.applies_to(assessment.unit.kind):
            result.errors.append(RowError(SELF_SHEET, row, col("sub_code"), _("%(code)s does not apply to this unit.")
                                          % {"code": sub.code}))
        elif "self_score" not in available_actions(actor, assessment):
            result.errors.append(RowError(SELF_SHEET, row, col("unit_code"), _(
                "%(unit)s: you may not self-score this unit now.") % {"unit": assessment.unit}))
        elif error := services.points_error(sub, points):
            result.errors.append(RowError(SELF_SHEET, row, col("points"), error))
        elif (assessment.pk, sub.pk) in seen:
            result.errors.append(RowError(SELF_SHEET, row, col("sub_code"), _("Already given on row %(row)d.")
                                          % {"row": seen[(assessment.pk, sub.pk)]}))
        else:
            seen[(assessment.pk, sub.pk)] = row
            rows.append(services.SelfScoreRow(assessment=assessment, sub_criterion=sub, points=points,
                                              note=text(record.get("note"))))
    if not records and not result.errors:
        result.errors.append(RowError(SELF_SHEET, None, None, _("The sheet has no rows.")))
    return _run(result, SELF_SHEET, lambda: services.self_scores_record(actor=actor, rows=rows))


def import_survey(upload, *, actor, criteria_set: CriteriaSet) -> ImportResult:
    result = ImportResult()
    records = read_upload(upload, SURVEY_SHEET, SURVEY_COLUMNS, result.errors)
    if records is None:
        return result
    assessments = _assessments(actor, criteria_set)
    areas = {area.code: area for area in criteria_set.areas.filter(survey_max_points__isnull=False)}
    col = lambda key: cell_ref(SURVEY_SHEET, SURVEY_COLUMNS, key)  # noqa: E731
    rows, seen = [], {}
    for row, record in records:
        assessment = assessments.get(text(record.get("unit_code")))
        area = areas.get(text(record.get("area_code")))
        points = _decimal(record.get("points"), SURVEY_SHEET, row, col("points"), result.errors)
        if assessment is None:
            result.errors.append(RowError(SURVEY_SHEET, row, col("unit_code"), _(
                "Unit %(code)s is not assessed under this set, or not yours.") % {"code": text(record.get("unit_code"))}))
        if area is None:
            result.errors.append(RowError(SURVEY_SHEET, row, col("area_code"), _(
                "%(code)s is not a survey area of this set.") % {"code": text(record.get("area_code"))}))
        if assessment is None or area is None or points is None:
            continue
        if not 0 <= points <= area.survey_max_points:
            result.errors.append(RowError(SURVEY_SHEET, row, col("points"), _(
                "Survey points must be between 0 and %(max)s.") % {"max": area.survey_max_points}))
        elif (assessment.pk, area.pk) in seen:
            result.errors.append(RowError(SURVEY_SHEET, row, col("area_code"), _("Already given on row %(row)d.")
                                          % {"row": seen[(assessment.pk, area.pk)]}))
        else:
            seen[(assessment.pk, area.pk)] = row
            rows.append(services.SurveyRow(assessment=assessment, area=area, points=points))
    if not records and not result.errors:
        result.errors.append(RowError(SURVEY_SHEET, None, None, _("The sheet has no rows.")))
    return _run(result, SURVEY_SHEET,
                lambda: services.survey_record(actor=actor, criteria_set=criteria_set, rows=rows))


def _catalogue(criteria_set: CriteriaSet) -> list[list]:
    rows = [["Mã tiêu chí", "Tiêu chí thành phần", "Điểm tối đa", "Cách chấm", "Minh chứng"]]
    for sub in criteria_set.sub_criteria.order_by("criterion__area__order", "criterion__order", "order"):
        rows.append([sub.code, sub.name, sub.max_points, sub.get_method_display(), sub.evidence_required])
    return rows


def self_score_template(criteria_set: CriteriaSet, unit_code: str = "") -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = SELF_SHEET
    data_sheet(sheet, SELF_COLUMNS)
    first = criteria_set.sub_criteria.order_by("criterion__area__order", "criterion__order", "order").first()
    guide_sheet(book, intro=[
        f"Ghi mỗi tiêu chí thành phần một dòng ở trang “{SELF_SHEET}”, từ dòng 2; giữ nguyên dòng tiêu đề.",
        "Cột có dấu * là bắt buộc. Điểm không vượt điểm tối đa; tiêu chí chấm có/không chỉ nhận 0 hoặc điểm tối đa.",
        "Mọi dòng được kiểm tra trước; nếu có dòng sai thì không nhập dòng nào.",
    ], sheets=[{"name": SELF_SHEET, "columns": SELF_COLUMNS, "hints": {
        "unit_code": "mã đơn vị được đánh giá (đơn vị của mình)",
        "sub_code": "mã tiêu chí thành phần trong danh mục bên dưới",
        "points": "số điểm tự chấm, dấu thập phân là dấu phẩy hoặc dấu chấm",
        "note": "giải trình, tên minh chứng",
    }, "examples": [[unit_code or "X01", first.code if first else "1.1.1", first.max_points if first else 1,
                     "Kế hoạch số 01/KH-UBND"]]}], after=_catalogue(criteria_set))
    return workbook_bytes(book)


def survey_template(criteria_set: CriteriaSet) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = SURVEY_SHEET
    data_sheet(sheet, SURVEY_COLUMNS)
    areas = list(criteria_set.areas.filter(survey_max_points__isnull=False))
    guide_sheet(book, intro=[
        f"Ghi điểm điều tra của mỗi đơn vị, mỗi lĩnh vực điều tra một dòng ở trang “{SURVEY_SHEET}”, từ dòng 2.",
        "Mọi dòng được kiểm tra trước; nếu có dòng sai thì không nhập dòng nào.",
    ], sheets=[{"name": SURVEY_SHEET, "columns": SURVEY_COLUMNS, "hints": {
        "unit_code": "mã đơn vị được đánh giá",
        "area_code": "mã lĩnh vực điều tra (bên dưới)",
        "points": "điểm điều tra, không vượt điểm tối đa của lĩnh vực",
    }, "examples": [["X01", areas[0].code if areas else "8", areas[0].survey_max_points if areas else 1]]}],
        after=[["Mã lĩnh vực", "Lĩnh vực điều tra", "Điểm tối đa"],
               *([a.code, a.name, a.survey_max_points] for a in areas)])
    return workbook_bytes(book)


RANKING_HEADERS = ["STT", "Đơn vị", "Điểm tự chấm", "Điểm thẩm định", "Điểm điều tra", "Chỉ số (%)", "Xếp loại",
                   "Thứ hạng"]
RANKING_WIDTHS = [6, 40, 14, 14, 14, 12, 16, 10]


def ranking_rows(results):
    for number, r in enumerate(results.select_related("unit").order_by("rank", "unit__name"), start=1):
        yield [number, r.unit.name, float(r.self_points), float(r.appraised_points), float(r.survey_points),
               float(r.index), r.band_name, r.rank]


def ranking_response(criteria_set: CriteriaSet, results):
    return register_response(slug="xep-hang-cchc", sheet_title="Xếp hạng Chỉ số CCHC",
                             heading="KẾT QUẢ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH", title=criteria_set.title,
                             headers=RANKING_HEADERS, rows=ranking_rows(results), widths=RANKING_WIDTHS)
