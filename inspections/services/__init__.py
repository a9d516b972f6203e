"""Actions on plans, inspections, findings, recommendations and disciplinary decisions, one module
per aggregate.

Each runs in one transaction, re-reads its row under a lock (core.transitions.locked), changes the
status with a conditional UPDATE (core.transitions.advance: two people acting at once cannot both
win, on PostgreSQL and SQLite), writes an Event and notifies on commit. Who may do what in which
state is inspections.access.available_actions. Remediation and follow-up work is created through
the task engine's services (tasks.services.task_issue), never by writing task rows here.

`from inspections import services; services.inspection_start(...)` and
`from inspections.services import X` keep working: the public functions are re-exported here.
"""

from inspections.access import DIRECTIVE_STATUSES, FOLLOWING_STATUSES, GRANTED_STATUSES
from inspections.rules import state_follow_up_due
from inspections.selectors import planned_overlaps, time_limits
from inspections.services._common import PERMISSION, common_ancestor
from inspections.services.decisions import (
    IssueChecks,
    decision_add_pause,
    decision_announce,
    decision_issue,
    decision_open,
    decision_record,
    decision_withdraw,
    issue_checks,
)
from inspections.services.findings import (
    check_finding_subject,
    finding_explain,
    finding_propose_handling,
    finding_record,
    finding_warnings,
    finding_withdraw,
)
from inspections.services.inspections import (
    inspection_assign_drafting,
    inspection_cancel,
    inspection_close,
    inspection_conclude,
    inspection_create,
    inspection_draft_conclusion,
    inspection_follow_up,
    inspection_publish,
    inspection_record_directive,
    inspection_report,
    inspection_set_team,
    inspection_start,
)
from inspections.services.plans import plan_create
from inspections.services.recommendations import (
    recommendation_add,
    recommendation_replace_task,
    recommendation_verify,
    recommendation_withdraw,
)
from inspections.services.rolls import (
    ROLL_ABSENCE_VIOLATION,
    RollConflict,
    roll_add_person,
    roll_open,
    roll_record_findings,
    roll_submission_message,
    roll_submit,
)

__all__ = [
    "DIRECTIVE_STATUSES", "FOLLOWING_STATUSES", "GRANTED_STATUSES", "PERMISSION", "ROLL_ABSENCE_VIOLATION",
    "IssueChecks", "RollConflict", "check_finding_subject", "common_ancestor", "decision_add_pause",
    "decision_announce", "decision_issue", "decision_open", "decision_record", "decision_withdraw",
    "finding_explain", "finding_propose_handling", "finding_record", "finding_warnings", "finding_withdraw",
    "inspection_assign_drafting", "inspection_cancel", "inspection_close", "inspection_conclude",
    "inspection_create", "inspection_draft_conclusion", "inspection_follow_up", "inspection_publish",
    "inspection_record_directive", "inspection_report", "inspection_set_team", "inspection_start",
    "issue_checks", "plan_create", "planned_overlaps", "recommendation_add", "recommendation_replace_task",
    "recommendation_verify", "recommendation_withdraw", "roll_add_person", "roll_open", "roll_record_findings",
    "roll_submission_message", "roll_submit", "state_follow_up_due", "time_limits",
]
