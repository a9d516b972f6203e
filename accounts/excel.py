"""Excel import of units and people (one workbook, two sheets), and its template.

The import is all-or-nothing: every row of both sheets is validated first and every
error is reported with its sheet, row, column and reason; only a file without errors is
written, in one transaction. Re-importing updates units and people by their codes.
Limits on size, archive content and row count are checked before the workbook is parsed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import openpyxl
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl.worksheet.datavalidation import DataValidation
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from accounts.models import Organisation, StaffGroup, Unit, UnitKind, User
from core.text import fold
from core.xlsx import workbook_bytes
from core.xlsx_import import (
    Column,
    ImportRejected,
    RowError,
    cell_ref,
    choice_lookup,
    open_workbook,
    parse_bool,
    parse_date,
    read_sheet,
    text,
)
from core.xlsx_template import data_sheet, guide_sheet

UNIT_SHEET = "Đơn vị"
PEOPLE_SHEET = "Cán bộ"


UNIT_COLUMNS = [
    Column("code", "Mã đơn vị", required=True, width=16),
    Column("name", "Tên đơn vị", required=True, width=44),
    Column("kind", "Loại đơn vị", width=26),
    Column("parent_code", "Mã đơn vị cấp trên", width=20),
    Column("active", "Đang hoạt động", width=16),
]
PEOPLE_COLUMNS = [
    Column("employee_code", "Mã cán bộ", required=True, width=14),
    Column("full_name", "Họ và tên", required=True, width=28),
    Column("unit_code", "Mã đơn vị", required=True, width=14),
    Column("position", "Chức vụ", width=24),
    Column("staff_group", "Nhóm", width=18),
    Column("is_leader", "Lãnh đạo, quản lý", width=16),
    Column("is_party_member", "Đảng viên", width=12),
    Column("service_start_date", "Ngày bắt đầu công tác", width=20),
    Column("email", "Email", width=28),
    Column("phone", "Điện thoại", width=16),
    Column("username", "Tên đăng nhập", width=18),
]

_STAFF_GROUP_SHORT = {"cb": StaffGroup.CADRE, "cc": StaffGroup.CIVIL_SERVANT, "vc": StaffGroup.PUBLIC_EMPLOYEE, "nld": StaffGroup.WORKER}


@dataclass
class ImportResult:
    errors: list[RowError] = field(default_factory=list)
    units_created: int = 0
    units_updated: int = 0
    people_created: int = 0
    people_updated: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors



def _take_code(code: str, row: int, seen: dict[str, int], report, *, missing: str, too_long: str) -> bool:
    """Check a row's code: present, at most 50 characters, not used earlier in the file.

    Returns False when the row cannot be used at all (no code, or a duplicate).
    """
    if not code:
        report(missing)
        return False
    if len(code) > 50:
        report(too_long)
    if code in seen:
        report(_("Code %(code)s already appears on row %(row)d.") % {"code": code, "row": seen[code]})
        return False
    seen[code] = row
    return True


def _validate_units(records, organisation, errors) -> list[dict]:
    kinds = choice_lookup(UnitKind.choices)
    existing = {u.code: u for u in Unit.objects.filter(organisation=organisation)}
    seen: dict[str, int] = {}
    units = []
    for row, record in records:
        col = lambda key: cell_ref(UNIT_SHEET, UNIT_COLUMNS, key)  # noqa: E731
        code = text(record.get("code"))
        name = text(record.get("name"))
        if not _take_code(code, row, seen, lambda message: errors.append(RowError(UNIT_SHEET, row, col("code"), message)),
                          missing=_("The unit code is required."),
                          too_long=_("The unit code is longer than 50 characters.")):
            continue
        if not name:
            errors.append(RowError(UNIT_SHEET, row, col("name"), _("The unit name is required.")))
        elif len(name) > 255:
            errors.append(RowError(UNIT_SHEET, row, col("name"), _("The unit name is longer than 255 characters.")))
        kind_text = text(record.get("kind"))
        kind = kinds.get(fold(kind_text), None) if kind_text else UnitKind.OTHER
        if kind is None:
            errors.append(RowError(UNIT_SHEET, row, col("kind"), _("Unknown unit kind “%(value)s”.") % {"value": kind_text}))
        active = parse_bool(record.get("active") if record.get("active") not in (None, "") else "có", UNIT_SHEET, row, col("active"), errors)
        units.append({"row": row, "code": code, "name": name, "kind": kind or UnitKind.OTHER,
                      "parent_code": text(record.get("parent_code")), "active": active})

    # Parents: in the file or already in the organisation; no unit may end up below itself.
    code_at_path = {unit.path: code for code, unit in existing.items()}
    parent_of = {code: code_at_path.get(unit.path[: -Unit.steplen], "") for code, unit in existing.items()}
    parent_of.update({u["code"]: u["parent_code"] for u in units})
    for unit in units:
        parent_code = unit["parent_code"]
        if not parent_code:
            continue
        if parent_code == unit["code"]:
            errors.append(RowError(UNIT_SHEET, unit["row"], cell_ref(UNIT_SHEET, UNIT_COLUMNS, "parent_code"),
                                   _("A unit cannot be its own parent.")))
        elif parent_code not in parent_of:
            errors.append(RowError(UNIT_SHEET, unit["row"], cell_ref(UNIT_SHEET, UNIT_COLUMNS, "parent_code"),
                                   _("Parent unit %(code)s is neither in the file nor in the organisation.") % {"code": parent_code}))
        else:
            cursor, steps = parent_code, 0
            while cursor and steps <= len(parent_of):
                if cursor == unit["code"]:
                    errors.append(RowError(UNIT_SHEET, unit["row"], cell_ref(UNIT_SHEET, UNIT_COLUMNS, "parent_code"),
                                           _("Parent %(code)s would put the unit below itself.") % {"code": parent_code}))
                    break
                cursor, steps = parent_of.get(cursor, ""), steps + 1
    return units


def _validate_people(records, organisation, unit_codes_in_file, errors) -> list[dict]:
    groups = choice_lookup(StaffGroup.choices, _STAFF_GROUP_SHORT)
    unit_codes = set(Unit.objects.filter(organisation=organisation).values_list("code", flat=True)) | unit_codes_in_file
    codes_in_file = {text(r.get("employee_code")) for _row, r in records}
    existing = {
        p.employee_code: p
        for p in User.objects.filter(employee_code__in=codes_in_file).select_related("unit")
    }
    seen_codes: dict[str, int] = {}
    seen_usernames: dict[str, int] = {}
    people = []
    for row, record in records:
        col = lambda key: cell_ref(PEOPLE_SHEET, PEOPLE_COLUMNS, key)  # noqa: E731
        code = text(record.get("employee_code"))
        report = lambda message: errors.append(RowError(PEOPLE_SHEET, row, col("employee_code"), message))  # noqa: E731
        if not _take_code(code, row, seen_codes, report, missing=_("The employee code is required."),
                          too_long=_("The employee code is longer than 50 characters.")):
            continue
        current = existing.get(code)
        if current is not None and current.unit is not None and current.unit.organisation_id != organisation.pk:
            errors.append(RowError(PEOPLE_SHEET, row, col("employee_code"),
                                   _("Employee %(code)s belongs to another organisation.") % {"code": code}))
        elif current is not None and current.unit is None:
            errors.append(RowError(PEOPLE_SHEET, row, col("employee_code"),
                                   _("Employee %(code)s is outside this organisation: the import does not change them.")
                                   % {"code": code}))
        elif current is not None and (current.is_superuser or current.is_staff):
            # Their e-mail would receive a password reset: only a superuser changes such an account.
            errors.append(RowError(PEOPLE_SHEET, row, col("employee_code"),
                                   _("Employee %(code)s has administration rights: the import does not change "
                                     "their account.") % {"code": code}))
        full_name = text(record.get("full_name"))
        if not full_name:
            errors.append(RowError(PEOPLE_SHEET, row, col("full_name"), _("The full name is required.")))
        elif len(full_name) > 200:
            errors.append(RowError(PEOPLE_SHEET, row, col("full_name"), _("The full name is longer than 200 characters.")))
        unit_code = text(record.get("unit_code"))
        if not unit_code:
            errors.append(RowError(PEOPLE_SHEET, row, col("unit_code"), _("The unit code is required.")))
        elif unit_code not in unit_codes:
            errors.append(RowError(PEOPLE_SHEET, row, col("unit_code"),
                                   _("Unit %(code)s is neither in the file nor in the organisation.") % {"code": unit_code}))
        group_text = text(record.get("staff_group"))
        group = groups.get(fold(group_text)) if group_text else StaffGroup.CIVIL_SERVANT
        if group is None:
            errors.append(RowError(PEOPLE_SHEET, row, col("staff_group"),
                                   _("Unknown staff group “%(value)s” (use CB, CC, VC or NLĐ).") % {"value": group_text}))
        email = text(record.get("email"))
        if email:
            try:
                validate_email(email)
            except ValidationError:
                errors.append(RowError(PEOPLE_SHEET, row, col("email"), _("“%(value)s” is not an e-mail address.") % {"value": email}))
        username = text(record.get("username")) or (current.username if current else code.lower())
        if username in seen_usernames:
            errors.append(RowError(PEOPLE_SHEET, row, col("username"),
                                   _("Username %(name)s already appears on row %(row)d.") % {"name": username, "row": seen_usernames[username]}))
        seen_usernames[username] = row
        people.append({
            "row": row, "employee_code": code, "full_name": full_name, "unit_code": unit_code,
            "position": text(record.get("position"))[:200], "staff_group": group or StaffGroup.CIVIL_SERVANT,
            "is_leader": parse_bool(record.get("is_leader"), PEOPLE_SHEET, row, col("is_leader"), errors),
            "is_party_member": parse_bool(record.get("is_party_member"), PEOPLE_SHEET, row, col("is_party_member"), errors),
            "service_start_date": parse_date(record.get("service_start_date"), PEOPLE_SHEET, row, col("service_start_date"), errors),
            "email": email, "phone": text(record.get("phone"))[:30], "username": username,
        })

    # A username taken by somebody else (not the person this row updates) is an error.
    taken = dict(
        User.objects.filter(username__in=[p["username"] for p in people]).values_list("username", "employee_code")
    )
    for person in people:
        owner = taken.get(person["username"], person["employee_code"])
        if owner != person["employee_code"]:
            errors.append(RowError(PEOPLE_SHEET, person["row"], cell_ref(PEOPLE_SHEET, PEOPLE_COLUMNS, "username"),
                                   _("Username %(name)s is used by another person.") % {"name": person["username"]}))
    return people


def _write_units(units: list[dict], organisation: Organisation, result: ImportResult) -> None:
    by_code = {u.code: u for u in Unit.objects.filter(organisation=organisation)}
    pending = {u["code"]: u for u in units}
    # Parents first: repeatedly take the rows whose parent is already in place.
    while pending:
        ready = [u for u in pending.values() if not u["parent_code"] or u["parent_code"] not in pending]
        for data in ready:
            del pending[data["code"]]
            parent = by_code.get(data["parent_code"]) if data["parent_code"] else None
            unit = by_code.get(data["code"])
            if unit is None:
                fields = {"organisation": organisation, "code": data["code"], "name": data["name"],
                          "kind": data["kind"], "active": data["active"]}
                unit = Unit.objects.add_child(parent, fields) if parent else Unit.objects.add_root(fields)
                result.units_created += 1
            else:
                current_parent = Unit.objects.get_parent(unit)
                if (current_parent.pk if current_parent else None) != (parent.pk if parent else None):
                    if parent is not None:
                        Unit.objects.move(unit, parent, pos="last-child")
                    else:
                        Unit.objects.move(unit, Unit.objects.get_last_root_node(), pos="last-sibling")
                    unit.refresh_from_db()
                unit.name, unit.kind, unit.active = data["name"], data["kind"], data["active"]
                unit.save()
                result.units_updated += 1
            by_code[unit.code] = unit


def _write_people(people: list[dict], organisation: Organisation, result: ImportResult) -> None:
    units = {u.code: u for u in Unit.objects.filter(organisation=organisation)}
    existing = {p.employee_code: p for p in User.objects.filter(employee_code__in=[p["employee_code"] for p in people])}
    to_create, to_update = [], []
    fields = ["full_name", "unit", "position", "staff_group", "is_leader", "is_party_member",
              "service_start_date", "email", "phone", "username"]
    for data in people:
        values = {key: data[key] for key in fields if key != "unit"}
        values["unit"] = units[data["unit_code"]]
        person = existing.get(data["employee_code"])
        if person is None:
            person = User(employee_code=data["employee_code"], **values)
            person.set_unusable_password()  # the administrator sends a reset or sets one
            to_create.append(person)
        else:
            for key, value in values.items():
                setattr(person, key, value)
            to_update.append(person)
        person.refresh_search_text()
    if to_create:
        bulk_create_with_history(to_create, User, batch_size=500)
    if to_update:
        bulk_update_with_history(to_update, User, fields=[*fields, "search_text"], batch_size=500)
    result.people_created, result.people_updated = len(to_create), len(to_update)


def import_units_and_people(upload, *, organisation: Organisation, acting_user=None) -> ImportResult:
    """Validate the whole workbook; write it only if no row has an error."""
    result = ImportResult()
    data = upload.read() if hasattr(upload, "read") else bytes(upload)
    try:
        workbook = open_workbook(data)
        try:
            unit_records = read_sheet(workbook, UNIT_SHEET, UNIT_COLUMNS, result.errors) if UNIT_SHEET in workbook.sheetnames else []
            people_records = read_sheet(workbook, PEOPLE_SHEET, PEOPLE_COLUMNS, result.errors) if PEOPLE_SHEET in workbook.sheetnames else []
            if UNIT_SHEET not in workbook.sheetnames and PEOPLE_SHEET not in workbook.sheetnames:
                result.errors.append(RowError("", None, None, _("The workbook needs a sheet “%(units)s” or “%(people)s”.")
                                              % {"units": UNIT_SHEET, "people": PEOPLE_SHEET}))
            elif not unit_records and not people_records and not result.errors:
                # An untouched template: say there is nothing to import, rather than "0 imported".
                result.errors.extend(RowError(name, None, None, _("The sheet has no rows."))
                                     for name in (UNIT_SHEET, PEOPLE_SHEET) if name in workbook.sheetnames)
        finally:
            workbook.close()
    except ImportRejected as rejected:
        result.errors.append(RowError(_("File"), None, None, str(rejected)))
        return result

    units = _validate_units(unit_records, organisation, result.errors)
    people = _validate_people(people_records, organisation, {u["code"] for u in units}, result.errors)
    if result.errors:
        return result
    with transaction.atomic():
        _write_units(units, organisation, result)
        _write_people(people, organisation, result)
    return result


def template_workbook_bytes() -> bytes:
    """The import template: each sheet holds its headers only (an untouched template imports
    nothing), and the guide says how to fill every column, with an example row per sheet."""
    workbook = openpyxl.Workbook()
    for index, (title, columns) in enumerate(((UNIT_SHEET, UNIT_COLUMNS), (PEOPLE_SHEET, PEOPLE_COLUMNS))):
        sheet = workbook.active if index == 0 else workbook.create_sheet()
        sheet.title = title
        data_sheet(sheet, columns)
    with translation.override("vi"):
        kinds = [str(label) for _value, label in UnitKind.choices]
        other = str(UnitKind.OTHER.label)
    yes_no = "có (hoặc x) / không (hoặc để trống)"
    guide_sheet(workbook, intro=[
        f"Ghi mỗi đơn vị một dòng ở trang “{UNIT_SHEET}” và mỗi cán bộ một dòng ở trang “{PEOPLE_SHEET}”, từ dòng 2; "
        "giữ nguyên dòng tiêu đề (không đổi tên, không thêm cột). Có thể chỉ điền một trong hai trang.",
        "Cột có dấu * là bắt buộc. Ngày ghi dd/mm/yyyy.",
        "Mọi dòng được kiểm tra trước; nếu có dòng sai thì không nhập dòng nào. Nhập lại: đơn vị và cán bộ được "
        "cập nhật theo mã, không tạo trùng.",
    ], sheets=[
        {"name": UNIT_SHEET, "columns": UNIT_COLUMNS, "hints": {
            "code": "tối đa 50 ký tự, không trùng trong tệp",
            "name": "tối đa 255 ký tự",
            "kind": "một trong: " + "; ".join(kinds) + f" (để trống là {other})",
            "parent_code": "để trống cho đơn vị gốc; mã một đơn vị trong tệp hoặc đã có",
            "active": "có / không (để trống là có)",
        }, "examples": [["SNV", "Sở Nội vụ", "Sở", "UBND", "có"]]},
        {"name": PEOPLE_SHEET, "columns": PEOPLE_COLUMNS, "hints": {
            "employee_code": "tối đa 50 ký tự, không trùng trong tệp",
            "full_name": "tối đa 200 ký tự",
            "unit_code": f"mã một đơn vị ở trang “{UNIT_SHEET}” hoặc đã có",
            "position": "tối đa 200 ký tự",
            "staff_group": "CB (cán bộ); CC (công chức); VC (viên chức); NLĐ (người lao động); để trống là CC",
            "is_leader": yes_no,
            "is_party_member": yes_no,
            "service_start_date": "dd/mm/yyyy",
            "email": "địa chỉ thư điện tử",
            "phone": "tối đa 30 ký tự",
            "username": "để trống: mã cán bộ viết thường",
        }, "examples": [["CB0001", "Nguyễn Văn An", "SNV", "Chuyên viên", "CC", "không", "có", "01/08/2015",
                         "an.nv@example.gov.vn", "0912345678", "an.nv"]]},
    ])
    validation = DataValidation(type="list", formula1='"CB,CC,VC,NLĐ"', allow_blank=True)
    workbook[PEOPLE_SHEET].add_data_validation(validation)
    validation.add("E2:E5000")
    return workbook_bytes(workbook)
