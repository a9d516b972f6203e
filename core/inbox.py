"""The shape of one thing waiting for someone ("Việc cần xử lý"). Each domain app's selectors
return these for its own queues; the home page composes them (reports), so no app reads another's
records to find out what waits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone


@dataclass(frozen=True)
class InboxItem:
    code: str  # the record's code, if it has one
    title: str
    url: str
    due: datetime | date | None  # what the person must act by
    note: str = ""  # a short line under the title: whose, which unit, what was asked
    task_id: int | None = None  # the task it is, or is followed through

    @property
    def due_at(self) -> datetime | None:
        """The due moment as an aware datetime: a due day lasts until its end."""
        if self.due is None:
            return None
        if isinstance(self.due, datetime):
            return self.due
        return timezone.make_aware(datetime.combine(self.due, datetime.max.time()))

    @property
    def has_time(self) -> bool:
        return isinstance(self.due, datetime)

    def is_overdue(self, now: datetime) -> bool:
        return self.due_at is not None and self.due_at < now


def by_due(items: list[InboxItem]) -> list[InboxItem]:
    """Soonest (so overdue) first; items without a due moment last, by code."""
    far = timezone.make_aware(datetime.max.replace(year=9000))
    return sorted(items, key=lambda item: (item.due_at or far, item.code, item.title))
