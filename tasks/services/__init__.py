"""Actions on tasks. Each runs in one transaction, locks the task row, changes the status with a
conditional UPDATE (so two people acting at once cannot both win, on PostgreSQL and SQLite
alike), writes a TaskEvent and notifies people once the transaction commits.

Views and serializers call these; they never set `status` themselves. The services live by
cluster — drafts, assignment, work, extensions, judging, occurrences, on what they share in
_common — and every one is imported from here (`from tasks import services`).
"""

from tasks.services.assignment import task_accept, task_assign, task_cancel, task_return
from tasks.services.drafts import (
    EDITABLE_FIELDS,
    default_lead_unit,
    task_create_draft,
    task_issue,
    task_update_draft,
)
from tasks.services.extensions import task_decide_extension, task_request_extension
from tasks.services.judging import task_approve, task_complete_for_owner, task_send_back
from tasks.services.occurrences import task_create_occurrence
from tasks.services.work import task_report_progress, task_submit_report, task_submit_result

__all__ = [
    "EDITABLE_FIELDS", "default_lead_unit", "task_accept", "task_approve", "task_assign", "task_cancel",
    "task_complete_for_owner", "task_create_draft", "task_create_occurrence", "task_decide_extension",
    "task_issue", "task_report_progress", "task_request_extension", "task_return", "task_send_back",
    "task_submit_report", "task_submit_result", "task_update_draft",
]
