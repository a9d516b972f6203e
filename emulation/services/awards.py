"""Nominations for a title (the rules must find the subject eligible) and the awards the council
decided, revoked — never deleted — when a later finding calls for it."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Unit, User
from core.errors import ConflictError, require, required_text
from emulation import access, rules, selectors
from emulation.models import Award, Nomination, NominationStatus, Period, Title
from emulation.services._common import _event, _locked_period, _refuse_unless


@transaction.atomic
def nomination_create(*, actor, period: Period, title: str, person: User | None = None, unit: Unit | None = None,
                      note: str = "") -> Nomination:
    """A unit proposes a person or itself for a title; the rules must find the subject eligible."""
    period = _locked_period(period)
    if title not in Title.values:
        raise ValidationError({"title": _("Choose a title.")})
    rule = rules.title_rule(title, period.ends_on)
    if rule.collective != (person is None):
        raise ValidationError({"title": _("This title is for a collective.") if rule.collective
                               else _("This title is for an individual.")})
    unit = person.unit if person else unit
    if unit is None:
        raise ValidationError({"unit": _("Choose the unit.")})
    require(access.can_nominate(actor, period, unit))
    if period.status not in access.NOMINATING_STATUSES:
        raise ConflictError(_("Nominations are made during the review and the vote."), code="wrong_state")
    verdict = selectors.verdict_for(period, title, person, unit)
    if verdict is None:
        raise ValidationError({"title": _("No eligibility verdict yet: compute the period first.")})
    if not verdict.eligible:
        failed = [c["reason"] for c in verdict.conditions if not c["passed"]]
        raise ValidationError({"title": _("Not eligible: %(reasons)s") % {"reasons": " ".join(failed)}})
    try:
        with transaction.atomic():
            nomination = Nomination.objects.create(period=period, title=title, person=person, unit=unit,
                                                   nominated_by=actor, note=note.strip())
    except IntegrityError:
        raise ConflictError(_("Already nominated for this title."), code="duplicate") from None
    return nomination


@transaction.atomic
def nomination_withdraw(*, actor, nomination: Nomination, reason: str) -> Nomination:
    nomination = Nomination.objects.select_for_update().select_related("period__unit", "unit").get(pk=nomination.pk)
    require(access.can_nominate(actor, nomination.period, nomination.unit))
    reason = required_text(reason, "reason", _("Give the reason for withdrawing."))
    _refuse_unless(actor, nomination, "withdraw", _("Only a proposal not yet decided can be withdrawn."))
    nomination.status, nomination.withdrawn_reason = NominationStatus.WITHDRAWN, reason
    nomination.save()
    return nomination


@transaction.atomic
def award_revoke(*, actor, award: Award, reason: str) -> Award:
    """Revoke an award (its money to be recovered) — kept with the reason, never deleted."""
    award = Award.objects.select_for_update().select_related("period__unit").get(pk=award.pk)
    require(access.can_run(actor, award.period))
    reason = required_text(reason, "reason", _("Give the reason for revoking."))
    _refuse_unless(actor, award, "revoke", _("The award is already revoked."), code="already_revoked")
    award.revoked_at, award.revoked_by, award.revoke_reason = timezone.now(), actor, reason
    award.save()
    _event(award.period, "revoke", actor, reason, {"award": award.pk})
    return award
