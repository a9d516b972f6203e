"""Reading Excel imports safely, shared by every importer.

Limits on size, archive content (zip bombs) and row count are checked before a workbook is
parsed (openpyxl with defusedxml, read-only). Errors name the sheet, row, column and reason.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
import zlib
from dataclasses import dataclass
from datetime import date, datetime

import openpyxl
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from core.text import fold
from core.filters import date_range_message, in_date_range


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool = False
    width: int = 18


_TRUE = {"co", "x", "1", "yes", "true", "dung"}
_FALSE = {"", "khong", "0", "no", "false", "sai"}


@dataclass(frozen=True)
class RowError:
    sheet: str
    row: int | None
    column: str | None
    message: str

    def __str__(self):
        where = self.sheet
        if self.row is not None:
            where += f", {_('row')} {self.row}"
        if self.column:
            where += f", {_('column')} {self.column}"
        return f"{where}: {self.message}"


class ImportRejected(Exception):
    """The file as a whole cannot be read; nothing row-level to report."""


def choice_lookup(choices, extra: dict | None = None) -> dict[str, str]:
    """Accept a choice by its code or by its label in Vietnamese or English, diacritics optional."""
    lookup = {fold(value): value for value, _label in choices}
    for language in ("vi", "en"):
        with translation.override(language):
            lookup.update({fold(str(label)): value for value, label in choices})
    lookup.update(extra or {})
    return lookup


def check_archive(data: bytes) -> None:
    if len(data) > settings.IMPORT_MAX_FILE_BYTES:
        raise ImportRejected(_("The file is larger than %(limit)d MB.") % {"limit": settings.IMPORT_MAX_FILE_BYTES // 2**20})
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise ImportRejected(_("This is not an Excel .xlsx file."))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        entries = archive.infolist()
        if len(entries) > 500:
            raise ImportRejected(_("The file contains too many parts to be a plain spreadsheet."))
        if sum(entry.file_size for entry in entries) > settings.IMPORT_MAX_UNCOMPRESSED_BYTES:
            # A small file that unpacks to a huge one is a zip bomb: refuse before parsing.
            raise ImportRejected(_("The file unpacks to more than %(limit)d MB; refusing to open it.")
                            % {"limit": settings.IMPORT_MAX_UNCOMPRESSED_BYTES // 2**20})
        try:
            declares_a_dtd = any(_declares_a_dtd(archive, entry) for entry in entries
                                 if entry.filename.endswith((".xml", ".rels")))
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, RuntimeError, NotImplementedError):
            # A part that cannot be unpacked (bad CRC or header, a broken deflate stream, an unknown
            # compression method, encryption) is the file's damage, refused like one.
            declares_a_dtd = True
        if declares_a_dtd:
            raise ImportRejected(_("The file could not be read as an Excel workbook."))


# Excel never writes a document type declaration. Entities declared in one are how an XML bomb
# works; whichever XML parser openpyxl uses (lxml leaves them unexpanded, defusedxml refuses them),
# a part that declares one is refused here, before any parsing.
_ROOT_ELEMENT = re.compile(rb"<[A-Za-z_]")
_PROLOG_LIMIT = 64 * 1024


def _declares_a_dtd(archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> bool:
    with archive.open(entry) as part:
        head = part.read(_PROLOG_LIMIT)
    root = _ROOT_ELEMENT.search(head)
    if root is None:
        return len(head) == _PROLOG_LIMIT  # no element in the first 64 kB: not a part Excel wrote
    prolog = head[:root.start()].upper()
    return b"<!DOCTYPE" in prolog or b"<!ENTITY" in prolog


def _damaged(sheet_name: str, row: int) -> ImportRejected:
    return ImportRejected(_("The sheet “%(sheet)s” is damaged near row %(row)d and cannot be read.")
                          % {"sheet": sheet_name, "row": row})


def _sheet_rows(sheet, sheet_name: str):
    """(row number, values) as openpyxl parses them. The sheet is parsed while it is read, so a
    part cut short, a cell naming a shared string or a style that is not there, or a value that
    is not what its type says fails here, in the middle of the sheet, with whatever openpyxl, the
    XML parser or the zip reader raises: every such failure is the file's error, naming the row."""
    rows = sheet.iter_rows(values_only=True)
    number = 1
    while True:
        try:
            values = next(rows)
        except StopIteration:
            return
        except Exception:
            raise _damaged(sheet_name, number) from None
        yield number, values
        number += 1


# A required column is marked in the templates ("Tên nhiệm vụ *"); people also write "(*)" or
# "(bắt buộc)". The mark, the case, the diacritics, the spacing (runs of spaces, line breaks,
# non-breaking spaces) and the punctuation are not part of a header's meaning.
_REQUIRED_NOTE = re.compile(r"\(\s*(bat buoc|required)\s*\)")
_NOT_LETTER_OR_DIGIT = re.compile(r"[\W_]+")


def header_key(header) -> str:
    """What a header means: "Mã  đơn vị *", "MA DON VI" and "Mã đơn vị:" are the same column."""
    if header is None:
        return ""
    return _NOT_LETTER_OR_DIGIT.sub("", _REQUIRED_NOTE.sub(" ", fold(str(header))))


def _match_headers(header, sheet_name: str, columns: list[Column], errors: list[RowError],
                   header_row: int = 1) -> dict[str, int]:
    """The position of each known column in the header row. A header the sheet does not know is
    an error that stops the import: silently dropping a column whose name was mistyped would
    lose what the user wrote in it. A column given twice is an error too."""
    by_key = {header_key(column.header): column for column in columns}
    position: dict[str, int] = {}
    for index, cell in enumerate(header):
        written = " ".join(str(cell).split()) if cell is not None else ""
        if not written:
            continue
        where = f"{get_column_letter(index + 1)} ({written})"
        column = by_key.get(header_key(cell))
        if column is None:
            errors.append(RowError(sheet_name, header_row, where, _(
                "Column “%(header)s” is not one of this sheet's columns (%(expected)s): correct its heading "
                "or remove the column.") % {"header": written,
                                             "expected": ", ".join(f"“{c.header}”" for c in columns)}))
        elif column.key in position:
            errors.append(RowError(sheet_name, header_row, where, _("Column “%(header)s” is already column %(letter)s.")
                                   % {"header": column.header, "letter": get_column_letter(position[column.key] + 1)}))
        else:
            position[column.key] = index
    for column in columns:
        if column.required and column.key not in position:
            errors.append(RowError(sheet_name, header_row, None, _("Column “%(header)s” is missing.")
                                   % {"header": column.header}))
    return position


def _header_row(rows, columns: list[Column], search: int) -> tuple[int, tuple]:
    """The header row: the first row, or — when `search` > 1, for a register exported with a title
    line above its table — the first of the first `search` rows that names one of the columns."""
    known = {header_key(column.header) for column in columns}
    first = None
    for number, values in rows:
        values = values or ()
        first = first or (number, values)
        if search == 1 or any(header_key(value) in known for value in values):
            return number, values
        if number >= search:
            break
    return first or (1, ())


def read_sheet(workbook, sheet_name: str, columns: list[Column], errors: list[RowError], *,
               header_search: int = 1) -> list[tuple[int, dict]]:
    """Rows of the sheet as (row number, {key: value}), headers matched by meaning (`header_key`);
    a header the sheet does not know is named as an error (`_match_headers`). The header row is the
    first, or found among the first `header_search` rows (`_header_row`). A number cell
    holding NaN or infinity is an error of its row and column; a sheet that cannot be parsed is
    refused as a whole (ImportRejected), so an importer never works from part of it."""
    if sheet_name not in workbook.sheetnames:
        errors.append(RowError(sheet_name, None, None, _("The sheet is missing.")))
        return []
    try:
        sheet = workbook[sheet_name]
        # The size the sheet declares (its <dimension>), read before any row: a sheet that says it is
        # larger than the limit is refused without streaming a million rows first. A sheet that
        # declares nothing, or less than it holds, is still stopped by the count below.
        declared_rows = sheet.max_row if sheet.max_row is not None else 0
    except Exception:
        raise _damaged(sheet_name, 1) from None
    if declared_rows - 1 > settings.IMPORT_MAX_ROWS:
        raise ImportRejected(_("The sheet “%(sheet)s” has more than %(limit)d rows.")
                             % {"sheet": sheet_name, "limit": settings.IMPORT_MAX_ROWS})
    rows = _sheet_rows(sheet, sheet_name)
    header_number, header = _header_row(rows, columns, header_search)
    position = _match_headers(header, sheet_name, columns, errors, header_row=header_number)
    if any(column.required and column.key not in position for column in columns):
        return []

    records = []
    for number, values in rows:
        if number - 1 > settings.IMPORT_MAX_ROWS:
            raise ImportRejected(_("The sheet “%(sheet)s” has more than %(limit)d rows.")
                            % {"sheet": sheet_name, "limit": settings.IMPORT_MAX_ROWS})
        if values is None or all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        record, refused = {}, False
        for column in columns:
            if column.key not in position:
                continue
            index = position[column.key]
            value = values[index] if index < len(values) else None
            if isinstance(value, float) and not math.isfinite(value):
                # The row is reported here and left out, so no importer reads the value; the
                # error stops the import before anything is written.
                errors.append(RowError(sheet_name, number, f"{get_column_letter(index + 1)} ({column.header})",
                                       _("“%(value)s” is not a number.") % {"value": value}))
                refused = True
            record[column.key] = value.strip() if isinstance(value, str) else value
        if not refused:
            records.append((number, record))
    return records


def cell_ref(sheet: str, columns: list[Column], key: str) -> str:
    for index, column in enumerate(columns, start=1):
        if column.key == key:
            return f"{get_column_letter(index)} ({column.header})"
    return key


def text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def parse_bool(value, sheet, row, column, errors) -> bool:
    folded = fold(text(value))
    if folded in _TRUE:
        return True
    if folded in _FALSE:
        return False
    errors.append(RowError(sheet, row, column, _("“%(value)s” is not yes/no (use “có” or “không”).") % {"value": value}))
    return False


def parse_date(value, sheet, row, column, errors) -> date | None:
    if value in (None, ""):
        return None
    day = None
    if isinstance(value, datetime):
        day = value.date()
    elif isinstance(value, date):
        day = value
    else:
        for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"):
            try:
                day = datetime.strptime(text(value), fmt).date()
                break
            except ValueError:
                continue
    if day is None:
        errors.append(RowError(sheet, row, column, _("“%(value)s” is not a date (use dd/mm/yyyy).") % {"value": value}))
    elif not in_date_range(day):
        errors.append(RowError(sheet, row, column, date_range_message()))
        day = None
    return day


def parse_datetime(value, sheet, row, column, errors, *, default_time=(17, 0)) -> datetime | None:
    """A date-time (dd/mm/yyyy HH:MM), or a date that means that day at `default_time`, aware."""
    if value in (None, ""):
        return None
    moment = None
    if isinstance(value, datetime):
        moment = value
    else:
        for fmt in ("%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M:%S"):
            try:
                moment = datetime.strptime(text(value), fmt)
                break
            except ValueError:
                continue
    if moment is not None:
        if not in_date_range(moment.date()):
            errors.append(RowError(sheet, row, column, date_range_message()))
            return None
        return timezone.make_aware(moment) if timezone.is_naive(moment) else moment
    day = parse_date(value, sheet, row, column, errors)
    if day is None:
        return None
    return timezone.make_aware(datetime.combine(day, datetime.min.time().replace(hour=default_time[0], minute=default_time[1])))


def open_workbook(data: bytes):
    """Check the archive, then open it read-only. Raises ImportRejected with a clear message."""
    check_archive(data)
    try:
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        raise ImportRejected(_("The file could not be read as an Excel workbook.")) from None


def read_upload(upload, sheet_name: str, columns: list[Column], errors: list[RowError], *,
                header_search: int = 1) -> list[tuple[int, dict]] | None:
    """The rows of one sheet of an uploaded workbook, or None (with the reason in `errors`) when the
    file as a whole cannot be read."""
    data = upload.read() if hasattr(upload, "read") else bytes(upload)
    try:
        workbook = open_workbook(data)
        try:
            return read_sheet(workbook, sheet_name, columns, errors, header_search=header_search)
        finally:
            workbook.close()
    except ImportRejected as rejected:
        errors.append(RowError(_("File"), None, None, str(rejected)))
        return None
