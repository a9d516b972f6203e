"""Discipline rules applied on the right date (DOMAIN.md §2). Every answer names its legal basis.

- forms: the rows of DisciplineFormRule in force for the subject's staff group and leadership
  (state) or for full members, probationary members or organisations (Party);
- rule sets (limitation, processing time, how violations combine) are chosen by system and staff
  group; a row for the subject's group wins over a row for every group;
- statute of limitations: from the violation date, by the rule set in force on the decision date
  (5/10 years from 15/11/2022, 2/5 before; the Party's own, none at expulsion), none for some
  violations, restarted by a new violation inside the period, and moved on by the time that does
  not count (pauses);
- processing time: from discovery, pauses not counted;
- a case in process when a decree changes keeps the decree in force when it opened; where the
  newer rule is more favourable to the subject (the heaviest form for several violations rather
  than one level above it; a form the newer decree offers) that applies;
- several violations and a new violation while a discipline is in force: the lightest form the
  rules allow, warned about when the form chosen is lighter;
- Law 84/2025's time limits of the conclusion, each counted from its own date, for thanh tra only.

Every rule model and named figure of this app is listed on the page of rules in force (the
`rulebook.register` / `rulebook.constant` lines below).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.dates import add_months, add_working_days, add_years, dmy
from core import rulebook
from inspections.models import (
    CheckItem,
    ConclusionStep,
    ConclusionTimeLimit,
    DecisionStatus,
    DisciplinaryDecision,
    DisciplineForm,
    DisciplineFormRule,
    DisciplinePause,
    DisciplineRuleSet,
    DisciplineSystem,
    Finding,
    FindingStatus,
    Inspection,
    InspectionKind,
    InspectionStatus,
    LeaderScope,
    PartySubject,
    SeveralViolations,
    ViolationType,
)

rulebook.register(ViolationType)
rulebook.register(DisciplineFormRule)
rulebook.register(DisciplineRuleSet, basis=("limitation_basis", "processing_basis", "paused_time_basis",
                                             "several_violations_basis", "repeat_violation_basis",
                                             "state_follow_up_basis"))
rulebook.register(ConclusionTimeLimit, organisation_field="issuing_unit__organisation_id")

LAW_84 = "Luật Thanh tra số 84/2025/QH15"
PUBLICATION_DAYS = rulebook.constant(
    "inspections.publication_days", gettext_lazy("A conclusion stays published for at least (consecutive days)"),
    15, f"{LAW_84}: công khai kết luận thanh tra ít nhất 15 ngày liên tục")
LAW_84_EXEMPT_KINDS = rulebook.constant(
    "inspections.public_service_checks_untimed",
    gettext_lazy("Public-service checks (kiểm tra công vụ) are not thanh tra: the conclusion's time limits do not "
                 "apply to them"),
    (InspectionKind.PUBLIC_SERVICE,),
    f"{LAW_84} điều chỉnh hoạt động thanh tra; kiểm tra công vụ không phải là thanh tra")
# Who is a repeat offender across public-service checks (DOMAIN.md §5: "discipline for repeat cases").
# Each body's own regulation sets the window; a year is the usual practice.
REPEAT_OFFENCE_WINDOW_DAYS = rulebook.constant(
    "inspections.repeat_offence_window_days",
    gettext_lazy("Repeat offenders across public-service checks: absences without a reason (or items not met) in "
                 "more than one check within (days)"),
    365, "Quy chế kiểm tra công vụ của cơ quan (thực tiễn: trong 12 tháng); Chỉ thị 26/CT-TTg")
rulebook.register(CheckItem)
# Directive 20/CT-TTg limits repeated inspections of ENTERPRISES; the bodies planned here are agencies,
# for which one inspection a year is good practice, not law: the warning says so.
PLAN_OVERLAP_BASIS = ("Thực tiễn tốt trong lập kế hoạch, tránh chồng chéo đối với cơ quan, đơn vị (không phải quy định "
                      "pháp luật; Chỉ thị 20/CT-TTg chỉ giới hạn thanh tra, kiểm tra doanh nghiệp không quá một lần "
                      "trong năm)")
PLAN_OVERLAP_PER_YEAR = rulebook.constant(
    "inspections.plan_overlap",
    gettext_lazy("Planned inspections of the same body in a year, at most (more need a stated reason)"),
    1, PLAN_OVERLAP_BASIS)

# DOMAIN.md §2, Party ↔ State: a state body tells the Party organisation of a member's discipline.
PARTY_NOTICE_DAYS = rulebook.constant(
    "inspections.party_notice_days",
    gettext_lazy("A state body tells the Party organisation of a member's discipline within (days)"), 5,
    "Phối hợp giữa kỷ luật đảng và kỷ luật hành chính: cơ quan nhà nước thông báo cho tổ chức đảng trong "
    "05 ngày kể từ khi quyết định kỷ luật đảng viên (cần đối chiếu văn bản gốc)")

# The subject of a finding may explain (giải trình) within this many days of its recording: each
# body's regulation sets it (the FINDING_EXPLANATION_DAYS setting), 5 by default.
EXPLANATION_DAYS = rulebook.constant(
    "inspections.explanation_days",
    gettext_lazy("The subject of a recorded violation may explain within (days)"),
    settings.FINDING_EXPLANATION_DAYS,
    "Quy chế kiểm tra công vụ của cơ quan: người vi phạm được giải trình trong thời hạn ghi trong biên bản "
    "(mặc định 05 ngày; cấu hình FINDING_EXPLANATION_DAYS)")
# A deadline given as a day falls due at the end of its working day (as a task's due time).
DUE_TIME = time(17, 0)

FORM_ORDER = [value for value, _label in DisciplineForm.choices]


def due_at(day: date) -> datetime:
    """The moment a deadline given as a day falls due."""
    return timezone.make_aware(datetime.combine(day, DUE_TIME))


def explanation_due(recorded_on: date) -> date:
    """The last day the subject of a finding recorded on `recorded_on` may explain."""
    return recorded_on + timedelta(days=settings.FINDING_EXPLANATION_DAYS)


def earliest_publish_until(today: date) -> date:
    """The earliest last day of a conclusion's publication starting `today` (PUBLICATION_DAYS consecutive days)."""
    return today + timedelta(days=PUBLICATION_DAYS - 1)


def discipline_effect(rule: DisciplineFormRule, effective_from: date) -> tuple[date, date | None]:
    """The last day a discipline under `rule` is in force, and the day its salary delay ends (None
    when it delays no raise), from the day it takes effect."""
    effect_until = add_months(effective_from, rule.effect_months) - timedelta(days=1)
    salary_delay_until = add_months(effective_from, rule.salary_delay_months) if rule.salary_delay_months else None
    return effect_until, salary_delay_until


def state_follow_up_due(decision: DisciplinaryDecision) -> tuple[date, DisciplineRuleSet]:
    """The last day to consider the state discipline after a Party decision: counted from its
    announcement, by the Party rule set in force on the decision date (its state_follow_up_days,
    30 under the rules seeded)."""
    rule_set = rule_set_for(decision.decision_date, system=DisciplineSystem.PARTY)
    if rule_set.state_follow_up_days is None:
        raise ValidationError({"announced_on": _("The Party rule set %(name)s sets no time for the state "
                                                 "follow-up.") % {"name": rule_set.name}})
    if rule_set.state_follow_up_working_days:
        return add_working_days(decision.announced_on, rule_set.state_follow_up_days), rule_set
    return decision.announced_on + timedelta(days=rule_set.state_follow_up_days), rule_set





# -- forms -----------------------------------------------------------------------------------


def form_rules_for(*, system: str, staff_group: str, is_leader: bool, on: date, party_subject: str = ""):
    """The forms available, lightest first."""
    rules = DisciplineFormRule.objects.in_force(on).filter(system=system)
    if system == DisciplineSystem.STATE:
        scopes = [LeaderScope.ANY, LeaderScope.LEADERS if is_leader else LeaderScope.NON_LEADERS]
        rules = rules.filter(staff_group=staff_group, leader_scope__in=scopes)
    else:
        rules = rules.filter(party_subject=party_subject or PartySubject.MEMBER)
    return rules.order_by("level")


def check_form(*, system: str, staff_group: str, is_leader: bool, form: str, on: date, party_subject: str = "",
               rules: list[DisciplineFormRule] | None = None) -> DisciplineFormRule:
    """The rule that allows `form` on `on` (or among `rules`, the forms a case may receive), or a
    ValidationError that says which rule refuses it."""
    if rules is None:
        rules = list(form_rules_for(system=system, staff_group=staff_group, is_leader=is_leader, on=on,
                                    party_subject=party_subject))
    for rule in rules:
        if rule.form == form:
            return rule
    form_label = DisciplineForm(form).label if form in DisciplineForm.values else form
    if not rules:
        raise ValidationError({"form": _("No discipline forms are defined for this staff group on %(day)s.")
                               % {"day": dmy(on)}})
    allowed = ", ".join(str(rule.get_form_display()) for rule in rules)
    # The refusal links to the rows in force that it applied (the forms allowed).
    raise rulebook.RuleRefusal({"form": _(
        "“%(form)s” is not a form of discipline for this official on %(day)s (%(basis)s). Allowed: %(allowed)s."
    ) % {"form": form_label, "day": dmy(on), "basis": rules[0].legal_basis, "allowed": allowed}}, rules=rules)


def form_level(form: str, *, rules=None) -> int:
    """Severity rank of a form: its level among `rules` if given, else the catalogue order."""
    for rule in rules or ():
        if rule.form == form:
            return rule.level
    return FORM_ORDER.index(form) + 1 if form in FORM_ORDER else 0


# -- rule sets -------------------------------------------------------------------------------


def rule_set_for(on: date, *, system: str = DisciplineSystem.STATE, staff_group: str = "") -> DisciplineRuleSet:
    """The rule set in force on `on` for the system and staff group: one for the group wins over one
    for every group, the latest start over earlier ones."""
    rows = list(DisciplineRuleSet.objects.in_force(on).filter(system=system, staff_group__in={staff_group, ""}))
    if not rows:
        raise ValidationError({"decision_date": _("No limitation rules are in force on %(day)s.") % {"day": dmy(on)}})
    return max(rows, key=lambda row: (row.staff_group != "", row.valid_from or date.min))


def decision_rule_set(decision: DisciplinaryDecision, on: date) -> DisciplineRuleSet:
    return rule_set_for(on, system=decision.system, staff_group=decision.staff_group)


def case_start(decision: DisciplinaryDecision, decision_date: date) -> date:
    """The date whose decree a case keeps: when its proceeding opened, if before the decision."""
    return min(decision.opened_on or decision_date, decision_date)


@dataclass(frozen=True)
class CaseRules:
    """The rules a case is decided by (DOMAIN.md §2, transition)."""

    rule_set: DisciplineRuleSet  # in force on the decision date: the limitation
    kept: DisciplineRuleSet  # in force when the case opened: processing time, combination of violations
    forms: list[DisciplineFormRule]  # the forms the case may receive, the kept decree's first
    ladder: list[str]  # forms lightest first, to count "one level heavier"
    several_violations: str
    several_violations_basis: str
    notes: list[str] = field(default_factory=list)


def case_rules(decision: DisciplinaryDecision, decision_date: date) -> CaseRules:
    """A case already in process when the rules change keeps the rules in force when it opened;
    the newer rules apply where they are more favourable to the subject: the forms the newer decree
    offers remain open to it, and several violations take the heaviest form rather than one level
    above it."""
    started = case_start(decision, decision_date)
    current = decision_rule_set(decision, decision_date)
    group = dict(system=decision.system, staff_group=decision.staff_group, is_leader=decision.subject_is_leader,
                 party_subject=decision.party_subject)
    new_forms = list(form_rules_for(on=decision_date, **group))
    if started == decision_date:
        return CaseRules(current, current, new_forms, [r.form for r in new_forms], current.several_violations,
                         current.several_violations_basis)
    kept = decision_rule_set(decision, started)
    old_forms = list(form_rules_for(on=started, **group))
    old_names = {r.form for r in old_forms}
    forms = old_forms + [r for r in new_forms if r.form not in old_names]
    ladder = [r.form for r in (old_forms or new_forms)]
    several, basis = kept.several_violations, kept.several_violations_basis
    if current.several_violations == SeveralViolations.HEAVIEST and several != SeveralViolations.HEAVIEST:
        several, basis = current.several_violations, current.several_violations_basis
    notes = []
    if kept.pk != current.pk or {r.pk for r in old_forms} != {r.pk for r in new_forms}:
        notes.append(_("The case opened on %(day)s: it keeps the rules then in force (%(kept)s); newer rules apply "
                       "where they are more favourable (%(current)s).")
                     % {"day": dmy(started), "kept": old_forms[0].legal_basis if old_forms else kept.name,
                        "current": new_forms[0].legal_basis if new_forms else current.name})
    return CaseRules(current, kept, forms, ladder, several, basis, notes)


# -- statute of limitations ----------------------------------------------------------------


@dataclass(frozen=True)
class Limitation:
    applies: bool
    years: int | None
    runs_from: date
    expires_on: date | None
    basis: str
    restarted: bool
    paused: int = 0  # days that do not count
    paused_basis: str = ""
    rule_set: DisciplineRuleSet | None = None  # the row applied, for the link to the rules in force

    def allows(self, on: date) -> bool:
        return not self.applies or on <= self.expires_on

    def describe(self) -> str:
        if not self.applies:
            return _("No statute of limitations for this violation (%(basis)s).") % {"basis": self.basis}
        text = _("The limitation period is %(years)d years from %(start)s and ends after %(day)s (%(basis)s).") % {
            "day": dmy(self.expires_on), "years": self.years, "start": dmy(self.runs_from), "basis": self.basis}
        if self.paused:
            text += " " + _("%(days)d days that do not count are added (%(basis)s).") % {
                "days": self.paused, "basis": self.paused_basis or self.basis}
        if self.restarted:
            text += " " + _("The period restarted with a later violation.")
        return text


def limitation_for(*, violation_date: date, decision_date: date, form: str, later_violations: list[date] = (),
                   no_limitation: bool = False, pauses=(), system: str = DisciplineSystem.STATE,
                   staff_group: str = "", rule_set: DisciplineRuleSet | None = None) -> Limitation:
    """5 years at reprimand level, 10 at warning or heavier (2/5 before 15/11/2022), chosen by the
    rule set of the system and group in force on the decision date; none at expulsion where the
    Party's rule set says so. Each later violation inside the period restarts it; the time that does
    not count (pauses) moves its end on by as many days."""
    rule_set = rule_set or rule_set_for(decision_date, system=system, staff_group=staff_group)
    if no_limitation or (form == DisciplineForm.EXPULSION and rule_set.expulsion_not_time_barred):
        return Limitation(False, None, violation_date, None, rule_set.limitation_basis, False, rule_set=rule_set)
    light = form == DisciplineForm.REPRIMAND
    years = rule_set.limitation_light_years if light else rule_set.limitation_heavy_years
    start, restarted = violation_date, False
    for later in sorted(d for d in later_violations if d > violation_date):
        if later <= add_years(start, years):
            start, restarted = later, True
    expires, paused = add_years(start, years), 0
    for pause in sorted(pauses, key=lambda p: p.starts_on):
        begins = max(pause.starts_on, start)
        if begins > expires:
            break
        ends = pause.ends_on or max(decision_date, begins)
        if ends >= begins:
            days = (ends - begins).days + 1
            expires, paused = expires + timedelta(days=days), paused + days
    return Limitation(True, years, start, expires, rule_set.limitation_basis, restarted, paused,
                      rule_set.paused_time_basis, rule_set)


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


def processing_window(decision: DisciplinaryDecision, *, today: date | None = None) -> ProcessingWindow | None:
    """≤ 90 days from discovery (150 when complex), under the rules the case keeps; the time that
    does not count (illness, maternity, criminal proceedings, complaints) is added. None when the
    rule set sets no processing time."""
    today = today or timezone.localdate()
    until = decision.decision_date or today
    rule_set = decision_rule_set(decision, case_start(decision, until))
    days = rule_set.processing_days_complex if decision.complex_case else rule_set.processing_days
    if days is None:
        return None
    pauses = list(decision.pauses.all()) if decision.pk else []
    paused = paused_days(pauses, since=decision.discovered_on, until=until)
    return ProcessingWindow(days, paused, decision.discovered_on + timedelta(days=days + paused),
                            rule_set.processing_basis)


def pauses_overlap(pauses: list[DisciplinePause], starts_on: date, ends_on: date | None) -> bool:
    far = date.max
    return any(p.starts_on <= (ends_on or far) and starts_on <= (p.ends_on or far) for p in pauses)


# -- several violations, and a new violation while a discipline is in force ---------------------


@dataclass(frozen=True)
class FormAdvice:
    """The lightest form the rules allow, and why."""

    form: str
    reasons: list[str]


def _one_above(form: str, ladder: list[str]) -> str:
    """One level heavier on the ladder (the heaviest stays the heaviest)."""
    if form not in ladder:
        return form
    return ladder[min(ladder.index(form) + 1, len(ladder) - 1)]


def _rank(form: str, ladder: list[str]) -> int:
    return ladder.index(form) if form in ladder else FORM_ORDER.index(form) if form in FORM_ORDER else -1


def form_advice(*, rules: CaseRules, warranted_form: str, violation_count: int = 1,
                in_force: list[DisciplinaryDecision] = (), warranted_known: bool = True) -> FormAdvice:
    """From the form the (heaviest) violation warrants: several violations combine by the rule set
    (the heaviest, or one level above it); a violation committed while a discipline is in force
    takes one level above the one in force when it warrants no more than that, else one level above
    what it warrants. When only the form chosen is known (`warranted_known` false), it may already
    be the raised one: only "no lighter than one level above the form in force" is checked."""
    ladder, form, reasons = rules.ladder, warranted_form, []
    if violation_count > 1 and rules.several_violations == SeveralViolations.ONE_LEVEL_HEAVIER:
        form = _one_above(form, ladder)
        reasons.append(_("%(count)d violations in one case: one level heavier than the heaviest (%(basis)s).")
                       % {"count": violation_count, "basis": rules.several_violations_basis})
    elif violation_count > 1 and rules.several_violations == SeveralViolations.HEAVIEST:
        reasons.append(_("%(count)d violations in one case: the heaviest form (%(basis)s).")
                       % {"count": violation_count, "basis": rules.several_violations_basis})
    heaviest = max(in_force, key=lambda d: _rank(d.form, ladder), default=None)
    if heaviest is not None:
        basis = rules.kept.repeat_violation_basis or rules.rule_set.repeat_violation_basis
        if _rank(form, ladder) <= _rank(heaviest.form, ladder):
            form = _one_above(heaviest.form, ladder)
            reasons.append(_("The violation fell while decision %(number)s (%(form)s) was in force: one level "
                             "heavier than that form (%(basis)s).")
                           % {"number": heaviest.number, "form": heaviest.get_form_display(), "basis": basis})
        elif warranted_known:
            form = _one_above(form, ladder)
            reasons.append(_("The violation fell while decision %(number)s (%(form)s) was in force: one level "
                             "heavier than the form the new violation warrants (%(basis)s).")
                           % {"number": heaviest.number, "form": heaviest.get_form_display(), "basis": basis})
    return FormAdvice(form, reasons)


def is_lighter(form: str, than: str, ladder: list[str]) -> bool:
    return _rank(form, ladder) < _rank(than, ladder)


# -- discipline in force ---------------------------------------------------------------------


def decisions_in_force(person_id: int, on: date, *, system: str | None = None):
    """Issued decisions that have taken effect and not yet lapsed on `on`."""
    decisions = DisciplinaryDecision.objects.filter(
        subject_id=person_id, status=DecisionStatus.ISSUED, effective_from__lte=on
    ).filter(Q(effect_until__isnull=True) | Q(effect_until__gte=on))
    if system:
        decisions = decisions.filter(system=system)
    return decisions.order_by("-effective_from")


# -- Law 84/2025: time limits of the conclusion ----------------------------------------------



def _local_date(moment) -> date | None:
    return timezone.localtime(moment).date() if moment else None


def conclusion_step_dates(inspection: Inspection) -> dict[str, tuple[date | None, date | None]]:
    """Per step: (the date its limit counts from, the date it was done)."""
    signed = inspection.conclusion_date or _local_date(inspection.concluded_at)
    return {
        ConclusionStep.ASSIGN_DRAFTING: (_local_date(inspection.reported_at), inspection.drafting_assigned_on),
        ConclusionStep.SIGN_CONCLUSION: (inspection.draft_received_on, signed),
        ConclusionStep.IMPLEMENTING_DIRECTIVE: (signed, inspection.directive_date),
    }


def conclusion_time_limit(step: str, *, issuing_unit_id: int, on: date, limits=None) -> ConclusionTimeLimit | None:
    """The row in force on `on` for `step`: the inspecting body's own row first, else the general one."""
    rows = limits if limits is not None else ConclusionTimeLimit.objects.in_force(on).filter(step=step)
    candidates = [row for row in rows if row.step == step and (row.valid_from is None or row.valid_from <= on)
                  and (row.valid_to is None or on <= row.valid_to)
                  and row.issuing_unit_id in (None, issuing_unit_id)]
    candidates.sort(key=lambda row: (row.issuing_unit_id is None, -(row.valid_from or date.min).toordinal()))
    return candidates[0] if candidates else None


def time_limits(inspection: Inspection, *, today: date | None = None, limits=None) -> list[dict]:
    """Law 84/2025's limits, each counted from its own date (DOMAIN.md §5): the head assigns the
    drafting within 5 working days of the report (art. 34(1)); the conclusion is signed within 15
    days of receiving the draft (art. 36(1)); the implementing directive follows within 15 days of
    the conclusion (art. 53) — or whatever the rows in force say. A step shows once its date is
    known. Public-service checks are not thanh tra and get none. `limits`: the rows, when the
    caller has read them for many inspections at once."""
    if inspection.kind in LAW_84_EXEMPT_KINDS or inspection.status == InspectionStatus.CANCELLED:
        return []
    today = today or timezone.localdate()
    if limits is None:
        limits = list(ConclusionTimeLimit.objects.all())
    result = []
    for step, (counted_from, done) in conclusion_step_dates(inspection).items():
        if counted_from is None:
            continue
        rule = conclusion_time_limit(step, issuing_unit_id=inspection.issuing_unit_id, on=counted_from, limits=limits)
        if rule is None:
            continue
        due = (add_working_days(counted_from, rule.days) if rule.working_days
               else counted_from + timedelta(days=rule.days))
        if done:
            state = "met" if done <= due else "late"
        elif step == ConclusionStep.ASSIGN_DRAFTING and inspection.draft_received_on:
            state = "not_recorded"  # the draft came in, the date of its assignment was never entered
        else:
            state = "overdue" if today > due else ("due_soon" if (due - today).days <= 1 else "open")
        result.append({"step": step, "label": ConclusionStep(step).label, "counted_from": counted_from,
                       "days": rule.days, "working_days": rule.working_days, "due": due, "done": done,
                       "state": state, "basis": rule.legal_basis, "rule": rule.pk,
                       "rule_url": rulebook.rule_url(rule)})
    return result
