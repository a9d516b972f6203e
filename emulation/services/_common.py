"""What the emulation services share: the period's row lock and history row, the state check
against access.available_actions, and the recompute a changed input queues."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from core.errors import ConflictError
from core.transitions import locked
from emulation import access
from emulation.models import COMPUTABLE_STATUSES, Period, PeriodEvent


def _locked_period(period: Period) -> Period:
    """The period re-read under its row lock (core.transitions.locked)."""
    return locked(period)


def _event(period: Period, action: str, actor, note: str = "", data: dict | None = None, *,
           from_status: str = "", to_status: str = "") -> None:
    PeriodEvent.objects.create(period=period, action=action, actor=actor, note=note, data=data or {},
                               from_status=from_status, to_status=to_status)


def _refuse_unless(actor, record, action: str, refusal: str, code: str = "wrong_state") -> None:
    """After the who-check (403), the state-check: `action` must be one access.available_actions
    offers on `record` now, else the refusal (409)."""
    if action not in access.available_actions(actor, record):
        raise ConflictError(refusal, code=code)


def _frozen() -> str:
    return _("The period is frozen from the vote on: its inputs no longer change.")


def _require_computable(period: Period) -> None:
    if period.status not in COMPUTABLE_STATUSES:
        raise ConflictError(_frozen(), code="period_frozen")


def _input_changed(period: Period, actor) -> None:
    """A manual input changed: older computations must not write over it, and a new one is due."""
    from emulation.services.periods import recompute_request  # the periods module builds on this one

    Period.objects.filter(pk=period.pk).update(revision=F("revision") + 1)
    transaction.on_commit(lambda: recompute_request(actor=actor, period=period, check=False))
