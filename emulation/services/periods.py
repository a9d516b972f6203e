"""A period's life: opened with its criteria, moved one step at a time, recomputed (a queued run),
and its manual inputs (unit criterion points) set while they still change."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Unit
from core.errors import ConflictError, require
from core.rulebook import RuleRefusal
from core.transitions import advance
from emulation import access, scoring, selectors
from emulation.catalogue import DEFAULT_UNIT_CRITERIA
from emulation.models import (
    CriterionKind,
    ManualScore,
    Period,
    PeriodStatus,
    RatingRuleSet,
    RecomputeRun,
    RecomputeStatus,
    SessionStatus,
    UnitCriterion,
)
from emulation.services._common import _event, _frozen, _input_changed, _locked_period, _refuse_unless


@transaction.atomic
def period_open(*, actor, unit: Unit, year: int, quarter: int | None = None, name: str = "") -> Period:
    require(access.can_run_in(actor, unit))
    if quarter is not None and not 1 <= quarter <= 4:
        raise ValidationError({"quarter": _("A quarter is 1 to 4.")})
    if quarter:
        starts_on = date(year, 3 * quarter - 2, 1)
        ends_on = date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1) - timedelta(days=1)
        default_name = _("Emulation quarter %(q)d/%(year)d — %(unit)s") % {
            "q": quarter, "year": year, "unit": unit.name}
    else:
        starts_on, ends_on = date(year, 1, 1), date(year, 12, 31)
        default_name = _("Emulation year %(year)d — %(unit)s") % {"year": year, "unit": unit.name}
    try:  # the unique constraints decide, so two requests at once cannot both open one
        with transaction.atomic():
            period = Period.objects.create(organisation_id=unit.organisation_id, unit=unit, year=year, quarter=quarter,
                                           name=name.strip() or default_name, starts_on=starts_on, ends_on=ends_on,
                                           created_by=actor)
    except IntegrityError:
        raise ConflictError(_("This council already has a period for %(year)d.") % {"year": year},
                            code="duplicate_period") from None
    UnitCriterion.objects.bulk_create([
        UnitCriterion(period=period, code=code, name=label, kind=kind, metric=metric, max_points=top,
                      deduct_per_item=deduct, order=order)
        for order, (code, label, kind, metric, top, deduct) in enumerate(DEFAULT_UNIT_CRITERIA)])
    _event(period, "open", actor, to_status=period.status)
    return period


@transaction.atomic
def period_advance(*, actor, period: Period, to: str, note: str = "") -> Period:
    """Move the period one step: open → scoring → review → voting → decided → published."""
    period = _locked_period(period)
    require(access.can_run(actor, period))
    if "advance" not in access.available_actions(actor, period) or to != access.next_status(period):
        raise ConflictError(_("The period is %(status)s: it cannot move to that step.") % {
            "status": period.get_status_display().lower()}, code="wrong_state")
    now = timezone.now()
    changes = {}
    if to == PeriodStatus.REVIEW and period.computed_at is None:
        raise ConflictError(_("Compute the period before the review."), code="not_computed")
    if to == PeriodStatus.VOTING:
        errors = selectors.quota_errors(period)
        if errors:
            # The refusal links to the rating rule sets whose quota it applied.
            applied = RatingRuleSet.objects.filter(pk__in=period.ratings.values("rule_set_id")).order_by("pk")
            raise RuleRefusal({"status": errors}, rules=list(applied))
        changes["frozen_at"] = now
    if to == PeriodStatus.DECIDED:
        if not period.sessions.exists():
            raise ConflictError(_("No council session has voted yet."), code="no_session")
        if period.sessions.filter(status=SessionStatus.OPEN).exists():
            raise ConflictError(_("A council session is still open."), code="session_open")
    left = advance(period, allowed=(period.status,), to=to,
                   wrong_state=_("The period is %(status)s: it cannot move to that step."),
                   changed_meanwhile=_("Someone else moved the period first."), **changes)
    _event(period, f"to_{to}", actor, note.strip(), {"from": left, "to": to}, from_status=left, to_status=to)
    period.refresh_from_db()
    return period


def recompute_request(*, actor, period: Period, check: bool = True) -> RecomputeRun:
    """Queue a recompute (the scheduler runs it within a minute); asking again joins the queued one."""
    if check:
        require(access.can_run(actor, period))
        _refuse_unless(actor, period, "recompute", _frozen(), code="period_frozen")
    active = RecomputeRun.objects.filter(period=period, status__in=(RecomputeStatus.QUEUED, RecomputeStatus.RUNNING))
    run = active.filter(status=RecomputeStatus.QUEUED).first()
    if run:
        return run
    try:
        with transaction.atomic():
            return RecomputeRun.objects.create(period=period, requested_by=actor if actor and actor.pk else None)
    except IntegrityError:
        # One is running: it may have read the inputs before this change; the next nightly or a
        # later request picks the change up. Show the running one.
        return active.first()


def recompute_run(run: RecomputeRun) -> RecomputeRun:
    """Run a queued recompute, reporting progress on the run row as it goes."""
    claimed = RecomputeRun.objects.filter(pk=run.pk, status=RecomputeStatus.QUEUED).update(
        status=RecomputeStatus.RUNNING, started_at=timezone.now())
    if claimed != 1:
        return run

    def progress(done: int, total: int) -> None:
        RecomputeRun.objects.filter(pk=run.pk).update(done=done, total=total)

    try:
        counts = scoring.compute_period(run.period, progress=progress)
    except (ValidationError, ConflictError) as error:
        RecomputeRun.objects.filter(pk=run.pk).update(status=RecomputeStatus.FAILED, finished_at=timezone.now(),
                                                      message="; ".join(getattr(error, "messages", [str(error)])))
    else:
        RecomputeRun.objects.filter(pk=run.pk).update(status=RecomputeStatus.DONE, finished_at=timezone.now(),
                                                      message=str(counts))
        _event(run.period, "recompute", run.requested_by, data=counts)
    run.refresh_from_db()
    return run


def check_manual_score(period: Period, unit: Unit | None, criterion: UnitCriterion | None, points, evidence,
                       *, actor=None) -> dict:
    """The errors of one manual score, by field (shared by the form, the API and the Excel import).
    With `actor`, also whether they may score that unit: only from above it (access.can_score_unit)."""
    errors = {}
    if unit is None or not unit.path.startswith(period.unit.path) or unit.pk == period.unit_id:
        errors["unit"] = _("The unit is not one of the period's units.")
    elif actor is not None and not access.can_score_unit(actor, unit):
        errors["unit"] = _("You may not enter points for %(unit)s: you work in it or lead it, and its points "
                           "come from above it.") % {"unit": unit.name}
    if criterion is None or criterion.period_id != period.pk or criterion.kind != CriterionKind.MANUAL:
        errors["criterion"] = _("Choose a manual criterion of this period.")
    try:
        value = Decimal(str(points).replace(",", "."))
        if not value.is_finite():  # NaN compares with nothing; infinity is no score
            raise InvalidOperation
        value = value.quantize(Decimal("0.01"))
    except (InvalidOperation, TypeError, ValueError):
        errors["points"] = _("Enter the points as a number.")
    else:
        if criterion is not None and "criterion" not in errors and not 0 <= value <= criterion.max_points:
            errors["points"] = _("Points run from 0 to %(max)s.") % {"max": criterion.max_points}
    if not str(evidence or "").strip():
        errors["evidence"] = _("Give the evidence for the points (document, number, date).")
    return errors


@transaction.atomic
def manual_scores_set(*, actor, period: Period, entries: list[dict]) -> int:
    """Set manual criterion points for units; every entry is checked first, nothing written on any error."""
    period = _locked_period(period)
    require(access.can_run(actor, period))
    _refuse_unless(actor, period, "import_manual", _frozen(), code="period_frozen")
    errors = {}
    for index, entry in enumerate(entries):
        problems = check_manual_score(period, entry.get("unit"), entry.get("criterion"), entry.get("points"),
                                      entry.get("evidence"), actor=actor)
        if problems:
            errors[index] = problems
    if errors:
        raise ValidationError({f"{index}.{field}": message for index, fields in errors.items()
                               for field, message in fields.items()})
    for entry in entries:
        ManualScore.objects.update_or_create(
            period=period, unit=entry["unit"], criterion=entry["criterion"],
            defaults={"points": Decimal(str(entry["points"]).replace(",", ".")),
                      "evidence": str(entry["evidence"]).strip(),
                      "entered_by": actor, "entered_at": timezone.now()})
    _input_changed(period, actor)
    return len(entries)
