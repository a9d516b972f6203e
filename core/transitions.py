"""The one way a record changes state: a conditional UPDATE on the state it was read in.

Of two people acting on one record at once, only one UPDATE finds the row still in an allowed
state; the other gets a clear conflict instead of overwriting the first. Callers hold the row
lock (`locked`) so the decision before the UPDATE is taken on the current row, and write their
aggregate's history row with the state the record left (the return value)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.errors import ConflictError

CHANGED_MEANWHILE = _("Someone else changed this record at the same moment. Reload it and try again.")


def locked(record: models.Model) -> models.Model:
    """Re-read `record` in place under a row lock (PostgreSQL); SQLite's IMMEDIATE transactions
    serialise writers. Decisions are then taken on the current row, not a stale copy."""
    record.refresh_from_db(from_queryset=type(record)._default_manager.select_for_update())
    return record


def advance(record: models.Model, *, allowed: Iterable[str], to: str, wrong_state: str,
            changed_meanwhile: str = CHANGED_MEANWHILE, **fields) -> str:
    """Move `record` to `to` (and set `fields`) only if it is still in one of `allowed`.

    `wrong_state` is the refusal when it is not, with "%(status)s" for the state it is in. Returns
    the state it left, for the history row."""
    allowed = tuple(allowed)
    if record.status not in allowed:
        raise ConflictError(str(wrong_state) % {"status": record.get_status_display()}, code="wrong_state")
    changed = type(record)._default_manager.filter(pk=record.pk, status__in=allowed).update(status=to, **fields)
    if changed != 1:
        raise ConflictError(str(changed_meanwhile))
    left = record.status
    record.status = to
    for name, value in fields.items():
        setattr(record, name, value)
    return left
