"""Builds the shipped default templates with python-docx, in the layout of Decree 30/2020/NĐ-CP
(appendix I): A4, Times New Roman, margins top/bottom 20 mm, left 30 mm, right 15 mm; the issuing
body and its number on the left, the national heading and the place and date on the right; the
title, the legal bases, the body, and "Nơi nhận" beside the signature block at the foot.

`manage.py build_document_templates` writes one .docx per declared type into
documents/default_templates/; the files are committed, so an administrator can download one,
edit it in Word and upload it back."""

from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from documents.registry import DocumentKind

DEFAULTS_DIR = Path(__file__).resolve().parent / "default_templates"
FONT = "Times New Roman"
CENTER, JUSTIFY, LEFT = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.JUSTIFY, WD_ALIGN_PARAGRAPH.LEFT


def default_path(kind: DocumentKind) -> Path:
    return DEFAULTS_DIR / f"{kind.key}.docx"


def _para(container, text="", *, size=14, bold=False, italic=False, align=CENTER, indent=False, space_after=0):
    paragraph = container.add_paragraph()
    paragraph.alignment = align
    fmt = paragraph.paragraph_format
    fmt.space_before, fmt.space_after = Pt(0), Pt(space_after)
    if indent:
        fmt.first_line_indent = Mm(12.7)
    if text:
        run = paragraph.add_run(text)
        run.font.size, run.bold, run.italic = Pt(size), bold, italic
        run.font.name = FONT
    return paragraph


def _cell(table, row, col):
    cell = table.cell(row, col)
    # A new cell holds one empty paragraph; the builder appends its own.
    cell._tc.remove(cell.paragraphs[0]._p)
    return cell


def _no_borders(table):
    borders = table._tbl.tblPr.first_child_found_in("w:tblBorders")
    if borders is not None:
        table._tbl.tblPr.remove(borders)


def build(kind: DocumentKind) -> Document:
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(14)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    normal.paragraph_format.space_after = Pt(0)

    # The head: issuing body and number (left), national heading and place-date (right).
    head = document.add_table(rows=1, cols=2)
    head.alignment = WD_TABLE_ALIGNMENT.CENTER
    head.autofit = False
    widths = (Mm(65), Mm(100))
    for column, width in zip(head.columns, widths):
        column.width = width
        for cell in column.cells:
            cell.width = width
    left, right = _cell(head, 0, 0), _cell(head, 0, 1)
    _para(left, "{{ superior_body }}", size=13)
    _para(left, "{{ issuing_body }}", size=13, bold=True)
    _para(left, "________", size=13)
    _para(left, "{{ number_line }}", size=13)
    _para(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", size=13, bold=True)
    _para(right, "Độc lập - Tự do - Hạnh phúc", size=14, bold=True)
    _para(right, "________________________", size=13)
    _para(right, "{{ place_date }}", size=14, italic=True)

    _para(document, "", space_after=12)
    _para(document, "{{ title }}", size=14, bold=True)
    _para(document, "{{ summary }}", size=14, bold=True, space_after=12)

    _para(document, "{%p for basis in bases %}")
    _para(document, "{{ basis }}", italic=True, align=JUSTIFY, indent=True, space_after=3)
    _para(document, "{%p endfor %}")
    if kind.body_heading:
        _para(document, kind.body_heading, bold=True, space_after=6)
    _para(document, "{%p for paragraph in body %}")
    _para(document, "{{ paragraph }}", align=JUSTIFY, indent=True, space_after=6)
    _para(document, "{%p endfor %}")

    if kind.table:
        grid = document.add_table(rows=4, cols=len(kind.table))
        grid.style = "Table Grid"
        grid.autofit = False
        widths = ([Mm(width) for width in kind.table_widths_mm] if kind.table_widths_mm
                  else [Mm(12)] + [Mm(153 / (len(kind.table) - 1))] * (len(kind.table) - 1))
        for column, width in zip(grid.columns, widths):
            column.width = width  # the grid LibreOffice lays out by
            for cell in column.cells:
                cell.width = width
        for index, heading in enumerate(kind.table):
            _para(_cell(grid, 0, index), heading, size=13, bold=True)
            _para(_cell(grid, 2, index), "{{ row[%d] }}" % index, size=13, align=LEFT if index else CENTER)
        _para(_cell(grid, 1, 0), "{%tr for row in rows %}", size=13)
        _para(_cell(grid, 3, 0), "{%tr endfor %}", size=13)
        _para(document, "", space_after=6)
    if "closing" in kind.placeholders:  # what follows the table (a report's list of overdue tasks)
        _para(document, "{%p for paragraph in closing %}")
        _para(document, "{{ paragraph }}", align=JUSTIFY, indent=True, space_after=6)
        _para(document, "{%p endfor %}")

    _para(document, "", space_after=6)
    # The foot: "Nơi nhận" (left) and the signature block (right).
    foot = document.add_table(rows=1, cols=2)
    foot.autofit = False
    for column, width in zip(foot.columns, (Mm(75), Mm(90))):
        column.width = width
        for cell in column.cells:
            cell.width = width
    left, right = _cell(foot, 0, 0), _cell(foot, 0, 1)
    _para(left, "Nơi nhận:", size=12, bold=True, italic=True, align=LEFT)
    _para(left, "{%p for recipient in recipients %}", size=11, align=LEFT)
    _para(left, "- {{ recipient }};", size=11, align=LEFT)
    _para(left, "{%p endfor %}", size=11, align=LEFT)
    _para(right, "{{ signer_authority }}", size=14, bold=True)
    _para(right, "{{ signer_title }}", size=14, bold=True, space_after=60)
    _para(right, "{{ signer_name }}", size=14, bold=True)
    for table in (head, foot):
        _no_borders(table)
    return document


def write_defaults(kinds) -> list[Path]:
    DEFAULTS_DIR.mkdir(exist_ok=True)
    written = []
    for kind in kinds:
        path = default_path(kind)
        build(kind).save(path)
        written.append(path)
    return written
