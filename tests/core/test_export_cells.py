"""The rows of an export, cell by cell: times in local time as dd/mm/yyyy hh:mm, days as dd/mm/yyyy,
numbers and ordinary text as they are, text Excel would take for a formula or an error as text with
the quote prefix (an error value's text as text) — whatever the row path does to be fast."""

import io
from datetime import date, datetime
from datetime import timezone as dt_timezone
from decimal import Decimal

from openpyxl import load_workbook

from core.xlsx import workbook_response


def test_each_kind_of_value_is_written_as_before():
    moment = datetime(2026, 3, 1, 10, 30, tzinfo=dt_timezone.utc)  # 17:30 in Hà Nội
    rows = [[1, "Việc thường", moment, date(2026, 3, 2), None, True, 2.5, Decimal("3.25"), "=1+2", "#N/A", "－1"]]
    response = workbook_response("x.xlsx", "Sổ", [f"H{i}" for i in range(11)], rows, title_line="Tiêu đề")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    cells = list(sheet.iter_rows(min_row=4, max_row=4))[0]
    assert [c.value for c in cells[:4]] == [1, "Việc thường", datetime(2026, 3, 1, 17, 30), datetime(2026, 3, 2)]
    assert (cells[2].number_format, cells[3].number_format) == ("dd/mm/yyyy hh:mm", "dd/mm/yyyy")
    assert [c.value for c in cells[4:8]] == [None, True, 2.5, 3.25]
    # A formula's text with the quote prefix; an error value's text as text (never an error cell).
    for text_cell, text, prefix in zip(cells[8:], ["=1+2", "#N/A", "－1"], [True, False, True]):
        assert (text_cell.value, text_cell.data_type, text_cell.quotePrefix) == (text, "s", prefix)
    assert not cells[1].quotePrefix
