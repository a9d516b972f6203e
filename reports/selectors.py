"""What the home page and the work inbox compose from every module's own selectors."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone

from config.inbox import InboxItem
from emulation.selectors import EMULATION_QUEUES, emulation_inbox
from inspections.selectors import INSPECTION_QUEUES, inspection_inbox, remediation_task_ids_awaiting_verification
from tasks.selectors import TASK_QUEUES, task_inbox

# The inbox's order: the work on one's own tasks, then what others wait for one to decide.
QUEUE_LABELS = {**TASK_QUEUES, **INSPECTION_QUEUES, **EMULATION_QUEUES}


@dataclass
class Queue:
    key: str
    label: str
    items: list[InboxItem] = field(default_factory=list)
    overdue: int = 0

    @property
    def count(self) -> int:
        return len(self.items)

    @property
    def next_due(self) -> InboxItem | None:
        return self.items[0] if self.items else None


def inbox_for(user, *, now: datetime | None = None) -> list[Queue]:
    """Every queue of the work inbox ("Việc cần xử lý"), each with its items soonest first — so
    the overdue lead — and how many are overdue. A remediation task is listed once, under its
    recommendation: its lead finds it among the recommendations to remedy (not again among results
    to submit), and the inspection leader who checks it by verifying the recommendation among the
    remedies to verify (not again among results to judge)."""
    now = now or timezone.now()
    found = {**task_inbox(user, now=now), **inspection_inbox(user), **emulation_inbox(user)}
    if found["verifications"]:
        verified_by_me = remediation_task_ids_awaiting_verification(user)
        found["to_judge"] = [item for item in found["to_judge"] if item.task_id not in verified_by_me]
    remedied = {item.task_id for item in found["remedies"]}
    found["to_submit"] = [item for item in found["to_submit"] if item.task_id not in remedied]
    queues = []
    for key, label in QUEUE_LABELS.items():
        items = found[key]
        queues.append(Queue(key, str(label), items, sum(1 for item in items if item.is_overdue(now))))
    return queues
