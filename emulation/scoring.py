"""Computing a period: officials' ratings, unit scores and rankings, and the eligibility verdicts.

Everything is read through the selectors of tasks and inspections (set-based, a fixed number of
queries whatever the size of the period) and written back in bulk. Every figure keeps what it was
made of — counts, deductions with their task, disqualifying decisions, conditions with their
evidence — so a council member can follow any verdict to the record behind it (DESIGN.md).

Reasons are written in the organisation's language at compute time: they are part of the record
the council votes on.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import override

from accounts.models import RoleAssignment, Role, Unit, User
from core import rulebook
from core.bulk import copy_insert, copy_upsert
from core.errors import ConflictError
from core.links import link
from core.numbers import show_number
from emulation import rules
from emulation.models import (
    Award,
    Cluster,
    CriterionKind,
    Initiative,
    LocalRule,
    LocalRuleKind,
    ManualScore,
    Metric,
    ObjectiveCause,
    Period,
    Rating,
    RatingLevel,
    RatingRuleSet,
    RatingMode,
    ReformClassCondition,
    ResultsEvery,
    Title,
    TitleRule,
    UnitCriterion,
    UnitOfficialRating,
    UnitScore,
    Verdict,
)
from core.dates import add_months, dmy
from inspections.selectors import (
    OpenCases,
    discipline_effects,
    findings_in_period,
    open_cases_about,
    overdue_recommendations_in,
)
from reform.selectors import unit_reform_results, unit_reform_standings
from tasks.selectors import problem_tasks, results_by_lead, results_by_unit
from tasks.status import DONE_LATE, OPEN_OVERDUE

# What one computation works out once and asks for again and again: the translation of each
# reason (the same few dozen, hundreds of thousands of times) and how each rule row is named and
# linked. Set by compute_period for the computation only — it runs in one language and reads the
# rules afresh — so an edited rule or another language is never served from it.
_MEMO: ContextVar[dict | None] = ContextVar("emulation_scoring_memo", default=None)


def _(message: str) -> str:
    memo = _MEMO.get()
    if memo is None:
        return gettext(message)
    found = memo.get(message)
    if found is None:
        found = memo[message] = gettext(message)
    return found


LEVEL_RANK = {RatingLevel.HTXS: 4, RatingLevel.HTT: 3, RatingLevel.HT: 2, RatingLevel.KHT: 1, "": 0}
SHIFTING_RESPONSIBILITY = "DUN_DAY"  # the catalogue's "avoiding or shifting assigned work"


def window(period: Period) -> tuple[datetime, datetime]:
    """[first day 00:00, day after the last 00:00) in local time."""
    start = timezone.make_aware(datetime.combine(period.starts_on, time.min))
    end = timezone.make_aware(datetime.combine(period.ends_on + timedelta(days=1), time.min))
    return start, end


def _points(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _evidence(label: str, url: str) -> dict:
    return {"label": label, "url": url}


def _task_evidence(task: dict) -> dict:
    if task["official"] == OPEN_OVERDUE:
        label = _("Task %(code)s “%(title)s” overdue %(days)d days, not done") % {
            "code": task["code"], "title": task["title"][:80], "days": task["days_late"]}
    elif task["official"] == DONE_LATE:
        label = _("Task %(code)s “%(title)s” done %(days)d days late") % {
            "code": task["code"], "title": task["title"][:80], "days": task["days_late"]}
    elif not task["failed_reviews"]:
        label = _("Task %(code)s “%(title)s” done on time, %(n)d milestone(s) missed") % {
            "code": task["code"], "title": task["title"][:80], "n": task.get("late_steps", 0)}
    else:
        label = _("Task %(code)s “%(title)s” sent back %(n)d times") % {
            "code": task["code"], "title": task["title"][:80], "n": task["failed_reviews"]}
    return _evidence(label, link("tasks:detail", task["id"]))


def _decision_evidence(decision: dict) -> dict:
    return _evidence(_("Decision %(number)s, %(form)s, %(day)s") % {
        "number": decision["number"] or decision["code"], "form": decision["form_label"].lower(),
        "day": dmy(decision["decision_date"])}, link("inspections:decision", decision["id"]))


def _finding_evidence(finding: dict) -> dict:
    return _evidence(_("Finding %(code)s: %(violation)s, %(day)s") % {
        "code": finding["code"], "violation": finding["violation_type__name"],
        "day": dmy(timezone.localtime(finding["occurred_at"]))}, link("inspections:finding", finding["id"]))


def _memo_on(row, key: str, make):
    memo = _MEMO.get()
    if memo is None:
        return make(row)
    slot = (key, row._meta.label_lower, row.pk)
    if slot not in memo:
        memo[slot] = make(row)
    return memo[slot]


def _rule_ref(rule) -> dict:
    return dict(_memo_on(rule, "ref", rules.rule_ref))


def _rule_url(rule) -> str:
    return _memo_on(rule, "url", rulebook.rule_url)


def _condition(code: str, passed: bool, reason: str, basis: str = "", evidence: list[dict] | None = None) -> dict:
    return {"code": code, "passed": passed, "reason": reason, "basis": basis, "evidence": evidence or []}


# -- inputs, read once per computation -----------------------------------------------------------------


@dataclass
class Inputs:
    period: Period
    now: datetime
    people: list[User]
    results: dict[int, dict]
    problems: dict[int, list[dict]]
    exempt: set[int]
    discipline: dict
    findings: list[dict]
    shifting: dict[int, list[dict]]  # findings of avoiding or shifting assigned work, by person
    ratings: dict[int, Rating]
    # The rated officials as a query, for filters (a subquery, never a list of 15,000 ids).
    rated: QuerySet[User]
    led_units: dict[int, list[str]] = field(default_factory=dict)
    headed_units: dict[int, list[int]] = field(default_factory=dict)  # heads (not deputies): their unit ids
    initiatives: dict[int, list[Initiative]] = field(default_factory=dict)
    rule_sets: dict[str, RatingRuleSet | ValidationError] = field(default_factory=dict)
    measured: dict[str, list[dict]] = field(default_factory=dict)
    # Eligibility: the title rules and the organisation's own rules in force on the period's last day,
    # what is still open about people and units, and the units' official ratings.
    title_rules: dict[str, TitleRule] = field(default_factory=dict)
    local: dict[str, list[LocalRule]] = field(default_factory=dict)
    open_cases: OpenCases = field(default_factory=OpenCases)
    official_levels: dict[int, UnitOfficialRating] = field(default_factory=dict)
    # Conditions of collective titles on the units' reform class, set per period, and the standings.
    reform_conditions: dict[str, ReformClassCondition] = field(default_factory=dict)
    reform_standings: dict = field(default_factory=dict)

    def rule_set_for(self, staff_group: str) -> RatingRuleSet:
        """The rule set of the staff group, read once per computation (not once per official)."""
        if staff_group not in self.rule_sets:
            try:
                self.rule_sets[staff_group] = rules.rating_rule_set(staff_group, self.period.ends_on)
            except ValidationError as error:
                self.rule_sets[staff_group] = error
        found = self.rule_sets[staff_group]
        if isinstance(found, ValidationError):
            raise found
        return found

    def measured_every(self, every: str) -> list[dict]:
        """The period cut into months or quarters, each with its task results per lead (one GROUP BY
        per month or quarter, read once per computation): the year's result is built from these."""
        if every not in self.measured:
            path = self.period.unit.path
            self.measured[every] = [
                {**part, "results": results_by_lead(part["start"], part["end"], path, self.now)}
                for part in _parts(self.period, every, self.now)]
        return self.measured[every]


def _parts(period: Period, every: str, now: datetime) -> list[dict]:
    """The calendar months (or quarters) of the period that have begun, the last one cut at now."""
    step = 3 if every == ResultsEvery.QUARTER else 1
    first, last = period.starts_on, period.ends_on
    parts = []
    year, month = first.year, first.month - (first.month - 1) % step
    while date(year, month, 1) <= last:
        starts_on = max(date(year, month, 1), first)
        year, month = (year + 1, month + step - 12) if month + step > 12 else (year, month + step)
        ends_on = min(date(year, month, 1) - timedelta(days=1), last)
        start = timezone.make_aware(datetime.combine(starts_on, time.min))
        end = timezone.make_aware(datetime.combine(ends_on + timedelta(days=1), time.min))
        if start >= now:
            break
        label = (_("Quarter %(q)d/%(year)d") % {"q": (starts_on.month - 1) // 3 + 1, "year": starts_on.year}
                 if step == 3 else f"{starts_on.month:02d}/{starts_on.year}")
        parts.append({"label": label, "start": start, "end": min(end, now)})
    return parts


def _read_inputs(period: Period, now: datetime) -> Inputs:
    start, end = window(period)
    end = min(end, now)  # tasks fall due "so far": a task due next month is not yet a result
    path = period.unit.path
    rated = User.objects.filter(is_active=True, unit__path__startswith=path, unit__active=True).exclude(staff_group="")
    people = list(rated.select_related("unit").order_by("unit__path", "full_name", "id"))
    problems: dict[int, list[dict]] = defaultdict(list)
    for task in problem_tasks(start, end, path, now):
        problems[task["lead_id"]].append(task)
    led_units: dict[int, list[str]] = defaultdict(list)
    headed_units: dict[int, list[int]] = defaultdict(list)
    for user_id, role, unit_id, unit_path in RoleAssignment.objects.current(timezone.localdate(now)).filter(
            role__in=(Role.HEAD, Role.DEPUTY), unit__path__startswith=path).values_list(
            "user_id", "role", "unit_id", "unit__path"):
        led_units[user_id].append(unit_path)
        if role == Role.HEAD:
            headed_units[user_id].append(unit_id)
    initiatives: dict[int, list[Initiative]] = defaultdict(list)
    for initiative in Initiative.objects.filter(period=period).order_by("id"):
        initiatives[initiative.person_id].append(initiative)
    findings = findings_in_period(start, end, path)
    shifting: dict[int, list[dict]] = defaultdict(list)
    for finding in findings:
        if finding["subject_person_id"] and finding["violation_type__code"] == SHIFTING_RESPONSIBILITY:
            shifting[finding["subject_person_id"]].append(finding)
    return Inputs(
        period=period, now=now, people=people,
        results=results_by_lead(start, end, path, now), problems=problems,
        exempt=set(ObjectiveCause.objects.filter(period=period).values_list("task_id", flat=True)),
        discipline=discipline_effects(rated.values("id"), period.year),
        findings=findings, shifting=dict(shifting),
        # Their breakdown is written afresh: not read (and decoded) only to be replaced.
        ratings={r.person_id: r for r in Rating.objects.filter(period=period).defer("breakdown")},
        led_units=dict(led_units), headed_units=dict(headed_units), initiatives=dict(initiatives), rated=rated,
        title_rules=rules.title_rules_in_force(period.ends_on),
        local=rules.local_rules(period.organisation_id, period.ends_on),
        open_cases=open_cases_about(rated.values("id"), path, timezone.localdate(now)),
        official_levels={o.unit_id: o for o in UnitOfficialRating.objects.filter(period=period)},
        **_reform_inputs(period, path),
    )


def _reform_inputs(period: Period, path: str) -> dict:
    """The period's reform-class conditions and, only if there are any, the units' published standings
    (read through the reform app's selectors)."""
    conditions = {c.title: c for c in ReformClassCondition.objects.filter(period=period)}
    if not conditions:
        return {"reform_conditions": {}, "reform_standings": {}}
    units = Unit.objects.filter(path__startswith=path).values("id")
    return {"reform_conditions": conditions, "reform_standings": unit_reform_standings(
        units, organisation_id=period.organisation_id, year=period.year)}


def _reform_class_condition(condition: ReformClassCondition, standing, year: int) -> dict:
    """The unit's reform class reaches the class the period requires for this title — or why not."""
    least = condition.least_class
    basis = condition.legal_basis
    if standing is None:
        return _condition("reform_class", False, _("No published reform index for %(year)d; class %(least)s or "
                                                   "above needed.") % {"year": year, "least": least}, basis)
    reached = standing.reaches(least)
    evidence = [_evidence(_("Reform index: %(set)s") % {"set": standing.set_title},
                          link("reform:ranking", standing.set_id))]
    if reached is None:
        return _condition("reform_class", False, _(
            "The criteria set “%(set)s” has no class “%(least)s”.") % {"set": standing.set_title, "least": least},
            basis, evidence)
    return _condition("reform_class", reached, _(
        "Reform class %(band)s (%(index)s%%) in %(year)d; at least %(least)s needed.") % {
        "band": standing.band_name or "—", "index": standing.index, "year": year, "least": least}, basis, evidence)


# -- ratings of officials -------------------------------------------------------------------------------


def _task_part(counts: dict, problems: list[dict], exempt: set[int], rule_set: RatingRuleSet) -> dict:
    """Decree 335/2025 over one month or quarter: quantity = completed ÷ assigned; quality =
    completed to standard ÷ assigned, less the rule set's share (25%) of a product's points for each
    failed review; progress = completed on time or ahead ÷ assigned, less that share for each delay
    (each deadline or process milestone of the product missed). A product loses at most its own
    points; nothing is deducted where an objective cause is confirmed. The three are returned as
    percentages; their mean as a share of the task points."""
    assigned = counts["assigned"]
    quality_cut, progress_cut = rule_set.quality_deduction_percent / 100, rule_set.progress_deduction_percent / 100
    deductions = []
    quality_points = float(counts["to_standard"])
    progress_points = float(counts["on_time"])
    for task in problems:
        is_exempt = task["id"] in exempt
        delays = (task["official"] in (DONE_LATE, OPEN_OVERDUE)) + task.get("late_steps", 0)
        if delays:
            cut = min(progress_cut * delays, 1.0)
            deductions.append({"task": task["id"], "code": task["code"], "title": task["title"][:120],
                               "kind": "delay", "delays": delays, "days_late": task["days_late"],
                               "exempt": is_exempt, "points": 0 if is_exempt else -cut})
            if not is_exempt:
                progress_points -= cut
        if task["failed_reviews"] and task["official"] != OPEN_OVERDUE:
            cut = min(quality_cut * task["failed_reviews"], 1.0)
            deductions.append({"task": task["id"], "code": task["code"], "title": task["title"][:120],
                               "kind": "rework", "failed_reviews": task["failed_reviews"], "exempt": is_exempt,
                               "points": 0 if is_exempt else -cut})
            if not is_exempt:
                quality_points -= cut
    excused = sum(1 for t in problems if t["official"] == DONE_LATE and t["id"] in exempt)
    quantity = counts["completed"] / assigned
    quality = max(quality_points, 0) / assigned
    # A product late for a confirmed objective cause counts as on time.
    progress = max(progress_points + excused, 0) / assigned
    share = (quantity + quality + progress) / 3
    return {"quantity": round(100 * quantity, 2), "quality": round(100 * quality, 2),
            "progress": round(100 * progress, 2), "share": share, "deductions": deductions,
            "points": round(share * rule_set.task_max_points, 2)}


def _own_work(person: User, data: Inputs, rule_set: RatingRuleSet) -> dict | None:
    """The official's own task results for the year (or quarter): the mean of the results of each
    month or quarter in which work fell due — not one ratio over the whole period. None: no work."""
    problems = data.problems.get(person.pk, [])
    parts = []
    for part in data.measured_every(rule_set.results_every):
        counts = part["results"].get(person.pk)
        if not counts or not counts["assigned"]:
            continue
        inside = [t for t in problems if part["start"] <= t["deadline"] < part["end"]]
        parts.append({"label": part["label"], "counts": counts,
                      **_task_part(counts, inside, data.exempt, rule_set)})
    if not parts:
        return None
    mean = {key: round(sum(p[key] for p in parts) / len(parts), 2) for key in ("quantity", "quality", "progress")}
    share = sum(p["share"] for p in parts) / len(parts)
    # The deductions are listed once, for the whole period, each naming its month or quarter.
    deductions = [d | {"part": p["label"]} for p in parts for d in p.pop("deductions")]
    return {**mean, "share": share, "points": round(share * rule_set.task_max_points, 2),
            "every": rule_set.results_every, "parts": parts, "deductions": deductions}


def _criteria_level(counts: dict, problems: list[dict], exempt: set[int], rule_set: RatingRuleSet) -> tuple[str, str]:
    """Decree 90/2020 for a non-leader: HTXS = every task on time and to quality with at least the
    rule set's share (50%) exceeding; HTT = every task on time and to quality; HT = all done, at most
    its share (20%) below quality or late."""
    n = counts["assigned"]
    excused_late = sum(1 for t in problems if t["official"] == DONE_LATE and t["id"] in exempt)
    on_time = counts["on_time"] + excused_late
    if counts["completed"] == n and counts["to_standard"] == n and on_time == n:
        if counts["excellent"] * 100 >= rule_set.criteria_htxs_exceeding_percent * n:
            return RatingLevel.HTXS, _("All %(n)d tasks on time and to quality, %(x)d exceeding it.") % {
                "n": n, "x": counts["excellent"]}
        return RatingLevel.HTT, _("All %(n)d tasks on time and to quality.") % {"n": n}
    short = (n - counts["to_standard"]) + (n - on_time)
    if counts["completed"] == n and short * 100 <= rule_set.criteria_ht_short_percent * n:
        return RatingLevel.HT, _("All tasks done; %(short)d of %(n)d below quality or late.") % {"short": short, "n": n}
    return RatingLevel.KHT, _("%(done)d of %(n)d tasks done; %(short)d below quality or late.") % {
        "done": counts["completed"], "n": n, "short": short}


def _served_long_enough(person: User, period: Period, months: int) -> bool:
    """At least `months` worked by the end of the period (no start date recorded: served)."""
    start = person.service_start_date
    return start is None or start <= add_months(period.ends_on, -months)


EMPTY_COUNTS = {"assigned": 0, "completed": 0, "to_standard": 0, "excellent": 0, "on_time": 0, "late": 0,
                "open_overdue": 0}


def _rate(person: User, rating: Rating, data: Inputs, unit_result: dict | None) -> None:
    """Fill one rating's computed fields from the inputs (no query)."""
    period = data.period
    counts = data.results.get(person.pk, EMPTY_COUNTS)
    problems = data.problems.get(person.pk, [])
    rating.unit = person.unit
    rating.staff_group = person.staff_group
    rating.computed_at = data.now
    rating.pending_reason = ""
    rating.disqualified = False
    rating.task_points = rating.score = None
    rating.computed_level = ""
    evidence = [_task_evidence(t) | {"task": t["id"], "exempt": t["id"] in data.exempt} for t in problems]
    breakdown = {"counts": counts, "problems": evidence, "disqualifiers": []}
    rating.breakdown = breakdown
    try:
        rule_set = data.rule_set_for(person.staff_group)
    except ValidationError as error:
        rating.rule_set, rating.mode = None, ""
        rating.pending_reason = error.messages[0]
        return
    rating.rule_set, rating.mode = rule_set, rule_set.mode
    breakdown["rule"] = {"name": rule_set.name, "basis": rule_set.legal_basis, "url": _rule_url(rule_set),
                         "bands": [rule_set.htxs_min_points, rule_set.htt_min_points, rule_set.ht_min_points]}
    # The minimum service is a test of the year's rating: a quarter is rated on the work done in it.
    if period.quarter is None and not _served_long_enough(person, period, rule_set.min_service_months):
        rating.pending_reason = _("Fewer than %(months)d months worked in the period (since %(day)s): not rated.") % {
            "months": rule_set.min_service_months, "day": dmy(person.service_start_date)}
        return
    effects = data.discipline.get(person.pk)
    if rule_set.mode == RatingMode.POINTS:
        part = _own_work(person, data, rule_set)
        breakdown["tasks"] = part
        own, waiting = None, ""
        if unit_result is not None:
            unit_result = unit_result | {
                "percent": rule_set.unit_result_if_any_kht_percent if unit_result["kht"] else 100}
            breakdown["unit_result"] = unit_result
            breakdown["organising"] = rating.organising_percent
            own, waiting = _leader_share(part, unit_result, rating.organising_percent, rule_set)
        elif part is not None:
            own = part["share"]
        if waiting:
            rating.pending_reason = waiting
        elif own is None:
            rating.pending_reason = _("No task fell due in the period: the task results cannot be measured.")
        else:
            own = own * rule_set.task_max_points
            rating.task_points = _points(own)
            if rating.general_points is None:
                rating.pending_reason = _("Waiting for the head of unit's general-criteria points.")
            else:
                rating.score = _points(float(rating.general_points) + own)
                rating.computed_level = rules.band(float(rating.score), rule_set)
    else:
        if not counts["assigned"]:
            rating.pending_reason = _("No task fell due in the period: the task results cannot be measured.")
        elif rating.general_met is None:
            rating.pending_reason = _("Waiting for the head of unit's assessment of the general criteria.")
        else:
            level, reason = _criteria_level(counts, problems, data.exempt, rule_set)
            if not rating.general_met:
                level, reason = RatingLevel.KHT, _("The general criteria are not met.")
            if unit_result is not None and unit_result["kht"] and LEVEL_RANK[level] > LEVEL_RANK["ht"]:
                level, reason = RatingLevel.HT, _("A subordinate did not complete their duties.")
            breakdown["criteria"] = reason
            rating.computed_level = level
            rating.task_points = _points(100 * counts["on_time"] / counts["assigned"])
    if effects and effects.forces_kht:
        # A discipline for a violation related to public duty means KHT, whatever the score — and
        # each act is counted in one year only (inspections decides the year), so never twice.
        rating.disqualified = True
        rating.computed_level = RatingLevel.KHT
        rating.pending_reason = ""
        breakdown["disqualifiers"] = [
            _decision_evidence(d) | {"basis": d["legal_basis"], "rating_rule": _rule_ref(rule_set)}
            for d in effects.kht_decisions]
    _keep_decided_level_within(rating)


def _keep_decided_level_within(rating: Rating) -> None:
    if rating.level and LEVEL_RANK[rating.level] > LEVEL_RANK[rating.computed_level]:
        # A decided level may lower the computed one (quota), never raise it: a new computation
        # that lowers the computed level takes the decision back.
        rating.level, rating.level_note = "", ""


def cap_heads_at_unit_level(data: Inputs, ratings: list[Rating], scores: list[UnitScore]) -> None:
    """On the 100-point scale a head's level may not exceed the level of the unit they head
    (Decree 233/2026 art. 12(7); Decree 335/2025). A unit without a level (no criteria, or the
    council's own unit, which is not scored here) caps nobody."""
    unit_levels = {score.unit_id: score for score in scores if score.level}
    for rating in ratings:
        if rating.mode != RatingMode.POINTS or not rating.computed_level:
            continue
        for unit_id in data.headed_units.get(rating.person_id, ()):
            score = unit_levels.get(unit_id)
            if score and LEVEL_RANK[rating.computed_level] > LEVEL_RANK[score.level]:
                rating.breakdown["capped_by_unit"] = {
                    "unit": score.unit.name, "level": score.level, "was": rating.computed_level,
                    "url": link("emulation:unit", score.period_id, score.unit_id)}
                rating.computed_level = score.level
        _keep_decided_level_within(rating)


def _unit_result(leader_id: int, leader_paths: list[str], by_path: dict[str, list[Rating]],
                 sorted_paths: list[str]) -> dict:
    """Leaders carry their unit's result: how many subordinates are rated and how many KHT (the rule
    set says what share that is: 100% when none is KHT)."""
    rated = failing = 0
    for prefix in leader_paths:
        for index in range(bisect_left(sorted_paths, prefix), len(sorted_paths)):
            path = sorted_paths[index]
            if not path.startswith(prefix):
                break
            for rating in by_path[path]:
                if rating.person_id != leader_id and rating.final_level:
                    rated += 1
                    failing += rating.final_level == RatingLevel.KHT
    return {"subordinates": rated, "kht": failing}


def _leader_share(own: dict | None, unit_result: dict, organising: int | None,
                  rule_set: RatingRuleSet) -> tuple[float | None, str]:
    """A leader's task results as a share of the task points: their own work, the unit's result and
    their organising ability, weighted by the rule set (their own work drops out when none fell due).
    Returns the share, or why it cannot be computed yet."""
    if rule_set.leader_organising_weight and organising is None:
        return None, _("Waiting for the assessment of the leader's organising ability.")
    parts = [(rule_set.leader_unit_weight, unit_result["percent"] / 100),
             (rule_set.leader_organising_weight, (organising or 0) / 100)]
    if own is not None:
        parts.append((rule_set.leader_own_weight, own["share"]))
    weight = sum(w for w, _share in parts)
    if not weight:
        return None, ""
    return sum(w * share for w, share in parts) / weight, ""


def _rank(items: list, key: Callable) -> None:
    """Competition ranking (1, 2, 2, 4): equal scores share a rank and are marked tied."""
    scored = [item for item in items if key(item) is not None]
    scored.sort(key=key, reverse=True)
    counts = defaultdict(int)
    for item in scored:
        counts[key(item)] += 1
    previous, rank = None, 0
    for position, item in enumerate(scored, start=1):
        if key(item) != previous:
            rank, previous = position, key(item)
        item._rank, item._tied = rank, counts[key(item)] > 1
    for item in items:
        if key(item) is None:
            item._rank, item._tied = None, False


def compute_ratings(data: Inputs, progress: Callable[[int], None] | None = None) -> list[Rating]:
    period = data.period
    ratings = []
    for person in data.people:
        rating = data.ratings.get(person.pk) or Rating(period=period, person=person, unit=person.unit)
        rating.person, rating.unit = person, person.unit
        ratings.append(rating)
    by_person = {r.person_id: r for r in ratings}
    leaders = [p for p in data.people if p.pk in data.led_units]
    others = [p for p in data.people if p.pk not in data.led_units]
    for done, person in enumerate(others, start=1):
        _rate(person, by_person[person.pk], data, None)
        if progress and done % 500 == 0:
            progress(done)
    by_path = defaultdict(list)
    for rating in ratings:
        by_path[rating.unit.path].append(rating)
    sorted_paths = sorted(by_path)
    # Deeper leaders first: a director's result depends on the division heads' levels.
    leaders.sort(key=lambda p: -max(len(path) for path in data.led_units[p.pk]))
    for person in leaders:
        unit_result = _unit_result(person.pk, data.led_units[person.pk], by_path, sorted_paths)
        _rate(person, by_person[person.pk], data, unit_result)
    by_unit = defaultdict(list)
    for rating in ratings:
        by_unit[rating.unit_id].append(rating)
    for unit_ratings in by_unit.values():
        _rank(unit_ratings, key=lambda r: r.score)
        for rating in unit_ratings:
            rating.rank_in_unit, rating.rank_tied = rating._rank, rating._tied
    return ratings


# -- units -------------------------------------------------------------------------------------------------


def _roll_up(units: dict[str, Unit], path_of: dict[int, str], rows, unit_key: str) -> dict[int, list]:
    """Each row counted for its unit and every unit above it inside the scope, by unit id."""
    totals: dict[int, list] = defaultdict(list)
    for row in rows:
        path = path_of.get(row[unit_key])
        for above in Unit.paths_above(path) if path else ():
            if above in units:
                totals[units[above].pk].append(row)
    return totals


def compute_unit_scores(data: Inputs, ratings: list[Rating]) -> list[UnitScore]:
    period = data.period
    start, end = window(period)
    root = period.unit
    subtree = list(Unit.objects.filter(path__startswith=root.path))
    path_of = {u.pk: u.path for u in subtree}
    units = {u.path: u for u in subtree if u.active and u.depth > root.depth}  # the root is the council itself
    if not units:
        return []
    criteria = list(UnitCriterion.objects.filter(period=period))
    manual = {(m.unit_id, m.criterion_id): m for m in ManualScore.objects.filter(period=period)}
    end = min(end, data.now)
    task_rows = [{"unit": unit_id, **row} for unit_id, row in results_by_unit(start, end, root.path, data.now).items()]
    tasks = _roll_up(units, path_of, task_rows, "unit")
    findings = _roll_up(units, path_of, data.findings, "subject_unit_id")
    overdue = overdue_recommendations_in(root.path, min(period.ends_on, timezone.localdate(data.now)))
    recommendations = _roll_up(units, path_of, overdue, "target_unit_id")
    disciplined = [{"unit": r.unit_id, "person": r.person_id} for r in ratings if r.disqualified]
    discipline = _roll_up(units, path_of, disciplined, "unit")
    clusters = {}
    for cluster in Cluster.objects.filter(period=period).prefetch_related("units"):
        for unit in cluster.units.all():
            clusters[unit.pk] = cluster
    reform = (unit_reform_results([u.pk for u in units.values()], organisation_id=period.organisation_id,
                                  year=period.year)
              if any(c.metric == Metric.REFORM_INDEX for c in criteria) else {})
    existing = {s.unit_id: s for s in UnitScore.objects.filter(period=period)}
    scores = []
    for unit in units.values():
        lines, total, max_total = [], 0.0, 0.0
        for criterion in criteria:
            weight, top = float(criterion.weight), float(criterion.max_points)
            line = {"code": criterion.code, "name": criterion.name, "max": top, "weight": weight,
                    "kind": criterion.kind, "evidence": []}
            if criterion.kind == CriterionKind.MANUAL:
                entry = manual.get((unit.pk, criterion.pk))
                points = float(entry.points) if entry else 0.0
                line["note"] = entry.evidence if entry else _("Not entered.")
            elif criterion.metric == Metric.ON_TIME_RATE:
                assigned = sum(r["assigned"] for r in tasks.get(unit.pk, []))
                on_time = sum(r["on_time"] for r in tasks.get(unit.pk, []))
                points = top * on_time / assigned if assigned else top
                line["note"] = _("%(on_time)d of %(assigned)d tasks on time.") % {"on_time": on_time,
                                                                                  "assigned": assigned}
            elif criterion.metric == Metric.REFORM_INDEX:
                index, band = reform.get(unit.pk, (None, ""))
                points = top * float(index) / 100 if index is not None else 0.0
                line["note"] = (_("Reform index %(year)d: %(index)s%% (%(band)s).") % {
                    "year": period.year, "index": index, "band": band or "—"} if index is not None
                    else _("No published reform index for %(year)d.") % {"year": period.year})
            else:
                count, evidence = _metric_items(criterion.metric, unit, tasks, findings, recommendations, discipline)
                points = max(top - float(criterion.deduct_per_item) * count, 0.0)
                line["note"] = _("%(count)d × −%(each)s points.") % {"count": count, "each": show_number(criterion.deduct_per_item)}
                line["evidence"] = evidence[:20]
            line["points"] = round(points, 2)
            lines.append(line)
            total += points * weight
            max_total += top * weight
        score = existing.get(unit.pk) or UnitScore(period=period, unit=unit)
        score.unit = unit
        score.total, score.max_total = _points(total), _points(max_total)
        score.cluster = clusters.get(unit.pk)
        percent = 100 * total / max_total if max_total else 0
        score.level = (RatingLevel.HTXS if percent >= period.unit_htxs_percent else RatingLevel.HTT
                       if percent >= period.unit_htt_percent else RatingLevel.HT if percent >= period.unit_ht_percent
                       else RatingLevel.KHT) if criteria else ""
        score.breakdown = {"lines": lines, "percent": round(percent, 2)}
        score.computed_at = data.now
        scores.append(score)
    # Ranked within a cluster or block; units in none are ranked among their sibling units.
    groups = defaultdict(list)
    for score in scores:
        groups[("c", score.cluster.pk) if score.cluster else ("p", score.unit.path[:-4])].append(score)
    for group in groups.values():
        _rank(group, key=lambda s: s.total if criteria else None)
        for score in group:
            score.rank, score.rank_tied = score._rank, score._tied
    return scores


def _metric_items(metric, unit, tasks, findings, recommendations, discipline) -> tuple[int, list[dict]]:
    if metric == Metric.OVERDUE_TASKS:
        return sum(r["open_overdue"] for r in tasks.get(unit.pk, [])), []
    if metric == Metric.VIOLATIONS:
        rows = findings.get(unit.pk, [])
        return len(rows), [_finding_evidence(f) for f in rows]
    if metric == Metric.OVERDUE_RECOMMENDATIONS:
        rows = recommendations.get(unit.pk, [])
        return len(rows), [_evidence(_("Recommendation %(n)s of %(code)s, due %(day)s") % {
            "n": r["number"], "code": r["inspection__code"], "day": dmy(r["deadline"])},
            link("inspections:detail", r["inspection_id"])) for r in rows]
    rows = discipline.get(unit.pk, [])
    return len(rows), []


# -- eligibility -------------------------------------------------------------------------------------------


def _condition_under(rule, code: str, passed: bool, reason: str, evidence: list[dict] | None = None) -> dict:
    """A condition that names the rule row it applied (a title rule, a local rule) and its basis."""
    if rule is None:
        return _condition(code, passed, reason, "", evidence)
    ref = _rule_ref(rule)
    return _condition(code, passed, reason, ref["basis"], evidence) | {"rule": ref}


def _withholding(person: User, data: Inputs) -> list[dict]:
    """“Do not consider commendation for officials who fail assigned tasks or shift responsibility”:
    the practice of some provinces, applied only where the organisation turned it on by its own
    regulation (a local rule), and named as that regulation."""
    conditions = []
    for rule in data.local.get(LocalRuleKind.WITHHOLD_OVERDUE_TASK, [])[:1]:
        overdue = [t for t in data.problems.get(person.pk, []) if t["official"] == OPEN_OVERDUE]
        conditions.append(_condition_under(
            rule, "assigned_work", not overdue,
            _("No assigned task left undone past its deadline.") if not overdue else
            _("%(n)d assigned task(s) not done and overdue.") % {"n": len(overdue)},
            [_task_evidence(t) for t in overdue]))
    for rule in data.local.get(LocalRuleKind.WITHHOLD_SHIFTING, [])[:1]:
        shifting = data.shifting.get(person.pk, [])
        conditions.append(_condition_under(
            rule, "responsibility", not shifting,
            _("No finding of avoiding or shifting assigned work.") if not shifting else
            _("Found avoiding or shifting assigned work."), [_finding_evidence(f) for f in shifting]))
    return conditions


def _case_evidence(case: dict) -> dict:
    if case["kind"] == "discipline":
        return _evidence(_("Disciplinary case %(code)s under consideration since %(day)s") % {
            "code": case["code"], "day": dmy(case["since"])}, link("inspections:decision", case["id"]))
    if case["kind"] == "inspection":
        return _evidence(_("Inspection %(code)s under way since %(day)s") % {
            "code": case["code"], "day": dmy(case["since"])}, link("inspections:detail", case["id"]))
    return _evidence(_("Complaint %(code)s received on %(day)s, not yet settled") % {
        "code": case["code"] or "—", "day": dmy(case["since"])},
        link("admin:inspections_complaint_change", case["id"]))


def _postponement(cases: list[dict]) -> dict:
    """Commendation waits while a disciplinary case, an inspection or a complaint about the subject
    is open (DOMAIN.md §4); the reason names each case."""
    evidence = [_case_evidence(case) for case in cases]
    reason = (_("No disciplinary case, inspection or complaint open about them.") if not cases else
              _("Commendation postponed until it ends: %(cases)s.") % {
                  "cases": "; ".join(e["label"] for e in evidence)})
    return _condition("postponed", not cases, reason, rules.POSTPONEMENT_BASIS, evidence)


def _rating_condition(rating: Rating, least: str, code: str = "rating") -> dict:
    level = rating.final_level
    url = link("emulation:person", rating.period_id, rating.person_id)
    if not level:
        return _condition(code, False, _("Not rated: %(why)s") % {"why": rating.pending_reason},
                          rating.breakdown.get("rule", {}).get("basis", ""), [_evidence(_("Rating"), url)])
    passed = LEVEL_RANK[level] >= LEVEL_RANK[least]
    return _condition(code, passed, _("Rated %(level)s (at least %(least)s needed).") % {
        "level": level.upper(), "least": least.upper()}, rating.breakdown.get("rule", {}).get("basis", ""),
        [_evidence(_("Rating %(level)s, %(score)s points") % {"level": level.upper(), "score": show_number(rating.score)},
                   url)])


def _person_verdicts(rating: Rating, data: Inputs, previous: dict) -> dict[str, list[dict]]:
    person, period = rating.person, data.period
    rule = data.title_rules.get
    effects = data.discipline.get(person.pk)
    # The months worked the LĐTT rule asks for (Circular 01/2024: 6; the column's default where no
    # rule is in force).
    months = (rule(Title.LDTT) or TitleRule()).min_service_months
    served = _served_long_enough(person, period, months)
    service = _condition_under(
        rule(Title.LDTT), "service", served, _("At least %(months)d months worked in the period.") % {
            "months": months} if served else
        _("Fewer than %(months)d months worked (since %(day)s).") % {
            "months": months, "day": dmy(person.service_start_date)})
    disciplined = bool(effects and effects.excludes_individual_titles)

    def discipline(title):
        return _condition_under(
            rule(title), "discipline", not disciplined,
            _("Not disciplined in %(year)d.") % {"year": period.year} if not disciplined else
            _("Disciplined in %(year)d: no title at reprimand or heavier.") % {"year": period.year},
            [_decision_evidence(d) for d in effects.decisions] if effects else [])

    withholding = _withholding(person, data)
    postponed = _postponement(data.open_cases.people.get(person.pk, []))
    ldtt = [_rating_condition(rating, RatingLevel.HTT), service, discipline(Title.LDTT), *withholding, postponed]
    ldtt_ok = all(c["passed"] for c in ldtt)
    initiatives = data.initiatives.get(person.pk, [])
    initiative = _condition_under(rule(Title.CSTDCS), "initiative", bool(initiatives), _(
        "Recognised initiative: %(titles)s.") % {"titles": "; ".join(
            f"{i.title} ({i.recognition})" for i in initiatives)} if initiatives else
        _("No recognised initiative or applied research in the period."))
    base = _condition_under(rule(Title.LDTT), "ldtt", ldtt_ok, _("Meets every condition of LĐTT.") if ldtt_ok else
                            _("Does not meet the conditions of LĐTT."))
    cstdcs = [base, initiative, postponed]
    earlier = previous.get(("cstdcs", person.pk), 0)
    cstd_tinh = [base, initiative, _condition_under(
        rule(Title.CSTD_TINH), "consecutive", earlier >= 2,
        _("CSTĐCS in %(n)d of the 2 previous years (3 consecutive needed).") % {"n": earlier}), postponed]
    last_year = previous.get(("level", person.pk), "")
    bang_khen = [_rating_condition(rating, RatingLevel.HTXS), discipline(Title.BANG_KHEN), *withholding,
                 _condition_under(rule(Title.BANG_KHEN), "previous_year", last_year == RatingLevel.HTXS,
                                  _("Rated HTXS the previous year too.") if last_year == RatingLevel.HTXS else
                                  _("Not rated HTXS the previous year (2 consecutive years needed).")), postponed]
    giay_khen = [_rating_condition(rating, RatingLevel.HTT), discipline(Title.GIAY_KHEN), *withholding, postponed]
    return {Title.LDTT: ldtt, Title.CSTDCS: cstdcs, Title.CSTD_TINH: cstd_tinh, Title.BANG_KHEN: bang_khen,
            Title.GIAY_KHEN: giay_khen}


def _unit_verdicts(score: UnitScore, members: list[Rating], person_ok: dict, data: Inputs) -> dict:
    n = len(members)
    rule = data.title_rules.get
    ldtt = sum(1 for r in members if person_ok.get((Title.LDTT, r.person_id)))
    cstdcs = sum(1 for r in members if person_ok.get((Title.CSTDCS, r.person_id)))
    at_least_ht = sum(1 for r in members if LEVEL_RANK[r.final_level] >= LEVEL_RANK[RatingLevel.HT])
    heavy = [d for r in members if (e := data.discipline.get(r.person_id)) and e.excludes_collective_titles
             for d in e.decisions]
    official = data.official_levels.get(score.unit_id)

    def unit_level(title, least):
        # The unit's official rating, as its superior decided it, where one is recorded; the score of
        # the period's own criteria only where none is.
        if official is not None:
            passed = LEVEL_RANK[official.level] >= LEVEL_RANK[least]
            return _condition_under(rule(title), "unit_level", passed, _(
                "Unit officially rated %(level)s (%(decision)s); at least %(least)s needed.") % {
                "level": official.level.upper(), "decision": official.decision, "least": least.upper()},
                [_evidence(_("Official rating: %(decision)s") % {"decision": official.decision},
                           link("admin:emulation_unitofficialrating_change", official.pk))])
        level = score.level
        passed = bool(level) and LEVEL_RANK[level] >= LEVEL_RANK[least]
        return _condition_under(rule(title), "unit_level", passed, _(
            "No official rating of the unit is recorded: rated %(level)s on %(total)s of %(max)s points of the "
            "period's criteria (at least %(least)s needed).") % {
            "level": (level or "—").upper(), "total": show_number(score.total), "max": show_number(score.max_total), "least": least.upper()},
            [_evidence(_("Unit score"), link("emulation:unit", score.period_id, score.unit_id))])

    def no_warning(title):
        return _condition_under(rule(title), "no_warning", not heavy, _(
            "No member disciplined at warning or heavier.") if not heavy else
            _("%(n)d decision(s) at warning or heavier.") % {"n": len(heavy)},
            [_decision_evidence(d) for d in heavy])

    share = (lambda k: round(100 * k / n, 1)) if n else (lambda k: 0)
    postponed = _postponement(data.open_cases.units.get(score.unit_id, []))

    def members_ldtt(title):
        # The share of members meeting LĐTT the title rule sets ("more than" or "at least" it).
        title_rule = rule(title)
        if title_rule is None or title_rule.members_ldtt_percent is None:
            return []
        percent = title_rule.members_ldtt_percent
        if title_rule.members_ldtt_more_than:
            return [_condition_under(title_rule, "members_ldtt", n > 0 and ldtt * 100 > percent * n, _(
                "%(k)d of %(n)d members (%(p)s%%) meet LĐTT; more than %(least)d%% needed.") % {
                "k": ldtt, "n": n, "p": share(ldtt), "least": percent})]
        return [_condition_under(title_rule, "members_ldtt", n > 0 and ldtt * 100 >= percent * n, _(
            "%(k)d of %(n)d members (%(p)s%%) meet LĐTT; at least %(least)d%% needed.") % {
            "k": ldtt, "n": n, "p": share(ldtt), "least": percent})]

    def members_cstdcs(title):
        title_rule = rule(title)
        if title_rule is None or title_rule.members_cstdcs_at_least is None:
            return []
        least = title_rule.members_cstdcs_at_least
        return [_condition_under(title_rule, "members_cstdcs", cstdcs >= least, _(
            "%(k)d member(s) meet CSTĐCS; at least %(least)d needed.") % {"k": cstdcs, "least": least})]

    tt_ldtt = [
        unit_level(Title.TAP_THE_LDTT, RatingLevel.HTT),
        *members_ldtt(Title.TAP_THE_LDTT),
        *members_cstdcs(Title.TAP_THE_LDTT),
        no_warning(Title.TAP_THE_LDTT),
        postponed,
    ]
    tt_ldxs = [
        unit_level(Title.TAP_THE_LDXS, RatingLevel.HTXS),
        _condition_under(rule(Title.TAP_THE_LDXS), "members_ht", n > 0 and at_least_ht == n, _(
            "%(k)d of %(n)d members rated HT or better; all needed.") % {"k": at_least_ht, "n": n}),
        *members_ldtt(Title.TAP_THE_LDXS),
        *members_cstdcs(Title.TAP_THE_LDXS),
        no_warning(Title.TAP_THE_LDXS),
        postponed,
    ]
    verdicts = {Title.TAP_THE_LDTT: tt_ldtt, Title.TAP_THE_LDXS: tt_ldxs}
    for title, condition in data.reform_conditions.items():
        if title in verdicts:
            verdicts[title].insert(-1, _reform_class_condition(
                condition, data.reform_standings.get(score.unit_id), data.period.year))
    return verdicts


def _previous_results(period: Period, person_ids) -> dict:
    """CSTĐCS awarded in the two previous years and last year's rating, for the titles that need
    consecutive years."""
    previous = defaultdict(int)
    for person_id in Award.objects.filter(title=Title.CSTDCS, person_id__in=person_ids, revoked_at__isnull=True,
                                          period__year__in=(period.year - 1, period.year - 2)) \
            .values_list("person_id", flat=True):
        previous[("cstdcs", person_id)] += 1
    for rating in Rating.objects.filter(person_id__in=person_ids, period__year=period.year - 1,
                                        period__quarter__isnull=True).only("person_id", "level", "computed_level"):
        previous[("level", rating.person_id)] = rating.final_level
    return previous


def _no_rule(title: str, data: Inputs) -> list[dict]:
    """A title with no rule in force on the period's last day is refused, saying so."""
    if title in data.title_rules:
        return []
    return [_condition("title_rule", False, _("No rule is defined for this title on %(day)s.") % {
        "day": dmy(data.period.ends_on)})]


def compute_verdicts(data: Inputs, ratings: list[Rating], scores: list[UnitScore]) -> list[Verdict]:
    period = data.period
    previous = _previous_results(period, data.rated.values("id"))
    verdicts, person_ok = [], {}
    # Built by ids: 75,000 verdicts at province size, written at once and never read back here.
    rule_ids = {title: rule.pk for title, rule in data.title_rules.items()}
    for rating in ratings:
        for title, conditions in _person_verdicts(rating, data, previous).items():
            conditions = _no_rule(title, data) + conditions
            eligible = all(c["passed"] for c in conditions)
            person_ok[(title, rating.person_id)] = eligible
            verdicts.append(Verdict(period_id=period.pk, title=title, person_id=rating.person_id,
                                    unit_id=rating.unit_id, eligible=eligible, conditions=conditions,
                                    title_rule_id=rule_ids.get(title), computed_at=data.now))
        rating.withheld = not person_ok[(Title.LDTT, rating.person_id)]
    members = defaultdict(list)
    for rating in ratings:
        for path in Unit.paths_above(rating.unit.path):
            members[path].append(rating)
    for score in scores:
        for title, conditions in _unit_verdicts(score, members.get(score.unit.path, []), person_ok, data).items():
            conditions = _no_rule(title, data) + conditions
            verdicts.append(Verdict(period_id=period.pk, title=title, person_id=None, unit_id=score.unit_id,
                                    eligible=all(c["passed"] for c in conditions), conditions=conditions,
                                    title_rule_id=rule_ids.get(title), computed_at=data.now))
    return verdicts


# -- the whole period -----------------------------------------------------------------------------------


RATING_FIELDS = ["unit", "staff_group", "rule_set", "mode", "task_points", "score", "computed_level", "level",
                 "level_note", "pending_reason", "disqualified", "withheld", "rank_in_unit", "rank_tied",
                 "breakdown", "computed_at"]
SCORE_FIELDS = ["cluster", "total", "max_total", "level", "rank", "rank_tied", "breakdown", "computed_at"]


def compute_period(period: Period, *, now: datetime | None = None,
                   progress: Callable[[int, int], None] | None = None) -> dict[str, int]:
    """Recompute a period that is not frozen. Returns how many ratings, unit scores and verdicts.

    The reading and computing run outside any transaction (so progress can be seen); the writing
    runs under the period's lock and only if no manual input changed meanwhile — otherwise the
    computation starts again from the newer inputs."""
    now = now or timezone.now()
    for _attempt in range(3):
        period = Period.objects.select_related("unit").get(pk=period.pk)
        if period.is_frozen:
            raise ValidationError(_("The period is frozen from the vote on: its results no longer change."))
        memo = _MEMO.set({})
        try:
            with override(settings.LANGUAGE_CODE):
                data = _read_inputs(period, now)
                total = len(data.people)
                report = (lambda done, total=total: progress(done, total)) if progress else None
                ratings = compute_ratings(data, progress=report)
                scores = compute_unit_scores(data, ratings)
                cap_heads_at_unit_level(data, ratings, scores)
                verdicts = compute_verdicts(data, ratings, scores)
        finally:
            _MEMO.reset(memo)
        with transaction.atomic():
            locked = Period.objects.select_for_update().get(pk=period.pk)
            if locked.is_frozen:
                raise ValidationError(_("The period is frozen from the vote on: its results no longer change."))
            if locked.revision != period.revision:
                continue
            # One upsert per table (INSERT … ON CONFLICT DO UPDATE): bulk_update's CASE per row and
            # field costs seconds at province size.
            copy_upsert(Rating, ratings, unique_fields=["period", "person"], update_fields=RATING_FIELDS)
            copy_upsert(UnitScore, scores, unique_fields=["period", "unit"], update_fields=SCORE_FIELDS)
            # Officials who left the scope keep no stale rating in an open period.
            Rating.objects.filter(period=period).exclude(person_id__in=data.rated.values("id")) \
                .filter(level="", general_points__isnull=True, general_met__isnull=True).delete()
            Verdict.objects.filter(period=period).delete()
            copy_insert(Verdict, verdicts)
            Period.objects.filter(pk=period.pk).update(computed_at=now)
        if progress:
            progress(total, total)
        return {"ratings": len(ratings), "unit_scores": len(scores), "verdicts": len(verdicts)}
    raise ConflictError(_("The inputs kept changing during the computation: try again."), code="inputs_changing")

