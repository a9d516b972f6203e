"""Council sessions: opened on the pending nominations, presence, the secret ballot, and the close
that counts the ballots over all members within the title quotas and records the decision."""

from __future__ import annotations

import operator
from collections import defaultdict
from datetime import date
from functools import reduce

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Case, Count, F, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import scope_for
from accounts.models import User
from core.errors import ConflictError, require, required_text
from core.transitions import advance, locked
from emulation import access, rules
from emulation.models import (
    Award,
    BallotReceipt,
    BallotTally,
    Choice,
    CouncilSession,
    Nomination,
    NominationStatus,
    Period,
    SessionMember,
    SessionResult,
    SessionStatus,
    Title,
    TitleRule,
)
from emulation.services._common import _event, _locked_period, _refuse_unless


# Titles voted on under the body's own regulation when the session sets a threshold.
BASE_LEVEL_TITLES = (Title.LDTT, Title.CSTDCS, Title.GIAY_KHEN, Title.TAP_THE_LDTT, Title.TAP_THE_LDXS)


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
