"""When recurring tasks fall due: the periods of a rule inside a date window."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from tasks.models import Frequency, Recurrence


def due_dates(rule: Recurrence, start: date, end: date) -> list[tuple[str, datetime]]:
    """(period key, aware due date-time) for every due date of `rule` between start and end, inclusive."""
    if end < start:
        return []
    result = []
    if rule.frequency == Frequency.WEEKLY:
        day = start + timedelta(days=(rule.due_day - start.isoweekday()) % 7)
        while day <= end:
            year, week, _ = day.isocalendar()
            result.append((f"{year}-W{week:02d}", day))
            day += timedelta(days=7)
    else:
        year, month = start.year, start.month
        while date(year, month, 1) <= end:
            if rule.frequency == Frequency.MONTHLY or month % 3 == 0:
                day = date(year, month, rule.due_day)
                if start <= day <= end:
                    key = f"{year}-{month:02d}" if rule.frequency == Frequency.MONTHLY else f"{year}-Q{month // 3}"
                    result.append((key, day))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return [(key, timezone.make_aware(datetime.combine(day, rule.due_time))) for key, day in result]


_ROMAN_QUARTERS = {"1": "I", "2": "II", "3": "III", "4": "IV"}


def period_label(key: str) -> str:
    """A period key as people write it: "2026-12" → "tháng 12/2026", "2026-Q4" → "quý IV/2026",
    "2026-W49" → "tuần 49/2026"; an unknown key is shown as it is."""
    year, _sep, part = key.partition("-")
    if part.startswith("Q") and part[1:] in _ROMAN_QUARTERS:
        return _("quarter %(quarter)s/%(year)s") % {"quarter": _ROMAN_QUARTERS[part[1:]], "year": year}
    if part.startswith("W") and part[1:].isdigit():
        return _("week %(week)s/%(year)s") % {"week": part[1:], "year": year}
    if part.isdigit():
        return _("month %(month)s/%(year)s") % {"month": part, "year": year}
    return key
