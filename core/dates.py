"""Dates and times as people read and type them: dd/mm/yyyy, 24-hour, the time before the date
("14:30 02/12/2026"), whatever the browser's locale. The pages' DATE_FORMAT and DATETIME_FORMAT
(core/formats) and the text of messages use the same order."""

import calendar
from datetime import date, datetime, timedelta

from django.utils import timezone

DATE = "%d/%m/%Y"
DATETIME = "%H:%M %d/%m/%Y"


def show_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    return value.strftime(DATE)


def show_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    return (timezone.localtime(value) if timezone.is_aware(value) else value).strftime(DATETIME)

def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def add_months(day: date, months: int) -> date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def dmy(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else "—"


def add_working_days(start: date, days: int) -> date:
    """Monday to Friday; public holidays are not yet a calendar in the system."""
    current, left = start, days
    while left:
        current += timedelta(days=1)
        if current.weekday() < 5:
            left -= 1
    return current
