"""Self-scores and survey points from Excel (every row checked first, nothing written on any
error), their templates, and the ranking table in the usual published layout."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook

from accounts.models import UnitKind
from core.text import fold
from core.errors import ConflictError
from core.xlsx import register_response, workbook_bytes, workbook_response
from core.xlsx_import import Column, RowError, cell_ref, choice_lookup, read_upload, text
from core.xlsx_template import data_sheet, guide_sheet
from reform import services
from reform.access import assessments_visible_to, available_actions
from reform.models import CriteriaSet
from reform.selectors import previous_results
from reform.structure import StructureRow, check_sub_criterion, set_structure, structure_replace

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


def ranking_rows(results, before: dict | None = None):
    """The ranking's rows; with `before` (last year's results by unit), its index and class beside."""
    for number, r in enumerate(results.select_related("unit").order_by("rank", "unit__name"), start=1):
        row = [number, r.unit.name, float(r.self_points), float(r.appraised_points), float(r.survey_points),
               float(r.index), r.band_name, r.rank]
        if before is not None:
            last = before.get(r.unit_id)
            row += [float(last.index), last.band_name] if last else [None, None]
        yield row


def ranking_response(criteria_set: CriteriaSet, results):
    previous, before = previous_results(criteria_set)
    headers, widths = RANKING_HEADERS, RANKING_WIDTHS
    if previous is not None:
        headers = [*headers, f"Chỉ số năm {previous.year} (%)", f"Xếp loại năm {previous.year}"]
        widths = [*widths, 14, 16]
    return register_response(slug="xep-hang-cchc", sheet_title="Xếp hạng Chỉ số CCHC",
                             heading="KẾT QUẢ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH", title=criteria_set.title,
                             headers=headers, rows=ranking_rows(results, before if previous else None),
                             widths=widths)


# -- the structure of a set, in the layout provinces publish -------------------------------

STRUCTURE_SHEET = "Bộ tiêu chí"
STRUCTURE_COLUMNS = [
    Column("code", "STT", required=True, width=10),
    Column("name", "Lĩnh vực, tiêu chí, tiêu chí thành phần", required=True, width=60),
    Column("max_points", "Điểm tối đa", width=12),
    Column("method", "Phương thức chấm", width=24),
    Column("evidence", "Tài liệu kiểm chứng", width=40),
    Column("unit_kinds", "Áp dụng cho", width=24),
    Column("legal_basis", "Căn cứ", width=30),
]
METHOD_TEXT = {"yes_no": "Có/Không", "points": "Chấm điểm"}
SURVEY_TEXT = "Điều tra xã hội học"
TOTAL_TEXT = "Tổng điểm"
_NUMBER = re.compile(r"(\d+(?:[.,]\d+)?)")


def _number(value: Decimal):
    return int(value) if value == value.to_integral_value() else float(value)


def _method_text(sub) -> str:
    if sub.method == "scale":
        step = f"{_number(sub.step)}".replace(".", ",")
        return f"Thang bậc, mỗi bậc {step} điểm"
    return METHOD_TEXT[sub.method]


def _kind_labels() -> dict[str, str]:
    with translation.override("vi"):
        return {value: str(label) for value, label in UnitKind.choices}


def structure_rows(criteria_set: CriteriaSet):
    labels = _kind_labels()
    totals = set_structure(criteria_set)
    for line in totals.areas:
        area = line.area
        yield [area.code, area.name, _number(line.points), SURVEY_TEXT if area.is_survey else "", "", "", ""]
        for criterion, subs, points in line.criteria:
            yield [criterion.code, criterion.name, _number(points), "", "", "", ""]
            for sub in subs:
                yield [sub.code, sub.name, _number(sub.max_points), _method_text(sub), sub.evidence_required,
                       "; ".join(labels[kind] for kind in sub.unit_kinds), sub.legal_basis]
    yield ["", TOTAL_TEXT, _number(totals.total), "", "", "", ""]


def structure_response(criteria_set: CriteriaSet):
    return workbook_response(
        f"bo-tieu-chi-cchc-{criteria_set.year}-v{criteria_set.version}.xlsx", STRUCTURE_SHEET,
        [column.header for column in STRUCTURE_COLUMNS], structure_rows(criteria_set),
        title_line=f"{criteria_set.title} — {criteria_set.legal_basis}",
        widths=[column.width for column in STRUCTURE_COLUMNS])


def _parse_method(value: str):
    """(level, method, step text) from the method cell; level None for a sub-criterion's method."""
    folded = fold(value).replace(" ", "")
    if not folded:
        return "", "", None
    if "dieutra" in folded:
        return "survey_area", "", None
    if folded in ("co/khong", "cokhong", "co-khong", "dat/khongdat"):
        return "sub", "yes_no", None
    if "bac" in folded:
        found = _NUMBER.findall(fold(value))
        return "sub", "scale", found[-1] if found else ""
    if "diem" in folded:
        return "sub", "points", None
    return None, None, None


def import_structure(upload, *, actor, criteria_set: CriteriaSet) -> ImportResult:
    """A published criteria table into a draft set, replacing its structure; every row checked
    first, nothing written on any error. A row with a scoring method is a sub-criterion; without
    one, a code with no dot ("1", "I") is an area and a code with a dot ("1.1") a criterion; an
    area scored by "Điều tra xã hội học" takes its points from the survey. The points given on
    area and criterion rows are their totals, checked against their sub-criteria."""
    result = ImportResult()
    if "edit" not in available_actions(actor, criteria_set):
        result.errors.append(RowError(STRUCTURE_SHEET, None, None, _(
            "The criteria of this set are frozen: scoring has started. To change them, make a new version with a "
            "reason.")))
        return result
    records = read_upload(upload, STRUCTURE_SHEET, STRUCTURE_COLUMNS, result.errors, header_search=6)
    if records is None:
        return result
    col = lambda key: cell_ref(STRUCTURE_SHEET, STRUCTURE_COLUMNS, key)  # noqa: E731
    kinds = {key.replace(" ", ""): value for key, value in choice_lookup(UnitKind.choices).items()}
    kind_key = lambda value: fold(value).replace(" ", "")  # noqa: E731  "Xã / phường" is "Xã/phường"
    errors = result.errors
    rows: list[StructureRow] = []
    seen_areas, seen_subs = {}, {}
    stated = []  # (row number, the row's index in `rows`, the total it states)
    for row, record in records:
        code, name = text(record.get("code")), text(record.get("name"))
        method_cell = text(record.get("method"))
        if not code and fold(name).startswith("tong"):
            continue  # the table's total line
        if not code:
            errors.append(RowError(STRUCTURE_SHEET, row, col("code"), _("Give the row its number (STT).")))
            continue
        if not name:
            errors.append(RowError(STRUCTURE_SHEET, row, col("name"), _("Give the row its name.")))
            continue
        level, method, step_text = _parse_method(method_cell)
        if level is None:
            errors.append(RowError(STRUCTURE_SHEET, row, col("method"), _(
                "“%(value)s” is not a scoring method: write “Có/Không”, “Thang bậc, mỗi bậc 1 điểm”, “Chấm điểm”, "
                "or “Điều tra xã hội học” for a survey area.") % {"value": method_cell}))
            continue
        if level == "":
            level = "criterion" if "." in code.strip(".") else "area"
        points = None
        if text(record.get("max_points")):
            points = _decimal(record.get("max_points"), STRUCTURE_SHEET, row, col("max_points"), errors)
            if points is None:
                continue
        if level in ("area", "survey_area"):
            if code in seen_areas:
                errors.append(RowError(STRUCTURE_SHEET, row, col("code"), _("Area %(code)s is already on row %(row)d.")
                                       % {"code": code, "row": seen_areas[code]}))
                continue
            seen_areas[code] = row
            if level == "survey_area" and (points is None or points <= 0):
                errors.append(RowError(STRUCTURE_SHEET, row, col("max_points"), _(
                    "Give the survey area its maximum points.")))
                continue
            rows.append(StructureRow(level=level, code=code, name=name, max_points=points))
            if level == "area" and points is not None:
                stated.append((row, len(rows) - 1, points))
            continue
        parent = next((r for r in reversed(rows) if r.level in ("area", "survey_area", "criterion")), None)
        if level == "criterion":
            area = next((r for r in reversed(rows) if r.level in ("area", "survey_area")), None)
            if area is None or area.level == "survey_area":
                errors.append(RowError(STRUCTURE_SHEET, row, col("code"), _(
                    "Criterion %(code)s must follow an area that is not a survey area.") % {"code": code}))
                continue
            rows.append(StructureRow(level="criterion", code=code, name=name))
            if points is not None:
                stated.append((row, len(rows) - 1, points))
            continue
        if parent is None or parent.level != "criterion":
            errors.append(RowError(STRUCTURE_SHEET, row, col("code"), _(
                "Sub-criterion %(code)s must follow its criterion.") % {"code": code}))
            continue
        if code in seen_subs:
            errors.append(RowError(STRUCTURE_SHEET, row, col("code"), _(
                "Sub-criterion %(code)s is already on row %(row)d.") % {"code": code, "row": seen_subs[code]}))
            continue
        seen_subs[code] = row
        unit_kinds, unknown = [], []
        given = text(record.get("unit_kinds"))
        if fold(given) not in ("", "tat ca", "all"):
            for part in (given.split(";") if kind_key(given) not in kinds else [given]):
                if not part.strip():
                    continue
                if kind_key(part) in kinds:
                    unit_kinds.append(kinds[kind_key(part)])
                else:
                    unknown.append(part.strip())
        if unknown:
            errors.append(RowError(STRUCTURE_SHEET, row, col("unit_kinds"), _(
                "Unknown unit kind: %(kinds)s (separate several with “;”).") % {"kinds": ", ".join(unknown)}))
            continue
        if points is None:
            errors.append(RowError(STRUCTURE_SHEET, row, col("max_points"), _(
                "Give sub-criterion %(code)s its maximum points.") % {"code": code}))
            continue
        try:
            maximum, step, unit_kinds = check_sub_criterion(max_points=points, method=method, step=step_text,
                                                            unit_kinds=unit_kinds)
        except ValidationError as error:
            for field_name, messages in error.message_dict.items():
                column = col("max_points") if field_name == "max_points" else col("method")
                errors.extend(RowError(STRUCTURE_SHEET, row, column, message) for message in messages)
            continue
        rows.append(StructureRow(level="sub", code=code, name=name, max_points=maximum, method=method, step=step,
                                 evidence_required=text(record.get("evidence")), unit_kinds=tuple(unit_kinds),
                                 legal_basis=text(record.get("legal_basis"))))
    for row, index, points in stated:
        line = rows[index]
        following = rows[index + 1:]
        stop = ("area", "survey_area") if line.level == "area" else ("area", "survey_area", "criterion")
        total = Decimal(0)
        for other in following:
            if other.level in stop:
                break
            total += other.max_points if other.level == "sub" else 0
        if total != points:
            errors.append(RowError(STRUCTURE_SHEET, row, col("max_points"), _(
                "%(code)s states %(stated)s points but its sub-criteria add up to %(total)s.")
                % {"code": line.code, "stated": points, "total": total}))
    if not rows and not errors:
        errors.append(RowError(STRUCTURE_SHEET, None, None, _("The sheet has no rows.")))
    return _run(result, STRUCTURE_SHEET,
                lambda: structure_replace(actor=actor, criteria_set=criteria_set, rows=rows))
