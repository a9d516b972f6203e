"""Emulation actions, one module per aggregate: periods (and their inputs), ratings, council
sessions (and the secret ballot), nominations and awards. Each action checks who may act, locks
what it changes, refuses what does not fit the record's state (emulation.access.available_actions)
with a clear error, and keeps a history row (simple-history or a PeriodEvent). Manual inputs bump
the period's revision and queue a recompute. Reads live in emulation.selectors."""

from emulation.selectors import quota_errors
from emulation.services.awards import award_revoke, nomination_create, nomination_withdraw
from emulation.services.periods import (
    check_manual_score,
    manual_scores_set,
    period_advance,
    period_open,
    recompute_request,
    recompute_run,
)
from emulation.services.ratings import initiative_record, objective_cause_confirm, rating_decide_level, rating_set_general
from emulation.services.sessions import (
    BASE_LEVEL_TITLES,
    ballot_cast,
    session_close,
    session_open,
    session_set_presence,
)

__all__ = [
    "BASE_LEVEL_TITLES",
    "award_revoke",
    "ballot_cast",
    "check_manual_score",
    "initiative_record",
    "manual_scores_set",
    "nomination_create",
    "nomination_withdraw",
    "objective_cause_confirm",
    "period_advance",
    "period_open",
    "quota_errors",
    "rating_decide_level",
    "rating_set_general",
    "recompute_request",
    "recompute_run",
    "session_close",
    "session_open",
    "session_set_presence",
]
