"""Disciplinary decisions: opened, paused, issued under the rules of their date, announced, withdrawn;
a Party and a State decision on one act count once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Unit, User
from accounts.selectors import heads_of
from core import dates
from core.codes import next_code
from core.errors import ConflictError, require, required_text
from core.rulebook import RuleRefusal
from core.transitions import advance, locked
from inspections import rules
from inspections.access import can_announce, can_decide_discipline, decisions_visible_to, findings_visible_to
from inspections.models import (
    DecisionStatus,
    DisciplinaryDecision,
    DisciplineForm,
    DisciplineFormRule,
    DisciplinePause,
    DisciplineSystem,
    Finding,
    FindingStatus,
    PartySubject,
    PauseKind,
)
from inspections.services._common import _event, _notify, _today
from tasks.services import task_issue


def _decision_url(decision: DisciplinaryDecision) -> str:
    return reverse("inspections:decision", args=[decision.pk])


def _check_decision_findings(actor, findings: list[Finding], *, subject: User | None, unit: Unit, system: str):
    visible = set(findings_visible_to(actor).filter(pk__in=[f.pk for f in findings]).values_list("pk", flat=True))
    for finding in findings:
        if finding.pk not in visible:
            raise ValidationError({"findings": _("Finding %(code)s is outside your remit.") % {"code": finding.code}})
        about_subject = (finding.subject_person_id == subject.pk if subject is not None
                         else finding.subject_person_id is None and finding.subject_unit_id == unit.pk)
        if not about_subject:
            raise ValidationError({"findings": _("Finding %(code)s is about someone else.") % {"code": finding.code}})
        if finding.status == FindingStatus.WITHDRAWN:
            raise ValidationError({"findings": _("Finding %(code)s was withdrawn.") % {"code": finding.code}})
        if finding.decisions.filter(system=system).exclude(status=DecisionStatus.WITHDRAWN).exists():
            raise ValidationError({"findings": _(
                "Finding %(code)s is already handled by another decision: one violation, one form, once.")
                % {"code": finding.code}})


@transaction.atomic
def decision_open(*, actor, subject: User | None, summary: str, discovered_on: date, findings: list[Finding] = (),
                  violation_date: date | None = None, complex_case: bool = False,
                  system: str = DisciplineSystem.STATE, party_subject: str = "", subject_unit: Unit | None = None,
                  opened_on: date | None = None, same_act_as: DisciplinaryDecision | None = None) -> DisciplinaryDecision:
    """Open a disciplinary proceeding on recorded findings (or on a violation known otherwise): on
    an official, or, in Party discipline, on a Party organisation (`subject_unit`, no subject).
    `opened_on` (today by default) is the date whose rules the case keeps if they change.
    `same_act_as` is the other system's decision (Party or State) on the same act; it is found by
    itself when a linked finding is already handled by one."""
    summary = required_text(summary, "summary", _("Describe the violations considered."))
    if system not in DisciplineSystem.values:
        raise ValidationError({"system": _("Choose state or Party discipline.")})
    if system == DisciplineSystem.STATE:
        party_subject = ""
    elif party_subject not in PartySubject.values:
        party_subject = PartySubject.ORGANISATION if subject is None and subject_unit is not None else PartySubject.MEMBER
    if party_subject == PartySubject.ORGANISATION:
        if subject_unit is None:
            raise ValidationError({"subject_unit": _("Choose the Party organisation concerned.")})
        subject, unit = None, subject_unit
    else:
        if subject is None:
            raise ValidationError({"subject": _("Choose the official concerned.")})
        if subject.unit is None:
            raise ValidationError({"subject": _("%(name)s belongs to no unit.") % {"name": subject}})
        unit = subject.unit
    require(can_decide_discipline(actor, unit))
    findings = list(dict.fromkeys(findings))
    _check_decision_findings(actor, findings, subject=subject, unit=unit, system=system)
    if findings:
        violation_date = min(timezone.localtime(f.occurred_at).date() for f in findings)
    if violation_date is None:
        raise ValidationError({"violation_date": _("Enter the date of the violation.")})
    if discovered_on is None or discovered_on < violation_date or discovered_on > _today():
        raise ValidationError({"discovered_on": _("The discovery date lies between the violation and today.")})
    opened_on = opened_on or _today()
    if opened_on < discovered_on or opened_on > _today():
        raise ValidationError({"opened_on": _("The proceeding opens between the discovery and today.")})
    # A Party organisation's discipline is no person's act: nothing to count once with a State decision.
    same_act_as = _same_act(actor, subject, system, findings, same_act_as) if subject is not None else None
    decision = DisciplinaryDecision.objects.create(
        code=next_code(DisciplinaryDecision, "KL"), system=system, subject=subject, subject_unit=unit,
        staff_group=subject.staff_group if subject else "", party_subject=party_subject,
        subject_is_leader=subject.is_leader if subject else False, summary=summary, discovered_on=discovered_on,
        opened_on=opened_on, complex_case=complex_case, violation_date=violation_date, same_act_as=same_act_as,
        created_by=actor)
    decision.findings.set(findings)
    _event(decision=decision, action="open_proceeding", actor=actor, to_status=decision.status,
           data={"findings": [f.code for f in findings]})
    return decision


def _same_act(actor, subject: User, system: str, findings: list[Finding],
              chosen: DisciplinaryDecision | None) -> DisciplinaryDecision | None:
    """The first decision of the act this new one shares: the chosen one, or the other system's
    decision on one of its findings. Always the act's first decision, so an act is one small group."""
    if chosen is None:
        chosen = (DisciplinaryDecision.objects.filter(findings__in=findings).exclude(system=system)
                  .exclude(status=DecisionStatus.WITHDRAWN).order_by("id").first()) if findings else None
        if chosen is None:
            return None
    elif not decisions_visible_to(actor).filter(pk=chosen.pk).exists():
        raise ValidationError({"same_act_as": _("That decision is outside your remit.")})
    if chosen.subject_id != subject.pk:
        raise ValidationError({"same_act_as": _("Decision %(code)s is about someone else.") % {"code": chosen.code}})
    if chosen.system == system:
        raise ValidationError({"same_act_as": _(
            "Decision %(code)s is of the same system: the same act is disciplined once in each system.")
            % {"code": chosen.code}})
    if chosen.status == DecisionStatus.WITHDRAWN:
        raise ValidationError({"same_act_as": _("Decision %(code)s was withdrawn.") % {"code": chosen.code}})
    return chosen.same_act_as or chosen


def _lock_acts_of(person_id: int | None) -> None:
    """Issuing or withdrawing a decision recounts the other decisions of its act, all of one person:
    their person's row is locked first, so two decisions of one act never recount at the same time
    (and every such transaction takes its locks in the same order)."""
    if person_id is not None:
        list(User.objects.select_for_update(no_key=True).filter(pk=person_id).values_list("pk", flat=True))


def _recount_act(decision: DisciplinaryDecision) -> None:
    """A Party and a State decision on the same act count once, whatever their years: every issued
    decision of the act counts in the year of its first issued one (DOMAIN.md §2, §7)."""
    first_id = decision.same_act_as_id or decision.pk
    act = DisciplinaryDecision.objects.filter(Q(pk=first_id) | Q(same_act_as_id=first_id))
    issued = act.filter(status=DecisionStatus.ISSUED)
    first_day = issued.order_by("decision_date").values_list("decision_date", flat=True).first()
    issued.update(counted_in_year=first_day.year if first_day else None)
    act.exclude(status=DecisionStatus.ISSUED).update(counted_in_year=None)


@transaction.atomic
def decision_add_pause(*, actor, decision: DisciplinaryDecision, kind: str, starts_on: date,
                       ends_on: date | None = None, note: str = "") -> DisciplinePause:
    """Time that does not count (the case may not be considered, criminal proceedings, a complaint):
    neither the limitation nor the processing time runs."""
    locked(decision)
    require(can_decide_discipline(actor, decision.subject_unit))
    if decision.status != DecisionStatus.PROCEEDING:
        raise ConflictError(_("Pauses are recorded while the case is under consideration."), code="wrong_state")
    if kind not in PauseKind.values:
        raise ValidationError({"kind": _("Choose the reason for the pause.")})
    if starts_on is None or starts_on < decision.violation_date:
        raise ValidationError({"starts_on": _("A pause starts on or after the date of the violation.")})
    if ends_on is not None and ends_on < starts_on:
        raise ValidationError({"ends_on": _("The pause ends before it starts.")})
    if rules.pauses_overlap(list(decision.pauses.all()), starts_on, ends_on):
        raise ValidationError({"starts_on": _("This pause overlaps another one.")})
    pause = DisciplinePause.objects.create(decision=decision, kind=kind, starts_on=starts_on, ends_on=ends_on,
                                           note=note.strip()[:300], created_by=actor)
    _event(decision=decision, action="pause", actor=actor, note=note.strip(),
           data={"kind": kind, "from": starts_on.isoformat(), "to": ends_on.isoformat() if ends_on else None})
    return pause


@dataclass(frozen=True)
class IssueChecks:
    rule: DisciplineFormRule  # the form rule applied
    rules: rules.CaseRules
    limitation: rules.Limitation
    warnings: list[str]


def issue_checks(decision: DisciplinaryDecision, *, form: str, decision_date: date, warranted_form: str = "",
                 violation_count: int | None = None) -> IssueChecks:
    """What issuing `form` on `decision_date` means, or a ValidationError. `warranted_form` is the
    form the (heaviest) violation warrants on its own, `violation_count` how many violations the
    case considers (by default its findings, at least one)."""
    case = rules.case_rules(decision, decision_date)
    rule = rules.check_form(system=decision.system, staff_group=decision.staff_group,
                            is_leader=decision.subject_is_leader, form=form, on=decision_date,
                            party_subject=decision.party_subject, rules=case.forms)
    if warranted_form and warranted_form not in case.ladder:
        raise ValidationError({"warranted_form": _("“%(form)s” is not a form of discipline for this case.")
                               % {"form": DisciplineForm(warranted_form).label if warranted_form in DisciplineForm.values
                                  else warranted_form}})
    findings = list(decision.findings.select_related("violation_type"))
    pauses = list(decision.pauses.all())
    later = rules.later_violation_dates(decision.subject_id, decision.violation_date) if decision.subject_id else []
    limitation = rules.limitation_for(
        violation_date=decision.violation_date, decision_date=decision_date, form=form, later_violations=later,
        no_limitation=any(f.violation_type.no_limitation for f in findings), pauses=pauses, rule_set=case.rule_set)
    if not limitation.allows(decision_date):
        raise RuleRefusal({"decision_date": _("Past the statute of limitations: %(why)s") % {"why": limitation.describe()}},
                          rules=[limitation.rule_set])
    if violation_count is not None and violation_count < 1:
        raise ValidationError({"violation_count": _("A case considers at least one violation.")})
    warnings = list(case.notes)
    window = rules.processing_window(decision, today=decision_date)
    if window and decision_date > window.due_on:
        warnings.append(_("Decided after the processing time: due by %(day)s (%(days)d days, %(paused)d paused; "
                          "%(basis)s).") % {"day": dates.dmy(window.due_on), "days": window.days,
                                            "paused": window.paused, "basis": window.basis})
    in_force = list(rules.decisions_in_force(decision.subject_id, decision.violation_date, system=decision.system)
                    .exclude(pk=decision.pk)) if decision.subject_id else []
    # Without the form the violations warrant, the form chosen stands for it: several violations
    # cannot be checked, and a discipline in force only as far as "one level above it".
    count = (violation_count or max(len(findings), 1)) if warranted_form else 1
    advice = rules.form_advice(rules=case, warranted_form=warranted_form or form, violation_count=count,
                               in_force=in_force, warranted_known=bool(warranted_form))
    if rules.is_lighter(form, advice.form, case.ladder):
        warnings.append(_("The rules call for at least “%(form)s”: %(why)s")
                        % {"form": DisciplineForm(advice.form).label, "why": " ".join(advice.reasons)})
    return IssueChecks(rule, case, limitation, warnings)


@transaction.atomic
def decision_issue(*, actor, decision: DisciplinaryDecision, form: str, number: str, decision_date: date,
                   signer: str, effective_from: date | None = None, public_duty: bool = True,
                   warranted_form: str = "", violation_count: int | None = None,
                   announced_on: date | None = None) -> DisciplinaryDecision:
    """Issue the decision under the rules the case is decided by; warnings are kept with it. A Party
    decision's announcement date starts the state follow-up (or is recorded later). `public_duty`:
    the violation is related to public duty, so the discipline forces the year's rating to KHT."""
    number = required_text(number, "number", _("Enter the decision number."))
    signer = required_text(signer, "signer", _("Enter who signed the decision."))
    if decision_date is None or decision_date > _today():
        raise ValidationError({"decision_date": _("Enter the decision date (not in the future).")})
    _lock_acts_of(decision.subject_id)
    locked(decision)
    require(can_decide_discipline(actor, decision.subject_unit))
    if decision.status != DecisionStatus.PROCEEDING:
        raise ConflictError(_("This decision has already been issued or withdrawn."), code="wrong_state")
    if decision_date < decision.discovered_on:
        raise ValidationError({"decision_date": _("The decision cannot precede the discovery of the violation.")})
    _check_announcement(decision, announced_on, decision_date)
    checks = issue_checks(decision, form=form, decision_date=decision_date, warranted_form=warranted_form,
                          violation_count=violation_count)
    rule, warnings = checks.rule, checks.warnings
    effective_from = effective_from or decision_date
    effect_until, salary_delay_until = rules.discipline_effect(rule, effective_from)
    fields = {
        "form": form, "form_rule": rule, "rule_set": checks.rules.rule_set,
        "number": number, "decision_date": decision_date, "signer": signer, "effective_from": effective_from,
        "announced_on": announced_on,
        "effect_until": effect_until, "salary_delay_until": salary_delay_until,
        "public_duty": bool(public_duty),
        "warnings": warnings,
    }
    advance(decision, allowed=(DecisionStatus.PROCEEDING,), to=DecisionStatus.ISSUED,
            wrong_state=_("This decision has already been issued or withdrawn."),
            changed_meanwhile=_("Someone else issued this decision at the same moment."), **fields)
    _recount_act(decision)
    decision.refresh_from_db(fields=["counted_in_year"])
    _event(decision=decision, action="issue", actor=actor, from_status=DecisionStatus.PROCEEDING,
           to_status=DecisionStatus.ISSUED, data={"form": form, "rule": rule.pk, "rule_set": checks.rules.rule_set.pk,
                                                  "kept_rule_set": checks.rules.kept.pk, "warnings": warnings,
                                                  "public_duty": decision.public_duty,
                                                  "counted_in_year": decision.counted_in_year})
    if decision.subject is None:
        return decision
    _notify([decision.subject], "decision.issued", _("Disciplinary decision %(number)s: %(form)s")
            % {"number": number, "form": decision.get_form_display()}, target=decision, url=_decision_url(decision))
    if decision.system == DisciplineSystem.PARTY:
        if announced_on is None:
            _add_warning(decision, _("Record the date the decision is announced: the state discipline is "
                                     "considered from it."))
        else:
            _follow_party_discipline(actor, decision)
    elif decision.subject.is_party_member:
        _notify([actor], "decision.notify_party", _(
            "%(name)s is a Party member: notify their Party organisation of decision %(number)s within %(days)d days.")
            % {"name": decision.subject, "number": number, "days": rules.PARTY_NOTICE_DAYS}, target=decision,
            url=_decision_url(decision))
    return decision


def _check_announcement(decision: DisciplinaryDecision, announced_on: date | None, decision_date: date) -> None:
    if announced_on is None:
        return
    if decision.system != DisciplineSystem.PARTY:
        raise ValidationError({"announced_on": _("Only a Party decision's announcement is recorded here.")})
    if announced_on < decision_date or announced_on > _today():
        raise ValidationError({"announced_on": _("The announcement lies between the decision date and today.")})


@transaction.atomic
def decision_announce(*, actor, decision: DisciplinaryDecision, announced_on: date) -> DisciplinaryDecision:
    """Record when a Party decision on an official was announced: the state follow-up runs from it."""
    locked(decision)
    require(can_decide_discipline(actor, decision.subject_unit))
    if not can_announce(decision):
        raise ConflictError(_("Only the announcement of an issued Party decision on an official, once."),
                            code="wrong_state")
    if announced_on is None:
        raise ValidationError({"announced_on": _("Enter the date the decision was announced.")})
    _check_announcement(decision, announced_on, decision.decision_date)
    if DisciplinaryDecision.objects.filter(pk=decision.pk, announced_on__isnull=True).update(
            announced_on=announced_on) != 1:
        raise ConflictError(_("Someone else recorded the announcement at the same moment."))
    decision.announced_on = announced_on
    _event(decision=decision, action="announce", actor=actor, data={"announced_on": announced_on.isoformat()})
    _follow_party_discipline(actor, decision)
    return decision


def _add_warning(decision: DisciplinaryDecision, warning: str) -> None:
    decision.warnings = [*decision.warnings, warning]
    DisciplinaryDecision.objects.filter(pk=decision.pk).update(warnings=decision.warnings)


def _follow_party_discipline(actor, decision: DisciplinaryDecision) -> None:
    """A state discipline is considered within the days the Party rule set gives (30) of the Party
    decision's announcement: a 5-rõ task for the head of the subject's unit (or of the unit above
    when the subject heads it)."""
    due_day, rule_set = rules.state_follow_up_due(decision)
    due = rules.due_at(due_day)
    days = rule_set.state_follow_up_days
    if due <= timezone.now():
        _add_warning(decision, _("The %(days)d days to consider state discipline have already passed (%(basis)s).")
                     % {"days": days, "basis": rule_set.state_follow_up_basis})
        return
    unit = decision.subject_unit
    heads = [h for h in heads_of(unit) if h.pk != decision.subject_id]
    parent = Unit.objects.get_parent(unit)
    if not heads and parent is not None:
        unit, parent = parent, Unit.objects.get_parent(parent)
        heads = heads_of(unit)
    if not heads:
        _add_warning(decision, _("No head found to consider state discipline: assign it by hand."))
        return
    task = task_issue(assigner=actor, assigning_unit=parent or unit, data={
        "title": (_("Consider state discipline for %(name)s") % {"name": decision.subject})[:300],
        "content": _("Party discipline %(number)s of %(day)s (%(form)s), announced on %(announced)s: consider the "
                     "state discipline by %(due)s (%(basis)s).")
        % {"number": decision.number, "day": dates.dmy(decision.decision_date), "form": decision.get_form_display(),
           "announced": dates.dmy(decision.announced_on), "due": dates.dmy(due_day),
           "basis": rule_set.state_follow_up_basis},
        "source_number": decision.number, "source_date": decision.decision_date,
        "source_issuer": decision.signer[:200], "lead": heads[0], "lead_unit": unit,
        "process_description": _("1. Review the case; 2. convene the discipline council if required; 3. decide."),
        "reporting_regime": _("Report the decision when taken"), "deadline": due,
        "responsibility": _("The disciplining authority answers for considering the case in time."),
        "product_type": _("Decision"), "product_description": _("A disciplinary decision or a reasoned conclusion"),
        "expected_result": _("The state discipline is considered and decided in time."),
        "acceptance_criterion": _("A decision (or a reasoned conclusion not to discipline) is recorded."),
        "authority_basis": _("Party discipline %(number)s") % {"number": decision.number},
        "lead_may_decide": _("Whether a discipline council is needed"),
    }, note=decision.code)
    _event(decision=decision, action="remediation_task", actor=actor, data={"task": task.pk, "code": task.code})


@transaction.atomic
def decision_record(*, actor, subject: User | None, summary: str, discovered_on: date, form: str, number: str,
                    decision_date: date, signer: str, findings: list[Finding] = (), violation_date: date | None = None,
                    complex_case: bool = False, system: str = DisciplineSystem.STATE, party_subject: str = "",
                    subject_unit: Unit | None = None, opened_on: date | None = None,
                    effective_from: date | None = None, public_duty: bool = True,
                    same_act_as: DisciplinaryDecision | None = None,
                    warranted_form: str = "", violation_count: int | None = None,
                    announced_on: date | None = None) -> DisciplinaryDecision:
    """Enter a decision already taken: open and issue in one transaction (nothing kept if refused).
    Without `opened_on` the case is taken as opened on its decision date."""
    if opened_on is None and decision_date and discovered_on and discovered_on <= decision_date <= _today():
        opened_on = decision_date
    decision = decision_open(actor=actor, subject=subject, summary=summary, discovered_on=discovered_on,
                             findings=findings, violation_date=violation_date, complex_case=complex_case, system=system,
                             party_subject=party_subject, subject_unit=subject_unit, opened_on=opened_on,
                             same_act_as=same_act_as)
    return decision_issue(actor=actor, decision=decision, form=form, number=number, decision_date=decision_date,
                          signer=signer, effective_from=effective_from, public_duty=public_duty,
                          warranted_form=warranted_form,
                          violation_count=violation_count, announced_on=announced_on)


@transaction.atomic
def decision_withdraw(*, actor, decision: DisciplinaryDecision, reason: str) -> DisciplinaryDecision:
    """Never deleted: a withdrawn decision stays in the register with the reason, who and when."""
    reason = required_text(reason, "reason", _("Give the reason for withdrawing."))
    _lock_acts_of(decision.subject_id)
    locked(decision)
    require(can_decide_discipline(actor, decision.subject_unit))
    already_withdrawn = _("This decision is already withdrawn.")
    previous = advance(decision, allowed=(DecisionStatus.PROCEEDING, DecisionStatus.ISSUED),
                       to=DecisionStatus.WITHDRAWN, wrong_state=already_withdrawn, changed_meanwhile=already_withdrawn,
                       withdrawn_reason=reason)
    _recount_act(decision)  # the act's other decision now counts in its own year
    _event(decision=decision, action="withdraw", actor=actor, note=reason, from_status=previous,
           to_status=DecisionStatus.WITHDRAWN)
    _notify([decision.subject], "decision.withdrawn", _("Disciplinary decision %(number)s was withdrawn.")
            % {"number": decision.number or decision.code}, target=decision, url=_decision_url(decision))
    return decision
