"""Nominations, council sessions and the secret ballot; awards, revocation flags (DOMAIN.md §4, §7)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models

from core.errors import ConflictError
from emulation import jobs, scoring, services
from emulation.models import (
    Award,
    BallotReceipt,
    BallotTally,
    MemberRole,
    NominationStatus,
    PeriodStatus,
    Rating,
    RevocationFlag,
    SessionResult,
    Title,
)
from inspections import services as inspections
from tests.emulation.conftest import AFTER_THE_YEAR, at, day, task_row
from tests.factories import UserFactory
from tests.tasks.test_concurrency import race
from tests.inspections.conftest import violation

pytestmark = pytest.mark.django_db


def rated_people(world, period, n, *, points=15):
    """n officials of the division rated HTT on one task done on time."""
    people = [UserFactory(full_name=f"Cán bộ {i:02d}", unit=world.division) for i in range(n)]
    for person in people:
        task_row(person, deadline=at(3, 1))
    scoring.compute_period(period, now=AFTER_THE_YEAR)
    for person in people:
        services.rating_set_general(actor=world.head_dept, rating=Rating.objects.get(period=period, person=person),
                                    points=points, note="Đạt")
    scoring.compute_period(period, now=AFTER_THE_YEAR)
    return people


def to_voting(period, secretary):
    for step in (PeriodStatus.SCORING, PeriodStatus.REVIEW, PeriodStatus.VOTING):
        period = services.period_advance(actor=secretary, period=period, to=step)
    return period


def members(n, unit):
    """Council members working in `unit` (a seat goes only to someone the secretary can see)."""
    return [UserFactory(full_name=f"Thành viên {i:02d}", unit=unit) for i in range(n)]


def open_session(secretary, period, council, **extra):
    seats = [(council[0], MemberRole.CHAIR), (council[1], MemberRole.SECRETARY)] + [
        (m, MemberRole.MEMBER) for m in council[2:]]
    return services.session_open(actor=secretary, period=period, name="Phiên họp Hội đồng TĐKT", held_on=day(12, 20),
                                 members=seats, quorum=len(council) // 2 + 1, **extra)


def test_a_vote_is_counted_over_all_members_absent_ones_included(world, period, secretary):
    person = rated_people(world, period, 1)[0]
    period = to_voting(period, secretary)
    nomination = services.nomination_create(actor=world.head_dept, period=period, title=Title.LDTT, person=person)
    council = members(10, world.dept)
    session = open_session(secretary, period, council, base_threshold_percent=90)
    services.session_set_presence(actor=secretary, session=session, present_ids=[m.pk for m in council[:8]])
    for member in council[:8]:  # all 8 present agree: 100% of those present, 80% of all members
        services.ballot_cast(actor=member, session=session, choices={nomination.pk: "yes"})
    services.session_close(actor=secretary, session=session, decision_number="12/QĐ-HĐTĐKT",
                           decision_date=day(12, 22))
    result = SessionResult.objects.get(session=session)
    assert (result.yes, result.members, result.threshold_percent, result.passed) == (8, 10, 90, False)
    assert not Award.objects.exists()


def test_an_absent_member_votes_in_writing_and_the_ninth_vote_carries_it(world, period, secretary):
    person = rated_people(world, period, 1)[0]
    period = to_voting(period, secretary)
    nomination = services.nomination_create(actor=world.head_dept, period=period, title=Title.LDTT, person=person)
    council = members(10, world.dept)
    session = open_session(secretary, period, council, base_threshold_percent=90)
    services.session_set_presence(actor=secretary, session=session, present_ids=[m.pk for m in council[:8]])
    for member in council[:9]:
        services.ballot_cast(actor=member, session=session, choices={nomination.pk: "yes"})
    assert BallotReceipt.objects.get(session=session, member=council[8]).written
    services.session_close(actor=secretary, session=session, decision_number="13/QĐ-HĐTĐKT",
                           decision_date=day(12, 22))
    award = Award.objects.get()
    assert (award.person, award.title, award.decision_number) == (person, Title.LDTT, "13/QĐ-HĐTĐKT")
    assert award.nomination.status == NominationStatus.AWARDED


def test_the_ballot_is_secret_and_cast_once(world, period, secretary):
    people = rated_people(world, period, 2)
    period = to_voting(period, secretary)
    first, second = (services.nomination_create(actor=world.head_dept, period=period, title=Title.LDTT, person=p)
                     for p in people)
    council = members(3, world.dept)
    session = open_session(secretary, period, council)
    services.ballot_cast(actor=council[0], session=session, choices={first.pk: "yes", second.pk: "no"})
    services.ballot_cast(actor=council[1], session=session, choices={first.pk: "no", second.pk: "yes"})
    with pytest.raises(ConflictError):
        services.ballot_cast(actor=council[0], session=session, choices={first.pk: "no", second.pk: "no"})
    with pytest.raises(ValidationError):  # every nomination gets a choice
        services.ballot_cast(actor=council[2], session=session, choices={first.pk: "yes"})
    with pytest.raises(PermissionDenied):
        services.ballot_cast(actor=world.staff_division, session=session, choices={first.pk: "yes", second.pk: "no"})
    # Nothing stored joins a choice to a voter: counts without user, time or history; no row per
    # ballot (the whole database and a backup are read in tests/emulation/test_ballot_secrecy.py).
    relations = {f.related_model for f in BallotTally._meta.get_fields() if f.is_relation}
    assert relations == {type(session), type(first)}
    assert not any(isinstance(f, (models.DateTimeField, models.DateField)) for f in BallotTally._meta.get_fields())
    assert not hasattr(BallotTally, "history")
    assert {f.name for f in BallotReceipt._meta.get_fields()} == {"id", "session", "member", "written"}
    counts = {(t.nomination_id, t.choice): t.count for t in BallotTally.objects.filter(session=session)}
    assert counts == {(first.pk, "yes"): 1, (first.pk, "no"): 1, (second.pk, "yes"): 1, (second.pk, "no"): 1}
    assert BallotReceipt.objects.filter(session=session).count() == 2


def test_cstdcs_is_kept_within_15_percent_of_ldtt_the_council_choosing_by_votes(world, period, secretary):
    people = rated_people(world, period, 7)
    for person in people[:2]:
        services.initiative_record(actor=world.head_dept, period=period, person=person, title="Số hóa hồ sơ",
                                   recognition="05/QĐ-SNV ngày 10/10/2026")
    scoring.compute_period(period, now=AFTER_THE_YEAR)
    period = to_voting(period, secretary)
    council = members(5, world.dept)
    ldtt = [services.nomination_create(actor=world.head_dept, period=period, title=Title.LDTT, person=p)
            for p in people]
    cstdcs = [services.nomination_create(actor=world.head_dept, period=period, title=Title.CSTDCS, person=p)
              for p in people[:2]]
    with pytest.raises(ValidationError):  # no initiative: the rules refuse the nomination
        services.nomination_create(actor=world.head_dept, period=period, title=Title.CSTDCS, person=people[2])
    session = open_session(secretary, period, council)
    for index, member in enumerate(council):
        choices = {n.pk: "yes" for n in ldtt}
        choices[cstdcs[0].pk] = "yes"
        choices[cstdcs[1].pk] = "yes" if index < 4 else "no"
        services.ballot_cast(actor=member, session=session, choices=choices)
    services.session_close(actor=secretary, session=session, decision_number="20/QĐ", decision_date=day(12, 22))
    # 7 LĐTT → at most 1 CSTĐCS (15%): the one with more votes.
    assert Award.objects.filter(title=Title.LDTT).count() == 7
    assert list(Award.objects.filter(title=Title.CSTDCS).values_list("person", flat=True)) == [people[0].pk]
    over = SessionResult.objects.get(nomination=cstdcs[1])
    assert not over.passed and "1" in over.basis


def test_a_finding_recorded_after_the_freeze_flags_the_award_for_revocation(world, period, secretary, inspectorate,
                                                                           make_inspection):
    person = rated_people(world, period, 1)[0]
    period = to_voting(period, secretary)
    nomination = services.nomination_create(actor=world.head_dept, period=period, title=Title.LDTT, person=person)
    council = members(3, world.dept)
    session = open_session(secretary, period, council)
    for member in council:
        services.ballot_cast(actor=member, session=session, choices={nomination.pk: "yes"})
    services.session_close(actor=secretary, session=session, decision_number="30/QĐ", decision_date=day(12, 22))
    award = Award.objects.get()
    assert jobs.revocation_flags() == 0
    inspection = make_inspection()
    inspections.finding_record(actor=inspectorate.leader, inspection=inspection, data={
        "subject_person": person, "subject_unit": person.unit, "violation_type": violation("VANG_KHONG_LY_DO"),
        "occurred_at": at(6, 15, 8), "description": "Vắng mặt không lý do", "location": "Phòng Tổ chức"})
    assert jobs.revocation_flags() == 1
    assert jobs.revocation_flags() == 0  # raised once
    flag = RevocationFlag.objects.get()
    assert flag.award == award
    services.award_revoke(actor=secretary, award=award, reason="Vi phạm trong kỳ khen thưởng")
    award.refresh_from_db()
    assert award.revoked_at and award.history.count() == 2
    with pytest.raises(ConflictError):
        services.award_revoke(actor=secretary, award=award, reason="Lần nữa")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_one_member_casting_fifty_ballots_at_once_is_counted_once(world, secretary):
    period = services.period_open(actor=secretary, unit=world.dept, year=2026)
    person = rated_people(world, period, 1)[0]
    period = to_voting(period, secretary)
    nomination = services.nomination_create(actor=world.head_dept, period=period, title=Title.LDTT, person=person)
    council = members(3, world.dept)
    session = open_session(secretary, period, council)
    outcomes = race(50, lambda i: services.ballot_cast(actor=council[0], session=session,
                                                      choices={nomination.pk: "yes"}))
    assert outcomes.count("ok") == 1
    assert all(o == "ok" or o[0] == "conflict" for o in outcomes), outcomes
    assert BallotReceipt.objects.filter(session=session).count() == 1
    assert sorted(BallotTally.objects.filter(session=session).values_list("choice", "count")) == [("no", 0),
                                                                                                 ("yes", 1)]


def test_council_seats_go_only_to_people_the_secretary_can_see(world, period, secretary):
    person = rated_people(world, period, 1)[0]
    period = to_voting(period, secretary)
    services.nomination_create(actor=world.head_dept, period=period, title=Title.LDTT, person=person)
    with pytest.raises(ValidationError) as error:
        open_session(secretary, period, [world.head_dept, secretary, world.outsider])
    assert world.outsider.full_name in error.value.messages[0]
    assert not period.sessions.exists()


# -- the quorum of ballots ----------------------------------------------------------------------------


def test_a_session_is_not_counted_below_the_quorum_of_ballots(world, period, secretary):
    """A lone ballot would be read off the count: the rules' quorum of ballots comes first."""
    from django.utils import translation

    person = rated_people(world, period, 1)[0]
    period = to_voting(period, secretary)
    nomination = services.nomination_create(actor=world.head_dept, period=period, title=Title.LDTT, person=person)
    council = members(5, world.dept)
    session = open_session(secretary, period, council)
    for voted, member in enumerate(council[:4], start=1):
        if voted < 4:  # 1, 2, 3 of 5: below two thirds of all members
            services.ballot_cast(actor=member, session=session, choices={nomination.pk: "yes"})
            with translation.override("vi"), pytest.raises(ValidationError) as error:
                services.session_close(actor=secretary, session=session, decision_number="50/QĐ",
                                       decision_date=day(12, 22))
            message = error.value.message_dict["ballots"][0]
            assert f"{voted}/5" in message and "cần ít nhất 4" in message, message
            assert not SessionResult.objects.exists() and not Award.objects.exists()
            session.refresh_from_db()
            assert session.status == "open"
    services.ballot_cast(actor=council[3], session=session, choices={nomination.pk: "yes"})
    services.session_close(actor=secretary, session=session, decision_number="50/QĐ", decision_date=day(12, 22))
    assert SessionResult.objects.get().yes == 4


def test_the_quorum_of_ballots_is_the_rule_in_force_and_a_council_too_small_is_not_opened(world, period,
                                                                                          secretary):
    from emulation.models import CouncilRule

    person = rated_people(world, period, 1)[0]
    period = to_voting(period, secretary)
    nomination = services.nomination_create(actor=world.head_dept, period=period, title=Title.LDTT, person=person)
    rule = CouncilRule.objects.in_force(day(12, 20)).get()
    assert rule.legal_basis
    with pytest.raises(ValidationError) as error:  # fewer seats than the fewest ballots ever counted
        open_session(secretary, period, members(rule.min_ballots - 1, world.dept))
    assert "members" in error.value.message_dict
    # The body's regulation asks every member's ballot: four of five no longer carry the count.
    CouncilRule.objects.filter(pk=rule.pk).update(quorum_numerator=1, quorum_denominator=1,
                                                  legal_basis="Quy chế số 7/QC-HĐTĐKT")
    council = members(5, world.dept)
    session = open_session(secretary, period, council)
    for member in council[:4]:
        services.ballot_cast(actor=member, session=session, choices={nomination.pk: "yes"})
    with pytest.raises(ValidationError) as error:
        services.session_close(actor=secretary, session=session, decision_number="51/QĐ", decision_date=day(12, 22))
    assert "Quy chế số 7/QC-HĐTĐKT" in error.value.message_dict["ballots"][0]


# -- nobody votes on their own nomination ----------------------------------------------------------------


def test_a_member_does_not_vote_on_their_own_nomination(client, world, period, secretary):
    from django.urls import reverse
    from rest_framework.test import APIClient

    people = rated_people(world, period, 2)
    period = to_voting(period, secretary)
    own, other = (services.nomination_create(actor=world.head_dept, period=period, title=Title.LDTT, person=p)
                  for p in people)
    nominee = people[0]
    council = [secretary, *members(3, world.dept), nominee]
    session = open_session(secretary, period, council)
    # The ballot page does not offer the nominee their own nomination.
    client.force_login(nominee)
    page = client.get(reverse("emulation:ballot", args=[session.pk])).content.decode()
    assert f'name="n{other.pk}"' in page and f'name="n{own.pk}"' not in page
    # The API refuses a choice on it, naming it; the ballot without it is cast.
    api = APIClient()
    api.force_authenticate(nominee)
    url = f"/api/v1/emulation/sessions/{session.pk}/ballot/"
    refused = api.post(url, {"choices": {str(own.pk): "yes", str(other.pk): "yes"}}, format="json",
                       HTTP_ACCEPT_LANGUAGE="vi")
    assert refused.status_code == 400, refused.content
    assert nominee.full_name in refused.json()["choices"][0] and "chính mình" in refused.json()["choices"][0]
    assert not BallotReceipt.objects.filter(member=nominee).exists()
    assert api.post(url, {"choices": {str(other.pk): "no"}}, format="json").status_code == 201
    with pytest.raises(ValidationError):  # the others still choose on every nomination
        services.ballot_cast(actor=council[1], session=session, choices={other.pk: "yes"})
    for member in council[:4]:
        services.ballot_cast(actor=member, session=session, choices={own.pk: "yes", other.pk: "yes"})
    services.session_close(actor=secretary, session=session, decision_number="60/QĐ", decision_date=day(12, 22))
    results = {r.nomination_id: (r.yes, r.no, r.not_voted, r.members) for r in SessionResult.objects.all()}
    # The nominee is not among the members counted for their own nomination: 4 of 4, not 4 of 5.
    assert results == {own.pk: (4, 0, 0, 4), other.pk: (4, 1, 0, 5)}


def test_the_head_of_a_nominated_unit_does_not_vote_on_it(world, period, secretary):
    from accounts.models import Role
    from emulation.models import Nomination
    from tests.factories import RoleFactory

    head_division = UserFactory(full_name="Trưởng phòng Tổ chức", unit=world.division)
    RoleFactory(user=head_division, unit=world.division, role=Role.HEAD)
    person = rated_people(world, period, 1)[0]
    period = to_voting(period, secretary)
    individual = services.nomination_create(actor=world.head_dept, period=period, title=Title.LDTT, person=person)
    # The collective's eligibility is the rules' business (tests/emulation/test_rules.py); here only the seat.
    collective = Nomination.objects.create(period=period, title=Title.TAP_THE_LDTT, unit=world.division,
                                           nominated_by=world.head_dept)
    council = [secretary, *members(2, world.dept), head_division]
    session = open_session(secretary, period, council)
    with pytest.raises(ValidationError) as error:
        services.ballot_cast(actor=head_division, session=session,
                             choices={individual.pk: "yes", collective.pk: "yes"})
    assert world.division.name in error.value.messages[0]
    services.ballot_cast(actor=head_division, session=session, choices={individual.pk: "yes"})
    for member in council[:3]:
        services.ballot_cast(actor=member, session=session, choices={individual.pk: "yes", collective.pk: "no"})
    services.session_close(actor=secretary, session=session, decision_number="61/QĐ", decision_date=day(12, 22))
    result = SessionResult.objects.get(nomination=collective)
    assert (result.yes, result.no, result.members) == (0, 3, 3)
