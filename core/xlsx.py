"""Excel writing shared by every exporter: write-only (flat memory) and safe against formula injection.

Any user text that Excel could take for a formula (starting with = + - @, a tab or a carriage
return, or their full-width forms) is written as a text cell with Excel's quote prefix, so it
shows exactly as typed and is never evaluated (CWE-1236).
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Iterable
from datetime import date, datetime

from django.http import FileResponse, HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _needs_text_cell(value: str) -> bool:
    """Text openpyxl would take for a formula, or for an error value ("#N/A")."""
    return value.startswith((*FORMULA_TRIGGERS, "#"))


def cell(sheet, value, *, bold: bool = False):
    """A write-only cell; strings that look like formulas stay text."""
    if isinstance(value, datetime):
        value = timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    result = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        result.data_type = "s"  # never a formula, whatever the text starts with
        if value.startswith(FORMULA_TRIGGERS):
            result.quotePrefix = True
    if isinstance(value, datetime):
        result.number_format = "dd/mm/yyyy hh:mm"
    elif isinstance(value, date):
        result.number_format = "dd/mm/yyyy"
    if bold:
        result.font = Font(bold=True, color="FFFFFF")
        result.fill = PatternFill("solid", fgColor="8B1A1A")
        result.alignment = Alignment(wrap_text=True, vertical="center")
    return result


def _row_value(sheet, value):
    """Plain numbers and ordinary text go to openpyxl as they are (a cell object per value would
    double the export's time); text that could be a formula, dates and times get a cell."""
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, str) and not _needs_text_cell(value):
        return value
    return cell(sheet, value)


TEXT_CELL_TRIGGERS = (*FORMULA_TRIGGERS, "#")
PLAIN_TYPES = frozenset({bool, int, float, type(None)})


def _row_converter(sheet):
    """The per-row path of a large export: `_row_value` for every value, with what it works out
    for each cell worked out once per sheet — the time zone, the style of a date and of a time —
    and the date and time cells built with their type known (openpyxl would otherwise infer it and
    look up the number format again for every cell). Every text is still checked."""
    zone = timezone.get_current_timezone()
    styles = {}
    for kind, number_format in ((datetime, "dd/mm/yyyy hh:mm"), (date, "dd/mm/yyyy")):
        prototype = WriteOnlyCell(sheet)
        prototype.number_format = number_format
        styles[kind] = prototype._style

    def moment(value, style):
        result = Cell(sheet, row=1, column=1, style_array=style)  # placed by openpyxl as it writes
        result._value, result.data_type = value, "d"
        return result

    def convert(row):
        values = []
        append = values.append
        for value in row:
            kind = type(value)
            if kind is str:
                append(cell(sheet, value) if value.startswith(TEXT_CELL_TRIGGERS) else value)
            elif kind in PLAIN_TYPES:
                append(value)
            elif kind is datetime:
                if value.utcoffset() is not None:
                    value = value.astimezone(zone).replace(tzinfo=None)
                append(moment(value, styles[datetime]))
            elif kind is date:
                append(moment(value, styles[date]))
            else:
                append(_row_value(sheet, value))
        return values

    return convert


def workbook_response(filename: str, sheet_title: str, headers: list[str], rows: Iterable[Iterable],
                      *, title_line: str = "", widths: list[int] | None = None) -> FileResponse:
    """Write the rows with openpyxl write-only into a temporary file and stream it back."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(sheet_title[:31])
    for index, width in enumerate(widths or [], start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    if title_line:
        sheet.append([cell(sheet, title_line)])
        sheet.append([])
    sheet.append([cell(sheet, h, bold=True) for h in headers])
    convert = _row_converter(sheet)
    for row in rows:
        sheet.append(convert(row))
    handle = tempfile.TemporaryFile(suffix=".xlsx")
    book.save(handle)
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX)


def register_response(*, slug: str, sheet_title: str, heading: str, title: str, headers: list[str],
                      rows: Iterable[Iterable], widths: list[int]) -> FileResponse:
    """A register (sổ theo dõi) in the usual layout: a dated heading line, then the table."""
    now = timezone.localtime()
    return workbook_response(f"{slug}-{now:%Y%m%d-%H%M}.xlsx", sheet_title, headers, rows,
                             title_line=f"{heading} — {title} — lập lúc {now:%H:%M %d/%m/%Y}", widths=widths)


def workbook_bytes(book: Workbook) -> bytes:
    """A workbook built in memory (an import template) as bytes. Its cells were set with plain
    values, so openpyxl took text starting with "=" for a formula and "#N/A" for an error: every
    such cell becomes text again, with the quote prefix, before the file is written."""
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for value_cell in row:
                if isinstance(value_cell.value, str) and _needs_text_cell(value_cell.value):
                    value_cell.data_type = "s"
                    value_cell.quotePrefix = True
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def xlsx_download(content: bytes, filename: str) -> HttpResponse:
    """A small workbook built in memory (an import template), offered as a download."""
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
