"""Reads of inspections, findings, recommendations and decisions — always scoped by the access
policy — and the discipline effects other modules (emulation) read instead of our tables."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import scope_for
from accounts.collation import by_vietnamese
from accounts.models import Unit
from core.text import fold
from core.inbox import InboxItem, by_due
from inspections.access import (
    can_explain,
    can_verify,
    decisions_visible_to,
    findings_visible_to,
    inspections_visible_to,
    recommendations_visible_to,
    verification_awaited,
)
from inspections.models import (
    Attendance,
    CheckOutcome,
    CheckResult,
    Complaint,
    DecisionStatus,
    DisciplinaryDecision,
    DisciplineForm,
    Event,
    Finding,
    FindingStatus,
    Inspection,
    InspectionKind,
    InspectionStatus,
    Recommendation,
    RecommendationStatus,
    RollCall,
    RollEntry,
    TeamMember,
)
from core.numbers import show_number
from inspections import rules
from inspections.rules import FORM_ORDER, REPEAT_OFFENCE_WINDOW_DAYS
from tasks.access import available_actions

ACTIVE_INSPECTION = (InspectionStatus.PLANNED, InspectionStatus.IN_PROGRESS, InspectionStatus.REPORTED,
                     InspectionStatus.DRAFT_CONCLUSION, InspectionStatus.CONCLUDED, InspectionStatus.PUBLISHED,
                     InspectionStatus.FOLLOW_UP)


def inspection_list_for_user(user, *, q: str = "", status: str = "", kind: str = "", year: int | None = None,
                             mine: bool = False) -> QuerySet[Inspection]:
    inspections = inspections_visible_to(user).select_related("issuing_unit", "leader").annotate(
        finding_count=Count("findings", distinct=True))
    if mine:
        inspections = inspections.filter(pk__in=TeamMember.objects.filter(user_id=user.pk).values("inspection_id"))
    if q:
        inspections = inspections.filter(search_text__contains=fold(q))
    if status:
        inspections = inspections.filter(status=status)
    if kind:
        inspections = inspections.filter(kind=kind)
    if year:
        inspections = inspections.filter(year=year)
    return inspections.order_by("-created_at", "-id")


def inspection_timeline_for_user(user, inspection: Inspection) -> QuerySet[Event]:
    """The inspection's history as `user` may read it: its own steps, and the events of its findings,
    recommendations and decisions only where the user may see that record (one query, no check per row)."""
    return (inspection.events
            .filter(Q(finding__isnull=True) | Q(finding__in=findings_visible_to(user).values("pk")))
            .filter(Q(recommendation__isnull=True)
                    | Q(recommendation__in=recommendations_visible_to(user).values("pk")))
            .filter(Q(decision__isnull=True) | Q(decision__in=decisions_visible_to(user).values("pk")))
            .select_related("actor").order_by("at", "id"))


def finding_list_for_user(user, *, q: str = "", status: str = "", violation_type: int | None = None, unit=None,
                          date_from: date | None = None, date_to: date | None = None,
                          inspection: Inspection | None = None) -> QuerySet[Finding]:
    findings = findings_visible_to(user).select_related("subject_person", "subject_unit", "violation_type",
                                                        "inspection", "recorded_by")
    if q:
        folded = fold(q)
        findings = findings.filter(Q(search_text__contains=folded) | Q(subject_person__search_text__contains=folded)
                                   | Q(subject_unit__search_text__contains=folded))
    if status:
        findings = findings.filter(status=status)
    if violation_type:
        findings = findings.filter(violation_type_id=violation_type)
    if unit is not None:
        findings = findings.filter(subject_unit__path__startswith=unit.path)
    if date_from:
        findings = findings.filter(occurred_at__date__gte=date_from)
    if date_to:
        findings = findings.filter(occurred_at__date__lte=date_to)
    if inspection is not None:
        findings = findings.filter(inspection=inspection)
    return findings.order_by("-occurred_at", "-id")


def decision_register_for_user(user, *, q: str = "", status: str = "", form: str = "", system: str = "",
                               year: int | None = None, unit=None) -> QuerySet[DisciplinaryDecision]:
    decisions = decisions_visible_to(user).select_related("subject", "subject_unit", "form_rule")
    if q:
        folded = fold(q)
        decisions = decisions.filter(Q(subject__search_text__contains=folded) | Q(number__icontains=q)
                                     | Q(code__icontains=q))
    if status:
        decisions = decisions.filter(status=status)
    if form:
        decisions = decisions.filter(form=form)
    if system:
        decisions = decisions.filter(system=system)
    if year:
        decisions = decisions.filter(Q(decision_date__year=year) | Q(decision_date__isnull=True, created_at__year=year))
    if unit is not None:
        decisions = decisions.filter(subject_unit__path__startswith=unit.path)
    return decisions.order_by("-decision_date", "-id")


def _planned_targets(**filters) -> QuerySet:
    """The units targeted by planned, not cancelled inspections (with the unit and the inspection)."""
    return (Inspection.targets.through.objects.filter(inspection__kind=InspectionKind.PLANNED, **filters)
            .exclude(inspection__status=InspectionStatus.CANCELLED).select_related("unit", "inspection"))


def planned_overlaps(*, year: int, targets: Iterable[Unit], exclude_pk: int | None = None) -> list[tuple[Unit, Inspection]]:
    """Planned inspections of the same unit in the same year (good practice for agencies:
    rules.PLAN_OVERLAP_BASIS; Directive 20/CT-TTg itself limits inspections of enterprises)."""
    others = _planned_targets(unit_id__in=[t.pk for t in targets], inspection__year=year)
    if exclude_pk:
        others = others.exclude(inspection_id=exclude_pk)
    return [(row.unit, row.inspection) for row in others]


def planned_overlaps_in_plan(plan) -> list[dict]:
    """Units planned for inspection more than once in the plan's year (across the organisation)."""
    rows = _planned_targets(inspection__organisation_id=plan.organisation_id,
                            inspection__year=plan.year).order_by("unit__path", "inspection_id")
    by_unit: dict[int, dict] = {}
    for row in rows:
        by_unit.setdefault(row.unit_id, {"unit": row.unit, "inspections": []})["inspections"].append(row.inspection)
    return [entry for entry in by_unit.values() if len(entry["inspections"]) > 1]


def time_limits(inspection: Inspection, *, today: date | None = None) -> list[dict]:
    """Law 84/2025's limits of the conclusion, each from its own date (inspections.rules.time_limits)."""
    return rules.time_limits(inspection, today=today)


def recommendation_list_for_user(user, *, overdue: bool = False) -> QuerySet[Recommendation]:
    recommendations = recommendations_visible_to(user).select_related("inspection", "target_unit", "task",
                                                                      "task__lead")
    if overdue:
        recommendations = recommendations.filter(status=RecommendationStatus.IN_REMEDIATION,
                                                 deadline__lt=timezone.localdate())
    return recommendations.order_by("deadline", "id")


def overdue_recommendations_by_unit(user) -> list[dict]:
    """Per unit: how many recommendations are past their deadline and not verified done."""
    return list(recommendation_list_for_user(user, overdue=True).order_by().values("target_unit_id", "target_unit__name")
                .annotate(n=Count("id")).order_by("-n", "target_unit__name"))


def inspector_dashboard(user) -> dict:
    mine = TeamMember.objects.filter(user_id=user.pk).values("inspection_id")
    inspections = (inspections_visible_to(user).filter(pk__in=mine, status__in=ACTIVE_INSPECTION)
                   .select_related("issuing_unit").order_by("status", "-created_at")[:20])
    awaiting = (findings_visible_to(user).filter(inspection_id__in=mine, status=FindingStatus.AWAITING_EXPLANATION)
                .select_related("subject_person", "subject_unit", "violation_type").order_by("explanation_due")[:20])
    return {
        "inspections": list(inspections),
        "awaiting": list(awaiting),
        "overdue": list(recommendation_list_for_user(user, overdue=True)[:20]),
        "overdue_by_unit": overdue_recommendations_by_unit(user)[:10],
        "chart": violation_chart(user),
    }


def violation_chart(user, *, months: int = 12) -> dict:
    """Violations by type, by unit and by month over the last `months` months (withdrawn ones left out)."""
    since = (timezone.localdate().replace(day=1) - timedelta(days=31 * (months - 1))).replace(day=1)
    findings = findings_visible_to(user).exclude(status=FindingStatus.WITHDRAWN).filter(occurred_at__date__gte=since)
    by_type = list(findings.order_by().values("violation_type__name").annotate(n=Count("id")).order_by("-n")[:12])
    by_unit = list(findings.order_by().values("subject_unit__name").annotate(n=Count("id")).order_by("-n")[:10])
    by_month = list(findings.order_by().annotate(month=TruncMonth("occurred_at")).values("month")
                    .annotate(n=Count("id")).order_by("month"))
    peak = max([row["n"] for row in by_type + by_unit + by_month] + [1])
    return {"by_type": by_type, "by_unit": by_unit, "by_month": by_month, "peak": peak, "since": since}


# -- read by the emulation module --------------------------------------------------------------

AT_LEAST_WARNING = FORM_ORDER[FORM_ORDER.index(DisciplineForm.WARNING):]


@dataclass
class DisciplineEffects:
    """What one person's discipline means for one rating year."""

    decisions: list[dict] = field(default_factory=list)
    salary_delay_until: date | None = None

    @property
    def kht_decisions(self) -> list[dict]:
        """The decisions counted in the year for a violation related to public duty."""
        return [d for d in self.decisions if d["public_duty"]]

    @property
    def forces_kht(self) -> bool:
        """Only a discipline for a violation related to public duty forces “Không hoàn thành nhiệm vụ”
        (Decree 335/2025, Decree 233/2026) — once: each act counts in one year."""
        return bool(self.kht_decisions)

    @property
    def excludes_individual_titles(self) -> bool:
        """No LĐTT (and so no higher title) when disciplined at reprimand or heavier."""
        return bool(self.decisions)

    @property
    def excludes_collective_titles(self) -> bool:
        """A unit with a member disciplined at warning or heavier is not a Tập thể LĐTT."""
        return any(d["form"] in AT_LEAST_WARNING for d in self.decisions)


def discipline_effects(person_ids, year: int) -> dict[int, DisciplineEffects]:
    """Issued decisions counted in `year`'s rating, per person (one query): each act — a Party and a
    State decision on it alike — in the year of its first decision only. `person_ids` may be a
    subquery (`….values("id")`), which a province-wide computation should pass rather than a list."""
    effects: dict[int, DisciplineEffects] = defaultdict(DisciplineEffects)
    decisions = DisciplinaryDecision.objects.filter(
        subject_id__in=person_ids, status=DecisionStatus.ISSUED, counted_in_year=year
    ).order_by("decision_date", "id")
    for d in decisions:
        effect = effects[d.subject_id]
        effect.decisions.append({
            "id": d.pk, "code": d.code, "number": d.number, "form": d.form, "form_label": str(d.get_form_display()),
            "system": d.system, "decision_date": d.decision_date, "legal_basis": d.form_rule.legal_basis
            if d.form_rule_id else "", "public_duty": d.public_duty, "same_act_as": d.same_act_as_id,
        })
        if d.salary_delay_until and (effect.salary_delay_until is None or d.salary_delay_until > effect.salary_delay_until):
            effect.salary_delay_until = d.salary_delay_until
    return dict(effects)


def people_disciplined_in_year(year: int, person_ids=None) -> set[int]:
    # A Party organisation's discipline has no subject: it counts for no person.
    decisions = DisciplinaryDecision.objects.filter(status=DecisionStatus.ISSUED, counted_in_year=year,
                                                    subject__isnull=False)
    if person_ids is not None:
        decisions = decisions.filter(subject_id__in=list(person_ids))
    return set(decisions.values_list("subject_id", flat=True).distinct())


def findings_in_period(start: datetime, end: datetime, unit_path: str, *, recorded_after: datetime | None = None
                       ) -> list[dict]:
    """Findings (not withdrawn) on violations committed in [start, end) by people or units of the
    subtree — the evidence behind deductions, withholdings and revocation flags."""
    findings = Finding.objects.filter(occurred_at__gte=start, occurred_at__lt=end,
                                      subject_unit__path__startswith=unit_path).exclude(status=FindingStatus.WITHDRAWN)
    if recorded_after is not None:
        findings = findings.filter(recorded_at__gt=recorded_after)
    return list(findings.values("id", "code", "subject_person_id", "subject_unit_id", "occurred_at", "recorded_at",
                                "violation_type__code", "violation_type__name").order_by("occurred_at", "id"))


def overdue_recommendations_in(unit_path: str, on: date) -> list[dict]:
    """Recommendations still being remedied after their deadline, for units of the subtree."""
    return list(Recommendation.objects.filter(status=RecommendationStatus.IN_REMEDIATION, deadline__lt=on,
                                              target_unit__path__startswith=unit_path)
                .values("id", "number", "content", "deadline", "target_unit_id", "inspection_id",
                        "inspection__code").order_by("deadline", "id"))


# -- what waits for someone (the work inbox) ---------------------------------------------------

INSPECTION_QUEUES = {
    "explanations": _("Explanations due"),
    "remedies": _("Recommendations to remedy"),
    "verifications": _("Remedies to verify"),
}


def inspection_inbox(user) -> dict[str, list[InboxItem]]:
    """Per queue, what waits for `user`: a finding to explain (giải trình) before its deadline, a
    recommendation whose remediation task they lead and must report on, a remedy to verify. Two
    queries; whether each waits is asked of the access functions (can_explain, can_verify, the
    remediation task's available_actions)."""
    queues: dict[str, list[InboxItem]] = {key: [] for key in INSPECTION_QUEUES}
    scope = scope_for(user)
    if scope.user_id is None:
        return queues
    today = timezone.localdate()
    theirs = Q(subject_person_id=scope.user_id)
    for path in scope.managed_paths:
        theirs |= Q(subject_person__isnull=True, subject_unit__path__startswith=path)
    findings = (findings_visible_to(user).filter(theirs, status=FindingStatus.AWAITING_EXPLANATION,
                                                 explanation_due__gte=today)
                .select_related("subject_unit", "violation_type"))
    for finding in findings:
        if can_explain(user, finding):
            queues["explanations"].append(InboxItem(
                finding.code, str(finding.violation_type), reverse("inspections:finding", args=[finding.pk]),
                finding.explanation_due, str(finding.subject_unit)))
    recommendations = (recommendations_visible_to(user)
                       .filter(Q(task__lead_id=scope.user_id) | Q(inspection__leader_id=scope.user_id),
                               status=RecommendationStatus.IN_REMEDIATION)
                       .select_related("inspection", "target_unit", "task"))
    for recommendation in recommendations:
        code = f"{recommendation.inspection.code}/{recommendation.number}"
        note = str(recommendation.target_unit)
        if recommendation.task.lead_id == scope.user_id and "submit" in available_actions(user, recommendation.task):
            queues["remedies"].append(InboxItem(code, recommendation.content,
                                                reverse("tasks:detail", args=[recommendation.task_id]),
                                                recommendation.deadline, note, recommendation.task_id))
        if verification_awaited(recommendation) and can_verify(user, recommendation):
            queues["verifications"].append(InboxItem(code, recommendation.content,
                                                     reverse("inspections:detail", args=[recommendation.inspection_id]),
                                                     recommendation.deadline, note))
    return {key: by_due(items) for key, items in queues.items()}


def remediation_task_ids_awaiting_verification(user) -> set[int]:
    """The remediation tasks whose result `user` judges by verifying their recommendation — listed
    under "remedies to verify", not again among the results to judge."""
    return set(recommendations_visible_to(user).filter(
        inspection__leader_id=user.pk, status=RecommendationStatus.IN_REMEDIATION, task__isnull=False,
    ).values_list("task_id", flat=True))


# An inspection is open about its targets from its start until it is closed or cancelled.
OPEN_INSPECTION = (InspectionStatus.IN_PROGRESS, InspectionStatus.REPORTED, InspectionStatus.DRAFT_CONCLUSION,
                   InspectionStatus.CONCLUDED, InspectionStatus.PUBLISHED, InspectionStatus.FOLLOW_UP)


@dataclass
class OpenCases:
    """Disciplinary cases, inspections and complaints still open about people and units: their
    commendation waits until they end. Each case: kind, id, code, since."""

    people: dict[int, list[dict]] = field(default_factory=lambda: defaultdict(list))
    units: dict[int, list[dict]] = field(default_factory=lambda: defaultdict(list))


def open_cases_about(person_ids, unit_path: str, on: date) -> OpenCases:
    """What is still open on `on` about the people (`person_ids`, a subquery or a list) and the units
    of the subtree: a disciplinary case under consideration, an inspection that targets the unit or
    has a finding on the person, a complaint not yet settled. Four queries, whatever the size."""
    cases = OpenCases()
    for d in DisciplinaryDecision.objects.filter(subject_id__in=person_ids, status=DecisionStatus.PROCEEDING) \
            .values("id", "code", "subject_id", "discovered_on").order_by("discovered_on", "id"):
        cases.people[d["subject_id"]].append({"kind": "discipline", "id": d["id"], "code": d["code"],
                                              "since": d["discovered_on"]})
    for row in Inspection.targets.through.objects.filter(
            inspection__status__in=OPEN_INSPECTION, unit__path__startswith=unit_path) \
            .values("unit_id", "inspection_id", "inspection__code", "inspection__started_at") \
            .order_by("inspection_id"):
        started = row["inspection__started_at"]
        cases.units[row["unit_id"]].append({"kind": "inspection", "id": row["inspection_id"],
                                            "code": row["inspection__code"],
                                            "since": timezone.localtime(started).date() if started else None})
    seen = set()
    for row in Finding.objects.filter(subject_person_id__in=person_ids, inspection__status__in=OPEN_INSPECTION) \
            .exclude(status=FindingStatus.WITHDRAWN) \
            .values("subject_person_id", "inspection_id", "inspection__code", "inspection__started_at") \
            .order_by("inspection_id"):
        if (row["subject_person_id"], row["inspection_id"]) in seen:
            continue
        seen.add((row["subject_person_id"], row["inspection_id"]))
        started = row["inspection__started_at"]
        cases.people[row["subject_person_id"]].append({
            "kind": "inspection", "id": row["inspection_id"], "code": row["inspection__code"],
            "since": timezone.localtime(started).date() if started else None})
    for c in Complaint.objects.filter(subject_unit__path__startswith=unit_path, received_on__lte=on) \
            .filter(Q(resolved_on__isnull=True) | Q(resolved_on__gt=on)) \
            .values("id", "reference", "subject_person_id", "subject_unit_id", "received_on").order_by("received_on", "id"):
        case = {"kind": "complaint", "id": c["id"], "code": c["reference"], "since": c["received_on"]}
        if c["subject_person_id"]:
            cases.people[c["subject_person_id"]].append(case)
        else:
            cases.units[c["subject_unit_id"]].append(case)
    return cases


# -- read by the reform index ------------------------------------------------------------------


def recommendations_due_in_subtree(start: date, end: date, unit_path: str) -> list[dict]:
    """Recommendations (not drafts or withdrawn) to units of the subtree due in [start, end), each
    saying whether it was verified done by its deadline. One query."""
    rows = (Recommendation.objects.filter(deadline__gte=start, deadline__lt=end, target_unit__path__startswith=unit_path)
            .exclude(status__in=(RecommendationStatus.DRAFT, RecommendationStatus.WITHDRAWN))
            .values("id", "number", "deadline", "status", "verified_at", "inspection__code").order_by("deadline", "id"))
    result = []
    for row in rows:
        verified = row["verified_at"]
        row["on_time"] = (row["status"] == RecommendationStatus.VERIFIED and verified is not None
                          and timezone.localdate(verified) <= row["deadline"])
        result.append(row)
    return result


def decisions_in_subtree(year: int, unit_path: str) -> list[dict]:
    """Issued disciplinary decisions counted in `year` against officials of units of the subtree. One query."""
    rows = list(DisciplinaryDecision.objects.filter(status=DecisionStatus.ISSUED, counted_in_year=year,
                                                    subject_unit__path__startswith=unit_path)
                .values("id", "code", "number", "form").order_by("decision_date", "id"))
    for row in rows:
        row["form_label"] = str(DisciplineForm(row["form"]).label) if row["form"] else ""
    return rows


def record_label_by_code_visible_to(user, kind: str, code: str) -> tuple[int, str] | None:
    """A finding or a disciplinary decision of that code, if the user may see it: (id, label); else
    None. One query."""
    code = code.strip()
    if kind == "finding":
        row = findings_visible_to(user).filter(code=code).values_list("pk", "code", "violation_type__name").first()
    elif kind == "decision":
        row = decisions_visible_to(user).filter(code=code).values_list("pk", "code", "number").first()
    else:
        return None
    return (row[0], f"{row[1]} — {row[2]}".rstrip(" —")) if row else None


# -- the roll of a public-service check ------------------------------------------------------


def summarise_attendance(counts: dict) -> dict:
    """The figures and the sentence users write: "có mặt 185/263, 78,39%; vắng 51, không lý do 9" —
    present out of everyone on the roll; the rate is present ÷ those whose attendance was
    established (present or absent; 185 ÷ 236 = 78,39% there, 27 not marked); absent counts both
    kinds of absence, "without reason" the part of them that had none."""
    present = counts.get(Attendance.PRESENT, 0)
    excused = counts.get(Attendance.EXCUSED, 0)
    unexcused = counts.get(Attendance.UNEXCUSED, 0)
    unmarked = counts.get(Attendance.UNMARKED, 0)
    total = present + excused + unexcused + unmarked
    marked = present + excused + unexcused
    rate = (Decimal(present) * 100 / marked) if marked else Decimal(0)
    text = _("present %(present)s/%(total)s, %(rate)s%%; absent %(absent)s, without reason %(unexcused)s") % {
        "present": show_number(present, 0), "total": show_number(total, 0), "rate": show_number(rate),
        "absent": show_number(excused + unexcused, 0), "unexcused": show_number(unexcused, 0)}
    return {"total": total, "present": present, "absent": excused + unexcused, "excused": excused,
            "unexcused": unexcused, "unmarked": unmarked,
            "rate": str(rate.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)), "text": text}


def roll_summary(roll) -> dict:
    """One roll's summary (one query)."""
    counts = dict(roll.entries.order_by().values_list("state").annotate(n=Count("id")).values_list("state", "n"))
    return summarise_attendance(counts)


def rolls_of(inspection: Inspection, *, roll_pk: int | None = None) -> list[RollCall]:
    """The rolls of a check with their entries and check results, each with `summary` (3 queries);
    the caller has loaded `inspection` through the access policy."""
    rolls = inspection.rolls.all() if roll_pk is None else inspection.rolls.filter(pk=roll_pk)
    rolls = list(rolls.select_related("unit").prefetch_related(
        Prefetch("entries", queryset=RollEntry.objects.select_related("person", "person_unit", "finding")
                 .order_by(by_vietnamese("person__full_name"), "id")),
        Prefetch("checks", queryset=CheckResult.objects.select_related("item", "finding").order_by("item__order", "id"))))
    for roll in rolls:
        counts = defaultdict(int)
        for entry in roll.entries.all():
            counts[entry.state] += 1
        roll.summary = summarise_attendance(counts)
    return rolls


def rolls_of_one(roll: RollCall) -> RollCall:
    """One roll as rolls_of loads it (its entries, check results and summary)."""
    loaded = rolls_of(roll.inspection, roll_pk=roll.pk)[0]
    loaded.inspection = roll.inspection
    return loaded


def check_summary(rolls: list[RollCall]) -> dict | None:
    """The whole check's figures over every unit visited."""
    if not rolls:
        return None
    counts = defaultdict(int)
    for roll in rolls:
        for key, state in (("present", Attendance.PRESENT), ("excused", Attendance.EXCUSED),
                           ("unexcused", Attendance.UNEXCUSED), ("unmarked", Attendance.UNMARKED)):
            counts[state] += roll.summary[key]
    return summarise_attendance(counts)


def roll_minutes_data(inspection: Inspection) -> dict:
    """The roll and check results of a public-service check as plain data, for the minutes (biên
    bản) signed on site: per unit visited, its officials with their attendance and reason, the
    items met or not with their notes, the findings recorded from them, and the summaries."""
    rolls = rolls_of(inspection)
    return {
        "inspection": {"code": inspection.code, "title": inspection.title,
                       "decision_number": inspection.decision_number, "decision_date": inspection.decision_date,
                       "issuing_unit": str(inspection.issuing_unit)},
        "summary": check_summary(rolls),
        "units": [{
            "unit": roll.unit.name, "checked_at": timezone.localtime(roll.checked_at),
            "summary": roll.summary,
            "officials": [{"name": e.person.full_name, "unit": e.person_unit.name, "state": e.state,
                           "state_label": str(e.get_state_display()), "reason": e.reason,
                           "finding": e.finding.code if e.finding_id else ""} for e in roll.entries.all()],
            "checks": [{"code": c.item.code, "item": c.item.name, "outcome": c.outcome,
                        "outcome_label": str(c.get_outcome_display()), "note": c.note,
                        "finding": c.finding.code if c.finding_id else ""} for c in roll.checks.all()],
        } for roll in rolls],
    }


@dataclass
class RepeatOffender:
    """A person (absences without a reason) or a unit (items not met) in more than one check."""

    name: str
    unit: str
    person_id: int | None
    unit_id: int | None
    checks: list = field(default_factory=list)  # (inspection id, code, title, day, what)


def repeat_window(since: date | None = None, until: date | None = None) -> tuple[date, date]:
    """The window asked for, by default REPEAT_OFFENCE_WINDOW_DAYS up to today."""
    until = until or timezone.localdate()
    return since or until - timedelta(days=REPEAT_OFFENCE_WINDOW_DAYS), until


def repeat_offenders_for_user(user, *, since: date | None = None, until: date | None = None,
                              min_checks: int = 2) -> tuple[list[RepeatOffender], list[RepeatOffender]]:
    """People absent without a reason, and units with items not met, in at least `min_checks`
    public-service checks the user may see, checked between `since` and `until` (by default the
    window of inspections.rules.REPEAT_OFFENCE_WINDOW_DAYS up to today). Four queries."""
    since, until = repeat_window(since, until)
    start = timezone.make_aware(datetime.combine(since, datetime.min.time()))
    end = timezone.make_aware(datetime.combine(until + timedelta(days=1), datetime.min.time()))
    visible = inspections_visible_to(user).filter(kind=InspectionKind.PUBLIC_SERVICE).values("pk")
    window = Q(roll__inspection__in=visible, roll__checked_at__gte=start, roll__checked_at__lt=end)
    absent = RollEntry.objects.filter(window, state=Attendance.UNEXCUSED)
    people = (absent.order_by().values("person_id").annotate(n=Count("roll__inspection", distinct=True))
              .filter(n__gte=min_checks).values("person_id"))
    offenders: dict[int, RepeatOffender] = {}
    for entry in (absent.filter(person_id__in=people).select_related("person", "person_unit", "roll__inspection")
                  .order_by(by_vietnamese("person__full_name"), "person_id", "roll__checked_at")):
        offender = offenders.setdefault(entry.person_id, RepeatOffender(
            name=entry.person.full_name, unit=entry.person_unit.name, person_id=entry.person_id, unit_id=None))
        offender.checks.append((entry.roll.inspection_id, entry.roll.inspection.code, entry.roll.inspection.title,
                                timezone.localtime(entry.roll.checked_at).date(), str(Attendance.UNEXCUSED.label)))
    not_met = CheckResult.objects.filter(window, outcome=CheckOutcome.NOT_MET)
    units = (not_met.order_by().values("roll__unit_id").annotate(n=Count("roll__inspection", distinct=True))
             .filter(n__gte=min_checks).values("roll__unit_id"))
    unit_offenders: dict[int, RepeatOffender] = {}
    for result in (not_met.filter(roll__unit_id__in=units).select_related("roll__unit", "roll__inspection", "item")
                   .order_by("roll__unit__name", "roll__unit_id", "roll__checked_at", "item__order")):
        offender = unit_offenders.setdefault(result.roll.unit_id, RepeatOffender(
            name=result.roll.unit.name, unit=result.roll.unit.name, person_id=None, unit_id=result.roll.unit_id))
        offender.checks.append((result.roll.inspection_id, result.roll.inspection.code, result.roll.inspection.title,
                                timezone.localtime(result.roll.checked_at).date(), result.item.name))
    return list(offenders.values()), list(unit_offenders.values())
