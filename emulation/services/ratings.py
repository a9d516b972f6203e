"""An official's rating: the head's general criteria, the council's decided level, the objective
causes and recognised initiatives that change what the tasks cost."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import ConflictError, require, required_text
from emulation import access, rules, scoring
from emulation.models import Initiative, ObjectiveCause, Period, Rating, RatingLevel, RatingMode
from emulation.services._common import _frozen, _input_changed, _locked_period, _refuse_unless, _require_computable
from tasks import access as task_access

if TYPE_CHECKING:
    from tasks.models import Task


def _locked_rating(rating: Rating) -> tuple[Period, Rating]:
    period = _locked_period(rating.period)
    rating = Rating.objects.select_for_update(of=("self",)).select_related("person__unit", "rule_set").get(pk=rating.pk)
    return period, rating


@transaction.atomic
def rating_set_general(*, actor, rating: Rating, points=None, met: bool | None = None, note: str = "",
                       organising=None) -> Rating:
    """The head's general-criteria points (100-point scale: up to the rule set's 30) or assessment
    (Decree 90/2020), with a note; for a leader also the organising-ability assessment (percent)."""
    period, rating = _locked_rating(rating)
    require(access.can_score(actor, rating.person))
    _refuse_unless(actor, rating, "set_general", _frozen(), code="period_frozen")
    note = required_text(note, "general_note", _("Say what the general-criteria points rest on."))
    changes = {"general_note": note, "general_by": actor}
    if rating.mode == RatingMode.CRITERIA:
        if met is None:
            raise ValidationError({"general_met": _("Say whether the general criteria are met.")})
        changes["general_met"] = met
    else:
        top = rating.rule_set.general_max_points if rating.rule_set_id else 30
        try:
            value = Decimal(str(points)).quantize(Decimal("0.1"))
        except (InvalidOperation, TypeError, ValueError):
            raise ValidationError({"general_points": _("Enter the points as a number from 0 to %(top)d.") % {
                "top": top}}) from None
        if not Decimal(0) <= value <= Decimal(top):
            raise ValidationError({"general_points": _("General-criteria points run from 0 to %(top)d.") % {
                "top": top}})
        changes["general_points"] = value
        if organising not in (None, ""):
            changes["organising_percent"] = _organising_percent(organising)
            # The leader's task points depend on it: the queued recompute works them out.
        elif rating.task_points is not None:
            # Shown at once; the queued recompute brings the verdicts and ranks in line.
            changes["score"] = value + rating.task_points
            if not rating.disqualified and rating.rule_set_id:
                changes["computed_level"] = rules.band(float(changes["score"]), rating.rule_set)
                changes["pending_reason"] = ""
    for name, value in changes.items():
        setattr(rating, name, value)
    rating.save()
    _input_changed(period, actor)
    return rating


def _organising_percent(value) -> int:
    message = _("Enter the organising ability as a whole percentage from 0 to 100.")
    try:
        number = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError({"organising_percent": message}) from None
    if not number.is_finite() or number != number.to_integral_value() or not 0 <= number <= 100:
        raise ValidationError({"organising_percent": message})
    return int(number)


@transaction.atomic
def rating_decide_level(*, actor, rating: Rating, level: str, note: str) -> Rating:
    """The council lowers a computed level (e.g. to keep within the HTXS quota) — never raises it."""
    period, rating = _locked_rating(rating)
    require(access.can_run(actor, period))
    _refuse_unless(actor, rating, "decide_level", _("Levels are decided during the review."))
    note = required_text(note, "level_note", _("Give the reason for the decided level."))
    if level not in RatingLevel.values:
        raise ValidationError({"level": _("Choose a level.")})
    if not rating.computed_level:
        raise ValidationError({"level": _("The official is not rated yet: %(why)s") % {"why": rating.pending_reason}})
    if scoring.LEVEL_RANK[level] > scoring.LEVEL_RANK[rating.computed_level]:
        raise ValidationError({"level": _("The decided level cannot be above the computed level (%(level)s).") % {
            "level": rating.get_computed_level_display()}})
    rating.level = "" if level == rating.computed_level else level
    rating.level_note, rating.level_by = note, actor
    rating.save()
    _input_changed(period, actor)
    return rating


@transaction.atomic
def objective_cause_confirm(*, actor, period: Period, task: Task, reason: str) -> ObjectiveCause:
    """The task's judge confirms an objective cause: no deduction for that task's delay or rework.
    Never its lead; a self-led task's cause is confirmed from above (tasks.access.may_judge)."""
    period = _locked_period(period)
    require(task_access.can(actor, task, "confirm_objective_cause"))
    _require_computable(period)
    reason = required_text(reason, "reason", _("Describe the objective cause."))
    if not task.lead_unit_id or not task.lead_unit.path.startswith(period.unit.path):
        raise ValidationError({"task": _("The task is outside the period's scope.")})
    cause, created = ObjectiveCause.objects.get_or_create(period=period, task=task, defaults={
        "reason": reason, "confirmed_by": actor})
    if not created:
        raise ConflictError(_("An objective cause is already confirmed for this task."), code="duplicate")
    _input_changed(period, actor)
    return cause


@transaction.atomic
def initiative_record(*, actor, period: Period, person: User, title: str, recognition: str) -> Initiative:
    period = _locked_period(period)
    require(access.can_run(actor, period) or access.can_score(actor, person))
    _require_computable(period)
    title = required_text(title, "title", _("Name the initiative."))
    recognition = required_text(recognition, "recognition", _("Give the decision recognising the initiative."))
    if not person.unit_id or not person.unit.path.startswith(period.unit.path):
        raise ValidationError({"person": _("The official is outside the period's scope.")})
    initiative = Initiative.objects.create(period=period, person=person, title=title, recognition=recognition,
                                          recorded_by=actor)
    _input_changed(period, actor)
    return initiative
