"""What the inspections services share: the history row, notices, the step of an inspection or a finding."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Unit
from core.transitions import advance
from inspections.access import RECORD_PERMISSION
from inspections.models import Event, Finding, Inspection
from notifications.services import notification_send

PERMISSION = f"inspections.{RECORD_PERMISSION}"


def _today() -> date:
    return timezone.localdate()


def _event(*, action: str, actor, note: str = "", data: dict | None = None, from_status: str = "",
           to_status: str = "", **targets) -> Event:
    return Event.objects.create(action=action, actor=actor, note=note, data=data or {}, from_status=from_status,
                                to_status=to_status, **targets)


def _notify(recipients: Iterable, verb: str, message: str, *, target, url: str, dedupe_key: str | None = None):
    notification_send(recipients=[r for r in recipients if r is not None], verb=verb, message=message,
                      target=target, url=url, dedupe_key=dedupe_key)


def common_ancestor(a: Unit, b: Unit) -> Unit:
    """The lowest unit whose subtree holds both (one query)."""
    shared = [path for path in a.ancestor_paths() if b.path.startswith(path)]
    if not shared:
        raise ValidationError(_("%(a)s and %(b)s belong to different organisations.") % {"a": a, "b": b})
    return Unit.objects.get(path=shared[-1])


# The refusals of a step on an inspection or a finding, by what the record is.
WRONG_STATE = {
    Inspection: gettext_lazy("This inspection is “%(status)s”; that step is not possible now."),
    Finding: gettext_lazy("This finding is “%(status)s”; that is not possible now."),
}
CHANGED_MEANWHILE = {
    Inspection: gettext_lazy("Someone else changed this inspection at the same moment. Reload it and try again."),
    Finding: gettext_lazy("Someone else changed this finding at the same moment. Reload it and try again."),
}


def _step(record, *, action: str, allowed: Iterable[str], to: str, actor, note: str = "", data: dict | None = None,
          **fields) -> Event:
    """Move an inspection or a finding to `to` (core.transitions.advance: only if it is still in one of
    `allowed`) and write the history row."""
    model = type(record)
    left = advance(record, allowed=allowed, to=to, wrong_state=WRONG_STATE[model],
                   changed_meanwhile=CHANGED_MEANWHILE[model], **fields)
    targets = {"inspection": record} if model is Inspection else {"inspection_id": record.inspection_id, "finding": record}
    return _event(action=action, actor=actor, note=note, data=data, from_status=left, to_status=to, **targets)


def _inspection_url(inspection: Inspection) -> str:
    return reverse("inspections:detail", args=[inspection.pk])
