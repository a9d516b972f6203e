"""Discipline rules applied on the right date (DOMAIN.md §2). Every answer names its legal basis.

- forms: the rows of DisciplineFormRule in force on the decision date for the subject's staff
  group and leadership (hạ bậc lương / giáng chức: accepted up to 30/06/2025, refused after);
- statute of limitations: from the violation date, by the rule set in force on the decision
  date (5/10 years from 15/11/2022, 2/5 before), none for some violations, restarted by a new
  violation inside the period;
- processing time: from discovery, paused periods not counted;
- a new violation while a discipline is in force: one level heavier.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from inspections.models import (
    DecisionStatus,
    DisciplinaryDecision,
    DisciplineForm,
    DisciplineFormRule,
    DisciplinePause,
    DisciplineRuleSet,
    DisciplineSystem,
    Finding,
    FindingStatus,
    LeaderScope,
)

FORM_ORDER = [value for value, _label in DisciplineForm.choices]


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def add_months(day: date, months: int) -> date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def dmy(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else "—"


# -- forms -----------------------------------------------------------------------------------


def form_rules_for(*, system: str, staff_group: str, is_leader: bool, on: date):
    """The forms available, lightest first."""
    rules = DisciplineFormRule.objects.in_force(on).filter(system=system)
    if system == DisciplineSystem.STATE:
        scopes = [LeaderScope.ANY, LeaderScope.LEADERS if is_leader else LeaderScope.NON_LEADERS]
        rules = rules.filter(staff_group=staff_group, leader_scope__in=scopes)
    return rules.order_by("level")


def check_form(*, system: str, staff_group: str, is_leader: bool, form: str, on: date) -> DisciplineFormRule:
    """The rule that allows `form` on `on`, or a ValidationError that says which rule refuses it."""
    rules = list(form_rules_for(system=system, staff_group=staff_group, is_leader=is_leader, on=on))
    for rule in rules:
        if rule.form == form:
            return rule
    form_label = DisciplineForm(form).label if form in DisciplineForm.values else form
    if not rules:
        raise ValidationError({"form": _("No discipline forms are defined for this staff group on %(day)s.")
                               % {"day": dmy(on)}})
    allowed = ", ".join(str(rule.get_form_display()) for rule in rules)
    raise ValidationError({"form": _(
        "“%(form)s” is not a form of discipline for this official on %(day)s (%(basis)s). Allowed: %(allowed)s."
    ) % {"form": form_label, "day": dmy(on), "basis": rules[0].legal_basis, "allowed": allowed}})


def form_level(form: str, *, rules=None) -> int:
    """Severity rank of a form: its level among `rules` if given, else the catalogue order."""
    for rule in rules or ():
        if rule.form == form:
            return rule.level
    return FORM_ORDER.index(form) + 1 if form in FORM_ORDER else 0


# -- statute of limitations ----------------------------------------------------------------


def rule_set_for(on: date) -> DisciplineRuleSet:
    rule_set = DisciplineRuleSet.objects.in_force(on).order_by("-valid_from").first()
    if rule_set is None:
        raise ValidationError({"decision_date": _("No limitation rules are in force on %(day)s.") % {"day": dmy(on)}})
    return rule_set


@dataclass(frozen=True)
class Limitation:
    applies: bool
    years: int | None
    runs_from: date
    expires_on: date | None
    basis: str
    restarted: bool

    def allows(self, on: date) -> bool:
        return not self.applies or on <= self.expires_on

    def describe(self) -> str:
        if not self.applies:
            return _("No statute of limitations for this violation (%(basis)s).") % {"basis": self.basis}
        text = _("The limitation period is %(years)d years from %(start)s and ends after %(day)s (%(basis)s).") % {
            "day": dmy(self.expires_on), "years": self.years, "start": dmy(self.runs_from), "basis": self.basis}
        if self.restarted:
            text += " " + _("The period restarted with a later violation.")
        return text


def limitation_for(*, violation_date: date, decision_date: date, form: str, later_violations: list[date] = (),
                   no_limitation: bool = False) -> Limitation:
    """5 years at reprimand level, 10 at warning or heavier (2/5 before 15/11/2022), chosen by the
    rule set in force on the decision date; each later violation inside the period restarts it."""
    rule_set = rule_set_for(decision_date)
    if no_limitation:
        return Limitation(False, None, violation_date, None, rule_set.limitation_basis, False)
    light = form == DisciplineForm.REPRIMAND
    years = rule_set.limitation_light_years if light else rule_set.limitation_heavy_years
    start, restarted = violation_date, False
    for later in sorted(d for d in later_violations if d > violation_date):
        if later <= add_years(start, years):
            start, restarted = later, True
    return Limitation(True, years, start, add_years(start, years), rule_set.limitation_basis, restarted)


def later_violation_dates(person_id: int, after: date) -> list[date]:
    """The dates of the person's later recorded violations (withdrawn findings do not count)."""
    moments = Finding.objects.filter(subject_person_id=person_id, occurred_at__date__gt=after).exclude(
        status=FindingStatus.WITHDRAWN).values_list("occurred_at", flat=True)
    return sorted({timezone.localtime(moment).date() for moment in moments})


# -- processing time -----------------------------------------------------------------------


def paused_days(pauses, *, since: date, until: date) -> int:
    total = 0
    for pause in pauses:
        start = max(pause.starts_on, since)
        end = min(pause.ends_on or until, until)
        if end >= start:
            total += (end - start).days + 1
    return total


@dataclass(frozen=True)
class ProcessingWindow:
    days: int
    paused: int
    due_on: date
    basis: str


def processing_window(decision: DisciplinaryDecision, *, today: date | None = None) -> ProcessingWindow:
    """≤ 90 days from discovery (150 when complex); days paused (illness, maternity, prosecution) do not count."""
    today = today or timezone.localdate()
    rule_set = decision.rule_set or rule_set_for(decision.decision_date or today)
    days = rule_set.processing_days_complex if decision.complex_case else rule_set.processing_days
    pauses = list(decision.pauses.all()) if decision.pk else []
    paused = paused_days(pauses, since=decision.discovered_on, until=decision.decision_date or today)
    return ProcessingWindow(days, paused, decision.discovered_on + timedelta(days=days + paused), rule_set.processing_basis)


def pauses_overlap(pauses: list[DisciplinePause], starts_on: date, ends_on: date | None) -> bool:
    far = date.max
    return any(p.starts_on <= (ends_on or far) and starts_on <= (p.ends_on or far) for p in pauses)


# -- discipline in force ---------------------------------------------------------------------


def decisions_in_force(person_id: int, on: date, *, system: str | None = None):
    """Issued decisions that have taken effect and not yet lapsed on `on`."""
    decisions = DisciplinaryDecision.objects.filter(
        subject_id=person_id, status=DecisionStatus.ISSUED, effective_from__lte=on
    ).filter(Q(effect_until__isnull=True) | Q(effect_until__gte=on))
    if system:
        decisions = decisions.filter(system=system)
    return decisions.order_by("-effective_from")
