"""Import templates: a data sheet with the importer's headers and nothing else, and a guide.

A template must come back in as it was handed out. So its data sheets hold the header row only
(an untouched template has no rows to import, and an example can never be imported by mistake),
the headers are the importer's own (`Column.header`, a required one followed by " *", which the
reader sets aside), and the guide sheet says how to fill each column and shows the example, under
the same headers, where nobody imports it.
"""

from __future__ import annotations

from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from core.xlsx_import import Column

GUIDE_SHEET = "Hướng dẫn"
REQUIRED_MARK = " *"

_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="8B1A1A")
_BOLD = Font(bold=True)


def template_header(column: Column, *, mark_required: bool = True) -> str:
    return column.header + (REQUIRED_MARK if mark_required and column.required else "")


def data_sheet(sheet, columns: list[Column], *, mark_required: bool = True) -> None:
    """Write the header row of an import sheet (styled, widths set, frozen below the headers)."""
    sheet.append([template_header(c, mark_required=mark_required) for c in columns])
    for position, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=position)
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
        sheet.column_dimensions[get_column_letter(position)].width = column.width
    sheet.freeze_panes = "A2"


def guide_sheet(book, *, intro: list[str], sheets: list[dict], after: list[list] = ()):
    """The guide: how to fill the file (`intro`), then for each data sheet a line per column
    (required or not, how to write it: `hints[key]`) and its example rows under the sheet's
    headers, then `after` (catalogues, allowed values). Each entry of `sheets` is a dict with
    `name`, `columns`, `hints` and `examples` (rows in column order), and `mark_required`."""
    guide = book.create_sheet(GUIDE_SHEET)
    guide.append(["HƯỚNG DẪN ĐIỀN TỆP MẪU"])
    guide["A1"].font = _BOLD
    for line in intro:
        guide.append([line])
    guide.append([])
    guide.append(["Trang", "Cột", "Bắt buộc", "Cách ghi, giá trị hợp lệ"])
    for cell in guide[guide.max_row]:
        cell.font = _BOLD
    for entry in sheets:
        for column in entry["columns"]:
            guide.append([entry["name"], column.header, "có" if column.required else "không",
                          entry["hints"].get(column.key, "")])
    for entry in sheets:
        guide.append([])
        guide.append([f"Ví dụ cho trang “{entry['name']}” (chỉ để tham khảo: dòng ví dụ ở trang hướng dẫn "
                      "không được nhập; ghi dữ liệu thật vào trang “{0}”, từ dòng 2)".format(entry["name"])])
        guide[f"A{guide.max_row}"].font = _BOLD
        guide.append([template_header(c, mark_required=entry.get("mark_required", True)) for c in entry["columns"]])
        for cell in guide[guide.max_row]:
            cell.font = _BOLD
        for example in entry["examples"]:
            guide.append(list(example))
    if after:
        guide.append([])
        for row in after:
            guide.append(list(row))
    for letter, width in zip("ABCD", (22, 26, 10, 90), strict=True):
        guide.column_dimensions[letter].width = width
    return guide
