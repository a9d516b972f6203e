"""Emulation actions. Each one checks who may act, locks what it changes, refuses what does not
fit the period's state with a clear error, and keeps a history row (simple-history or a
PeriodEvent). Manual inputs bump the period's revision and queue a recompute."""

from __future__ import annotations

import operator
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from functools import reduce

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Case, Count, F, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import scope_for
from accounts.models import Unit, User
from core.errors import ConflictError, require, required_text
from core.rulebook import RuleRefusal
from core.transitions import advance, locked
from emulation import access, rules, scoring
from emulation.catalogue import DEFAULT_UNIT_CRITERIA
from emulation.models import (
    COMPUTABLE_STATUSES,
    PERIOD_ORDER,
    Award,
    BallotReceipt,
    BallotTally,
    Choice,
    CouncilSession,
    CriterionKind,
    Initiative,
    ManualScore,
    Nomination,
    NominationStatus,
    ObjectiveCause,
    Period,
    PeriodEvent,
    PeriodStatus,
    Rating,
    RatingLevel,
    RatingMode,
    RatingRuleSet,
    RecomputeRun,
    RecomputeStatus,
    SessionMember,
    SessionResult,
    SessionStatus,
    Title,
    TitleRule,
    UnitCriterion,
    UnitScore,
    Verdict,
)
from tasks import access as task_access
from tasks.models import Task

# Titles voted on under the body's own regulation when the session sets a threshold.
BASE_LEVEL_TITLES = (Title.LDTT, Title.CSTDCS, Title.GIAY_KHEN, Title.TAP_THE_LDTT, Title.TAP_THE_LDXS)


def _locked_period(period: Period) -> Period:
    """The period re-read under its row lock (core.transitions.locked)."""
    return locked(period)


def _event(period: Period, action: str, actor, note: str = "", data: dict | None = None, *,
           from_status: str = "", to_status: str = "") -> None:
    PeriodEvent.objects.create(period=period, action=action, actor=actor, note=note, data=data or {},
                               from_status=from_status, to_status=to_status)


def _refuse_unless(actor, record, action: str, refusal: str, code: str = "wrong_state") -> None:
    """After the who-check (403), the state-check: `action` must be one access.available_actions
    offers on `record` now, else the refusal (409)."""
    if action not in access.available_actions(actor, record):
        raise ConflictError(refusal, code=code)


def _frozen() -> str:
    return _("The period is frozen from the vote on: its inputs no longer change.")


def _require_computable(period: Period) -> None:
    if period.status not in COMPUTABLE_STATUSES:
        raise ConflictError(_frozen(), code="period_frozen")


def _input_changed(period: Period, actor) -> None:
    """A manual input changed: older computations must not write over it, and a new one is due."""
    Period.objects.filter(pk=period.pk).update(revision=F("revision") + 1)
    transaction.on_commit(lambda: recompute_request(actor=actor, period=period, check=False))


# -- periods ----------------------------------------------------------------------------------------


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


def quota_errors(period: Period) -> list[str]:
    """HTXS ≤ 20% of those rated HTT (25% in an agency rated HTXS), counted per agency — the
    department or commune People's Committee, not each of its divisions — and staff group (Decree
    335/2025; 233/2026): one message per group that is over, naming who is rated HTXS."""
    units = {unit.path: unit for unit in Unit.objects.filter(path__startswith=period.unit.path)
             .only("id", "path", "name", "kind")}
    kinds = {path: unit.kind for path, unit in units.items()}
    unit_levels = dict(UnitScore.objects.filter(period=period).values_list("unit_id", "level"))
    groups = defaultdict(list)
    for rating in Rating.objects.filter(period=period).select_related("person", "unit", "rule_set"):
        if rating.rule_set_id:
            agency = units.get(rules.quota_agency(rating.unit.path, kinds), rating.unit)
            groups[(agency.pk, rating.staff_group)].append((agency, rating))
    errors = []
    for members in groups.values():
        agency, first = members[0]
        levels = [(r.person.full_name, r.final_level) for _agency, r in members]
        try:
            rules.check_htxs_quota(levels, first.rule_set,
                                   excellent_unit=unit_levels.get(agency.pk) == RatingLevel.HTXS)
        except ValidationError as error:
            errors.append(f"{agency.name} ({first.get_staff_group_display()}): {error.messages[0]}")
    return errors


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
        errors = quota_errors(period)
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


# -- ratings -----------------------------------------------------------------------------------------


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


# -- nominations, sessions, ballots --------------------------------------------------------------------


def _verdict(period: Period, title: str, person: User | None, unit: Unit) -> Verdict | None:
    verdicts = Verdict.objects.filter(period=period, title=title)
    return (verdicts.filter(person=person) if person else verdicts.filter(person__isnull=True, unit=unit)).first()


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
    verdict = _verdict(period, title, person, unit)
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
def session_open(*, actor, period: Period, name: str, held_on: date, members: list[tuple[User, str]], quorum: int,
                 base_threshold_percent: int | None = None, nominations=None) -> CouncilSession:
    period = _locked_period(period)
    require(access.can_run(actor, period))
    _refuse_unless(actor, period, "open_session", _("Council sessions are held while the period is at the vote."))
    name = required_text(name, "name", _("Name the session."))
    if not members:
        raise ValidationError({"members": _("List the council members.")})
    scope = scope_for(actor)
    unseen = [user.full_name for user, _role in members if not scope.can_read_person(user)]
    if unseen:  # a seat opens the session's nominations to its holder: only people the actor reads
        raise ValidationError({"members": _("Not among the people you can see: %(names)s") % {
            "names": ", ".join(unseen)}})
    if len({user.pk for user, _role in members}) != len(members):
        raise ValidationError({"members": _("A member is listed twice.")})
    if not 1 <= quorum <= len(members):
        raise ValidationError({"quorum": _("The quorum is between 1 and the number of members.")})
    council_rule = rules.council_rule(held_on)
    if len(members) < council_rule.min_ballots:
        raise ValidationError({"members": _(
            "A session is counted on at least %(needed)d ballots (%(basis)s): list at least %(needed)d members.") % {
            "needed": council_rule.min_ballots, "basis": council_rule.legal_basis}})
    if base_threshold_percent is not None and not 1 <= base_threshold_percent <= 100:
        raise ValidationError({"base_threshold_percent": _("A percentage from 1 to 100.")})
    pending = Nomination.objects.filter(period=period, status=NominationStatus.PROPOSED).exclude(
        sessions__status=SessionStatus.OPEN)
    chosen = list(pending if nominations is None else pending.filter(pk__in=[n.pk for n in nominations]))
    if not chosen:
        raise ValidationError({"nominations": _("No nomination is waiting for a vote.")})
    session = CouncilSession.objects.create(period=period, name=name, held_on=held_on, quorum=quorum,
                                            base_threshold_percent=base_threshold_percent, opened_by=actor)
    SessionMember.objects.bulk_create([SessionMember(session=session, user=user, role=role) for user, role in members])
    session.nominations.set(chosen)
    # Every count exists, at zero, before the first ballot: no ballot ever adds a row.
    BallotTally.objects.bulk_create([BallotTally(session=session, nomination=nomination, choice=choice)
                                     for nomination in sorted(chosen, key=lambda n: n.pk) for choice in Choice.values])
    _event(period, "session_open", actor, name, {"session": session.pk, "nominations": len(chosen)})
    return session


def _locked_session(session: CouncilSession) -> CouncilSession:
    """The session re-read under its row lock: ballots and the close are serialised on it."""
    return locked(session)


@transaction.atomic
def session_set_presence(*, actor, session: CouncilSession, present_ids) -> CouncilSession:
    session = _locked_session(session)
    require(access.can_run(actor, session.period))
    _refuse_unless(actor, session, "record_presence", _("The session is closed."))
    present = {int(pk) for pk in present_ids}
    session.members.update(present=False)
    session.members.filter(user_id__in=present).update(present=True)
    return session


@transaction.atomic
def ballot_cast(*, actor, session: CouncilSession, choices: dict[int, str]) -> BallotReceipt:
    """A member's secret ballot: one choice per nomination, once. The receipt says that they voted;
    the tallies say how many chose what; nothing joins the two. An absent member's ballot is in
    writing. A member does not vote on their own nomination, nor on the unit they head."""
    session = _locked_session(session)  # ballots and the close are serialised on the session row
    seat = access.seat_of(actor, session)
    require(seat is not None)
    if session.status != SessionStatus.OPEN:
        raise ConflictError(_("The session is closed: ballots are no longer accepted."), code="session_closed")
    _refuse_unless(actor, session, "vote", _("You have already voted in this session."), code="already_voted")
    nomination_ids = set(session.nominations.values_list("pk", flat=True))
    recused = {pk for pk, users in access.recusals(session).items() if actor.pk in users}
    given = {int(k): v for k, v in choices.items()}
    if set(given) & recused:
        names = Nomination.objects.filter(pk__in=set(given) & recused).select_related("person", "unit")
        raise ValidationError({"choices": _(
            "You do not vote on a nomination of yourself or of the unit you head: %(names)s.") % {
            "names": ", ".join(sorted(n.subject_name for n in names))}})
    if set(given) != nomination_ids - recused:
        raise ValidationError({"choices": _("Give a choice for every nomination on the ballot.")})
    if any(choice not in Choice.values for choice in given.values()):
        raise ValidationError({"choices": _("Each choice is agree or disagree.")})
    try:
        with transaction.atomic():
            receipt = BallotReceipt.objects.create(session=session, member=actor, written=not seat.present)
    except IntegrityError:
        raise ConflictError(_("You have already voted in this session."), code="already_voted") from None
    _count_ballot(session, given)
    return receipt


def _count_ballot(session: CouncilSession, given: dict[int, str]) -> None:
    """Add one ballot to the session's tallies: ALL of its rows are rewritten, +1 where chosen and +0
    elsewhere, so which rows changed (and, on PostgreSQL, where their new versions lie and which
    transaction wrote them) is the same for every ballot. On SQLite the bytes a rewritten row leaves
    behind in its page are zeroed (secure_delete), not left for a copy of the file to read."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA secure_delete = ON")
    chosen = [Q(nomination_id=pk, choice=choice) for pk, choice in sorted(given.items())]
    add = Case(When(reduce(operator.or_, chosen), then=Value(1)), default=Value(0)) if chosen else Value(0)
    BallotTally.objects.filter(session=session).update(count=F("count") + add)


def _threshold(session: CouncilSession, rule: TitleRule, title: str, on: date) -> tuple[int, str]:
    """The share of all members a nomination needs, and where it comes from: the figure set for the
    session, else the body's own regulation (a local rule) for a base-level title, else the title
    rule (for base-level titles only a default, which its basis says)."""
    if session.base_threshold_percent and title in BASE_LEVEL_TITLES:
        return session.base_threshold_percent, _("Set for this session by the council: %(percent)d%% of all members.") % {
            "percent": session.base_threshold_percent}
    local = rules.local_vote_threshold(session.period.organisation_id, title, on) \
        if title in BASE_LEVEL_TITLES else None
    if local is not None:
        return local.percent, local.basis
    return rule.vote_threshold_percent, rule.vote_basis or rule.legal_basis


@transaction.atomic
def session_close(*, actor, session: CouncilSession, decision_number: str, decision_date: date,
                  minutes: str = "") -> CouncilSession:
    """Count the ballots over ALL members, keep within the title quotas, and record the decision."""
    session = _locked_session(session)
    period = session.period
    require(access.can_run(actor, period))
    _refuse_unless(actor, session, "close", _("The session is already closed."))
    decision_number = required_text(decision_number, "decision_number", _("Give the decision number."))
    if decision_date is None:
        raise ValidationError({"decision_date": _("Give the decision date.")})
    members = session.members.count()
    present = session.members.filter(present=True).count()
    if present < session.quorum:
        raise ValidationError({"quorum": _("%(present)d members present: the quorum is %(quorum)d.") % {
            "present": present, "quorum": session.quorum}})
    voted = session.receipts.count()
    council_rule = rules.council_rule(session.held_on)
    needed = rules.ballots_needed(council_rule, members)
    if voted < needed:  # a count of too few ballots would show how each of them voted
        raise ValidationError({"ballots": _(
            "Too few ballots to count: %(voted)d/%(members)d members have voted, at least %(needed)d are needed "
            "(%(basis)s). Counting fewer could reveal how each member voted.") % {
            "voted": voted, "members": members, "needed": needed, "basis": council_rule.legal_basis}})
    tally = defaultdict(lambda: defaultdict(int))
    for row in BallotTally.objects.filter(session=session).values("nomination_id", "choice", "count"):
        tally[row["nomination_id"]][row["choice"]] = row["count"]
    recused = access.recusals(session)
    nominations = list(session.nominations.select_related("person", "unit").filter(status=NominationStatus.PROPOSED))
    title_rules = {title: rules.title_rule(title, decision_date) for title in {n.title for n in nominations}}
    thresholds = {title: _threshold(session, rule, title, decision_date) for title, rule in title_rules.items()}
    results, passed_by_title = [], defaultdict(list)
    for nomination in nominations:
        rule = title_rules[nomination.title]
        threshold, threshold_basis = thresholds[nomination.title]
        yes, no = tally[nomination.pk][Choice.YES], tally[nomination.pk][Choice.NO]
        # Counted over ALL members entitled to vote on the nomination (DOMAIN.md §4), absent ones
        # included. A member who is the nominee, or heads the nominated unit, does not vote on it and
        # is not among its members: counting them would turn their standing aside into a "no".
        entitled = members - len(recused.get(nomination.pk, ()))
        outcome = rules.VoteResult(yes, entitled, threshold, threshold_basis)
        results.append(SessionResult(session=session, nomination=nomination, yes=yes, no=no,
                                     not_voted=entitled - yes - no, members=entitled, threshold_percent=threshold,
                                     passed=outcome.passed, basis=threshold_basis[:300]))
        if outcome.passed:
            passed_by_title[nomination.title].append((yes, nomination))
    awarded_before = {row["title"]: row["n"] for row in Award.objects.filter(period=period, revoked_at__isnull=True)
                      .values("title").annotate(n=Count("id")).order_by()}
    awarded = {title: awarded_before.get(title, 0) + len(passed_by_title.get(title, []))
               for title in Title.values}
    winners = []
    for title, passed in passed_by_title.items():
        rule = title_rules[title]
        allowed = rules.title_quota_max(rule, awarded)
        passed.sort(key=lambda item: -item[0])
        if allowed is not None:
            room = max(allowed - awarded_before.get(title, 0), 0)
            if len(passed) > room and room > 0 and passed[room - 1][0] == passed[room][0]:
                tied = [n.subject_name for yes, n in passed if yes == passed[room][0]]
                raise ValidationError({"nominations": _(
                    "%(title)s: at most %(allowed)d (%(percent)d%% of %(base)d %(of)s); the votes tie between "
                    "%(names)s — the council must choose.") % {
                    "title": Title(title).label, "allowed": allowed, "percent": rule.quota_percent,
                    "base": awarded.get(rule.quota_of, 0), "of": Title(rule.quota_of).label, "names": ", ".join(tied)}})
            for _yes, nomination in passed[room:]:
                result = next(r for r in results if r.nomination is nomination)
                result.passed = False
                result.basis = _("Over the quota: at most %(allowed)d (%(percent)d%% of %(of)s). %(basis)s") % {
                    "allowed": allowed, "percent": rule.quota_percent, "of": Title(rule.quota_of).label,
                    "basis": rule.legal_basis}
            passed = passed[:room]
        winners.extend(nomination for _yes, nomination in passed)
    SessionResult.objects.bulk_create(results)
    winner_ids = {n.pk for n in winners}
    for n in winners:  # one by one, so each award's history starts with its creation
        Award.objects.create(period=period, nomination=n, session=session, title=n.title, person=n.person,
                             unit=n.unit, decision_number=decision_number, decision_date=decision_date)
    for nomination in nominations:  # one by one, so each keeps its history row
        nomination.status = NominationStatus.AWARDED if nomination.pk in winner_ids else NominationStatus.NOT_AWARDED
        nomination.save(update_fields=["status"])
    advance(session, allowed=(SessionStatus.OPEN,), to=SessionStatus.CLOSED,
            wrong_state=_("The session is already closed."), closed_by=actor, closed_at=timezone.now(),
            decision_number=decision_number, decision_date=decision_date, minutes=minutes.strip())
    session.save(update_fields=["status"])  # the session's own history (simple-history) keeps the close
    _event(period, "session_close", actor, decision_number, {"session": session.pk, "awards": len(winners),
                                                             "ballots": voted, "members": members,
                                                             "ballots_needed": needed,
                                                             "quorum_basis": council_rule.legal_basis})
    return session


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

