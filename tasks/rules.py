"""Figures the task engine applies, each with where it comes from."""

from __future__ import annotations

from datetime import datetime, timedelta

from core.text import fold
# The words other apps use of a task they manage (a remediation task's state, the record that owns
# it): the vocabulary of the task engine, read here so that no app reaches into tasks.models.
from tasks.models import TaskOwner, TaskStatus  # noqa: F401
from tasks.status import DONE_LATE, DONE_ON_TIME, DONE_ON_TIME_EXTENDED, OPEN_OVERDUE

# The on-time rate of the dashboards: of the tasks that have come to term — finished, or still open
# past their deadline — the share done on time by the statuses of QĐ 42/2014 (DOMAIN.md §1), the
# approved new deadline driving the status, so "on time after extension" counts as on time (it is
# still shown apart). So a unit is flattered neither by work not yet due nor by overdue work left open.
ON_TIME = (DONE_ON_TIME, DONE_ON_TIME_EXTENDED)
# Where those statuses come from, as the periodic report's document names it.
OFFICIAL_STATUS_BASIS = ("Quyết định số 42/2014/QĐ-TTg của Thủ tướng Chính phủ, được sửa đổi, bổ sung bởi "
                         "Quyết định số 23/2018/QĐ-TTg")
CAME_TO_TERM = (DONE_ON_TIME, DONE_ON_TIME_EXTENDED, DONE_LATE, OPEN_OVERDUE)

# When the lead's next progress report falls due. The reporting regime is part of the task's
# "rõ quy trình" (DOMAIN.md §1): the assigner writes it in words on each task ("Báo cáo tiến độ
# hằng tuần vào thứ Sáu"), so it is read here by its usual phrases, most frequent first. A regime
# in other words ("khi hoàn thành", "khi được yêu cầu") sets no recurring report: nothing falls due.
REPORTING_EVERY = (
    (("hang ngay", "moi ngay", "daily"), "days", 1),
    (("hang tuan", "moi tuan", "weekly"), "days", 7),
    (("hang thang", "moi thang", "monthly"), "months", 1),
    (("hang quy", "moi quy", "quarterly"), "months", 3),
)


def _add_months(moment: datetime, months: int) -> datetime:
    month = moment.month - 1 + months
    year, month = moment.year + month // 12, month % 12 + 1
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    last_day = [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
    return moment.replace(year=year, month=month, day=min(moment.day, last_day))


def next_report_due(regime: str, last_report: datetime | None) -> datetime | None:
    """When the next progress report is due under `regime`, counted from the last report (or the
    acceptance); None when the regime sets no recurring report or nothing has started yet."""
    if last_report is None:
        return None
    text = fold(regime or "")
    for phrases, unit, count in REPORTING_EVERY:
        if any(phrase in text for phrase in phrases):
            return last_report + timedelta(days=count) if unit == "days" else _add_months(last_report, count)
    return None
