"""What the reform services share: the history row, the gate every action passes (the answer of
reform.access.available_actions), the refusals of a wrong state and the points checks."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.errors import ConflictError, require
from reform import rules
from reform.access import available_actions, heads_unit, runs_set
from reform.models import Assessment, CriteriaSet, Event, SubCriterion

ZERO = rules.ZERO


def _event(*, criteria_set, action: str, actor, assessment=None, note: str = "", from_status: str = "",
           to_status: str = "", data: dict | None = None) -> Event:
    return Event.objects.create(criteria_set=criteria_set, assessment=assessment, action=action, actor=actor,
                                note=note, from_status=from_status, to_status=to_status, data=data or {})


def _refuse_unless(user, obj, action: str) -> None:
    """Refuse what available_actions does not offer: 403 for who may not, 409 for the wrong moment."""
    if action in available_actions(user, obj):
        return
    if isinstance(obj, CriteriaSet):
        require(runs_set(user, obj))
        raise ConflictError(_wrong_set_state() % {"status": obj.get_status_display()}, code="wrong_state")
    # Someone with no part in this assessment is refused outright; those with one hear it is the wrong moment.
    require(heads_unit(user, obj.unit) or obj.appraiser_id == user.pk or runs_set(user, obj.criteria_set))
    raise ConflictError(_wrong_assessment_state(obj) % {"status": obj.get_status_display()}, code="wrong_state")


def _wrong_set_state() -> str:
    return _("This criteria set is “%(status)s”; that step is not possible now.")


def _wrong_assessment_state(assessment: Assessment) -> str:
    """The refusal of a step on an assessment no longer in the state it needs ("%(status)s" left for advance)."""
    return _("This assessment is “%(status)s” and its set “%(set_status)s”; that step is not possible "
             "for you now.") % {"status": "%(status)s", "set_status": assessment.criteria_set.get_status_display()}


def _points(value, field: str) -> Decimal:
    try:
        points = Decimal(str(value).replace(",", ".").strip())
    except (ArithmeticError, ValueError, TypeError):
        raise ValidationError({field: _("Enter the points as a number.")}) from None
    if not points.is_finite():
        raise ValidationError({field: _("Enter the points as a number.")})
    return points


def points_error(sub: SubCriterion, points: Decimal) -> str | None:
    """Why `points` cannot score `sub`, in words, or None."""
    reason = rules.check_points(points, method=sub.method, max_points=sub.max_points, step=sub.step)
    if reason == "range":
        return _("%(code)s: points must be between 0 and %(max)s.") % {"code": sub.code, "max": sub.max_points}
    if reason == "yes_no":
        return _("%(code)s is scored yes or no: 0 or %(max)s points.") % {"code": sub.code, "max": sub.max_points}
    if reason == "step":
        return _("%(code)s is scored in steps of %(step)s points.") % {"code": sub.code, "step": sub.step}
    return None


def _editable(actor, criteria_set: CriteriaSet) -> None:
    """Only a draft's structure changes. Once scoring has started the criteria are frozen: a change
    is a new version with a reason (reform.structure.criteria_set_new_version)."""
    if "edit" in available_actions(actor, criteria_set):
        return
    require(runs_set(actor, criteria_set))
    raise ConflictError(_("The criteria of “%(title)s” are frozen (%(status)s): scoring has started. To change them, "
                          "make a new version with a reason.") % {"title": criteria_set.title,
                                                                  "status": criteria_set.get_status_display()},
                        code="frozen")


def _sub_of(assessment: Assessment, sub: SubCriterion) -> None:
    if sub.criteria_set_id != assessment.criteria_set_id or not sub.applies_to(assessment.unit.kind):
        raise ValidationError({"sub_criterion": _("%(code)s does not apply to this unit.") % {"code": sub.code}})
