"""Dates and times as people read and type them: dd/mm/yyyy, 24-hour, the time before the date
("14:30 02/12/2026"), whatever the browser's locale. The pages' DATE_FORMAT and DATETIME_FORMAT
(config/formats) and the text of messages use the same order."""

from datetime import date, datetime

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
