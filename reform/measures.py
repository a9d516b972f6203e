"""Automatic sub-criteria: figures the product already holds about a unit's year, turned into points.

Which measure a sub-criterion uses and the steps that turn its figure into points are data on the
sub-criterion (SubCriterion.measure, SubCriterion.steps). The records are read only through the
selectors of the apps below (tasks, inspections), over the unit's subtree and the set's year, and
every record counted is kept as an evidence link of the score.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from inspections.selectors import decisions_in_subtree, recommendations_due_in_subtree
from reform import rules
from reform.models import LinkKind, Measure
from tasks.selectors import tasks_due_in_subtree

# A share is compared with its steps as "at least the threshold"; a count as "at most the threshold".
SHARES = frozenset({Measure.TASKS_ON_TIME, Measure.RECOMMENDATIONS_ON_TIME})


@dataclass(frozen=True)
class Counted:
    kind: str
    object_id: int
    label: str
    outcome: str


@dataclass
class Figure:
    value: Decimal
    points: Decimal
    text: str
    records: list[Counted] = field(default_factory=list)


def clean_steps(measure: str, steps, max_points: Decimal) -> list[list[str]]:
    """The steps of an automatic sub-criterion as [threshold, points] pairs of decimals (as text, for
    JSON), or a ValidationError naming what is wrong."""
    if measure not in Measure.values:
        raise ValidationError({"measure": _("Choose what the sub-criterion counts.")})
    if not isinstance(steps, (list, tuple)) or not steps:
        raise ValidationError({"steps": _("Give at least one step: a threshold and the points it earns.")})
    cleaned = []
    for number, pair in enumerate(steps, start=1):
        try:
            threshold, points = (Decimal(str(value).replace(",", ".")) for value in pair)
        except (ArithmeticError, ValueError, TypeError):
            raise ValidationError({"steps": _("Step %(n)d: give a threshold and points, as numbers.") % {"n": number}}
                                  ) from None
        if not (threshold.is_finite() and points.is_finite()) or threshold < 0 or (
                measure in SHARES and threshold > rules.HUNDRED):
            raise ValidationError({"steps": _("Step %(n)d: the threshold must be from 0 (to 100 for a share).")
                                   % {"n": number}})
        if not 0 <= points <= max_points:
            raise ValidationError({"steps": _("Step %(n)d: points must be between 0 and %(max)s.")
                                   % {"n": number, "max": max_points}})
        cleaned.append([str(threshold), str(points)])
    return cleaned


def points_for(measure: str, value: Decimal, steps) -> Decimal:
    """The most points of a step the figure reaches (a share at least its threshold, a count at most it); else 0."""
    earned = [Decimal(points) for threshold, points in steps
              if (value >= Decimal(threshold) if measure in SHARES else value <= Decimal(threshold))]
    return max(earned, default=rules.ZERO)


def _aware(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _share(done: int, total: int) -> Decimal:
    # Nothing assigned is nothing failed: a unit without any such record has the whole share.
    if not total:
        return rules.HUNDRED
    return (Decimal(done) * rules.HUNDRED / Decimal(total)).quantize(rules.CENT, rounding=ROUND_HALF_UP)


def figure(sub, unit, year: int, now: datetime | None = None) -> Figure:
    """The figure of `sub`'s measure for `unit`'s subtree in `year`, its points and the records counted."""
    start, end = date(year, 1, 1), date(year + 1, 1, 1)
    measure = sub.measure
    records: list[Counted] = []
    if measure in (Measure.TASKS_ON_TIME, Measure.TASKS_OVERDUE):
        tasks = tasks_due_in_subtree(_aware(start), _aware(end), unit.path, now)
        on_time = [t for t in tasks if t["on_time"]]
        if measure == Measure.TASKS_ON_TIME:
            value = _share(len(on_time), len(tasks))
            records = [Counted(LinkKind.TASK, t["id"], f"{t['code']} — {t['title']}"[:300], t["official_label"])
                       for t in tasks]
            text = _("%(done)d of %(total)d tasks due in %(year)d done on time: %(share)s%%.") % {
                "done": len(on_time), "total": len(tasks), "year": year, "share": value}
        else:
            late = [t for t in tasks if t["late"]]
            value = Decimal(len(late))
            records = [Counted(LinkKind.TASK, t["id"], f"{t['code']} — {t['title']}"[:300], t["official_label"])
                       for t in late]
            text = _("%(n)d of %(total)d tasks due in %(year)d overdue or done late.") % {
                "n": len(late), "total": len(tasks), "year": year}
    elif measure == Measure.RECOMMENDATIONS_ON_TIME:
        rows = recommendations_due_in_subtree(start, end, unit.path)
        done = [r for r in rows if r["on_time"]]
        value = _share(len(done), len(rows))
        records = [Counted(LinkKind.RECOMMENDATION, r["id"],
                           _("%(code)s, recommendation %(number)s") % {"code": r["inspection__code"],
                                                                      "number": r["number"]},
                           _("completed on time") if r["on_time"] else _("not completed by its deadline"))
                   for r in rows]
        text = _("%(done)d of %(total)d inspection recommendations due in %(year)d completed on time: %(share)s%%.") % {
            "done": len(done), "total": len(rows), "year": year, "share": value}
    elif measure == Measure.DISCIPLINED:
        rows = decisions_in_subtree(year, unit.path)
        value = Decimal(len(rows))
        records = [Counted(LinkKind.DECISION, r["id"], f"{r['code']} {r['number']}".strip(), r["form_label"]) for r in rows]
        text = _("%(n)d disciplinary decision(s) counted in %(year)d against the unit's officials.") % {
            "n": len(rows), "year": year}
    else:
        raise ValidationError({"measure": _("%(code)s has no measure to compute.") % {"code": sub.code}})
    points = min(points_for(measure, value, sub.steps), sub.max_points)
    return Figure(value=value, points=points, text=text, records=records)
