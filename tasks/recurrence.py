"""When recurring tasks fall due: the periods of a rule inside a date window."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.utils import timezone

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
