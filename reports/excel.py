"""The periodic task report as an Excel workbook, in the usual layout of a báo cáo tình hình thực hiện
nhiệm vụ: a heading with the unit, the period and "số liệu tính đến ngày …", the table (STT, Đơn vị,
Tổng số, Đúng hạn, trong đó gia hạn, Trễ hạn, Chưa hoàn thành trong hạn, Quá hạn, Tỷ lệ đúng hạn), with
the previous period's delta columns when compared, then the list of overdue tasks and their reasons.
Text from users is written through core.xlsx.cell, so nothing is ever taken for a formula."""

from __future__ import annotations

import io

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from core.dates import show_date
from core.xlsx import cell
from reports.selectors import report_file_stem
from tasks.selectors import TaskReport

SHEET = "Báo cáo nhiệm vụ"
HEADERS = ["STT", "Đơn vị", "Tổng số", "Đúng hạn", "trong đó gia hạn", "Trễ hạn", "Chưa hoàn thành trong hạn",
           "Quá hạn", "Tỷ lệ đúng hạn (%)"]
DELTA_HEADERS = ["So với kỳ trước: Tổng số", "Đúng hạn", "Trễ hạn", "Quá hạn", "Tỷ lệ đúng hạn (điểm %)"]
OVERDUE_HEADERS = ["STT", "Mã nhiệm vụ", "Tên nhiệm vụ", "Văn bản giao", "Đơn vị chủ trì", "Người chủ trì",
                   "Hạn xử lý", "Số ngày quá hạn", "Lý do (gia hạn, báo cáo tiến độ)"]
WIDTHS = [6, 40, 10, 10, 12, 10, 14, 10, 12, 14, 10, 10, 10, 14]
COUNTS = ("assigned", "on_time", "on_time_extended", "late", "open_within", "open_overdue")


def heading_lines(report: TaskReport) -> list[str]:
    lines = [
        "BÁO CÁO TÌNH HÌNH THỰC HIỆN NHIỆM VỤ",
        f"Đơn vị: {report.unit_name}",
        f"Kỳ báo cáo: từ ngày {show_date(report.period_start)} đến ngày {show_date(report.period_end)}",
        f"Số liệu tính đến ngày {show_date(report.cut_off_date)}",
    ]
    if report.source_document:
        lines.append(f"Theo văn bản: {report.source_document}")
    if report.previous_start:
        lines.append(f"So với kỳ trước: từ ngày {show_date(report.previous_start)} đến ngày "
                     f"{show_date(report.previous_end)}, số liệu tính đến ngày "
                     f"{show_date(timezone.localdate(report.previous_cut_off))}")
    return lines


def _row(number, name, row, compared):
    values = [number, name, *[getattr(row, key) for key in COUNTS], row.rate]
    if compared:
        delta = row.delta
        values += [delta["assigned"], delta["on_time"], delta["late"], delta["open_overdue"], delta["rate"]]
    return values


def _reasons(item) -> str:
    return "\n".join(f"{show_date(r['at'])}: {r['text']}" for r in item.reasons)


def report_workbook(report: TaskReport) -> bytes:
    compared = report.previous_start is not None
    book = Workbook(write_only=True)
    sheet = book.create_sheet(SHEET)
    for index, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for line in heading_lines(report):
        sheet.append([cell(sheet, line)])
    sheet.append([])
    sheet.append([cell(sheet, h, bold=True) for h in HEADERS + (DELTA_HEADERS if compared else [])])
    for number, row in enumerate(report.rows, start=1):
        name = ("    " * row.depth) + row.name
        sheet.append([cell(sheet, value) if isinstance(value, str) else value
                      for value in _row(number, name, row, compared)])
    sheet.append([cell(sheet, value) if isinstance(value, str) else value
                  for value in _row("", "Tổng cộng", report.total, compared)])
    sheet.append([])
    sheet.append([cell(sheet, f"DANH SÁCH NHIỆM VỤ QUÁ HẠN ({report.overdue_count})")])
    sheet.append([cell(sheet, h, bold=True) for h in OVERDUE_HEADERS])
    for number, item in enumerate(report.overdue, start=1):
        sheet.append([number, *[cell(sheet, value) for value in (
            item.code, item.title, item.source_number, item.unit, item.lead)],
            cell(sheet, item.deadline), item.days_overdue, cell(sheet, _reasons(item))])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def report_filename(report: TaskReport) -> str:
    return f"{report_file_stem(report)}.xlsx"
