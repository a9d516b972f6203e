"""Who may do what, in which state, is stated once (emulation.access.available_actions). For each
persona — the council's secretary, a council member, the head of a unit, a staff member, an
outsider, the nominee — and each state of the period, its council session, the nomination and the
award, the buttons a page shows are exactly the actions available, and the services accept exactly
those: every other action is refused with 403 or 409 (a 400 on the input means the action itself
was accepted)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.urls import reverse

from accounts.models import Role
from core.errors import ConflictError
from emulation import access, services
from emulation.models import (
    Award,
    CouncilSession,
    MemberRole,
    Nomination,
    Period,
    PeriodStatus,
    Rating,
    Title,
    UnitScore,
)
from tests.emulation.conftest import day
from tests.emulation.test_council import members, rated_people
from tests.clients import Client
from tests.factories import RoleFactory, UserFactory

pytestmark = pytest.mark.django_db

PERSONAS = ("secretary", "council_member", "head_of_unit", "staff", "outsider", "nominee")


class Undo(Exception):
    """Rolls an accepted action back, so that every persona meets the same state."""


def accepted(call) -> bool:
    """Whether the service takes the action (its effects undone): not refused with 403 or 409."""
    try:
        with transaction.atomic():
            call()
            raise Undo
    except (Undo, ValidationError):
        return True
    except (PermissionDenied, ConflictError, Http404):
        return False


def page(user, url) -> str | None:
    """The page as `user` sees it, or None when it is not shown to them (403, 404, a redirect)."""
    client = Client()
    client.force_login(user)
    response = client.get(url)
    return response.content.decode() if response.status_code == 200 else None


def shows(html: str | None, marker: str) -> bool:
    return html is not None and marker in html


@pytest.fixture
def cast(world, period, secretary):
    nominee, colleague = rated_people(world, period, 2)
    head = UserFactory(full_name="Trưởng Phòng Tổ chức", unit=world.division)
    RoleFactory(user=head, unit=world.division, role=Role.HEAD)
    council = members(3, world.dept)
    # A member of the council reads the scope's results (the role) and holds a seat; they run nothing.
    RoleFactory(user=council[0], unit=world.dept, role=Role.COUNCIL_MEMBER)
    people = {"secretary": secretary, "council_member": council[0], "head_of_unit": head, "staff": colleague,
              "outsider": world.outsider, "nominee": nominee}
    return people, council


def check_period(period_pk, people):
    nominee = people["nominee"]
    for persona, user in people.items():
        period = Period.objects.get(pk=period_pk)
        actions = access.available_actions(user, period)
        ranking = page(user, reverse("emulation:period", args=[period_pk]))
        units = page(user, reverse("emulation:units", args=[period_pk]))
        nominations = page(user, reverse("emulation:nominations", args=[period_pk]))
        where = (persona, period.status)
        assert shows(ranking, 'data-testid="advance"') == ("advance" in actions), where
        assert shows(ranking, 'data-testid="recompute"') == ("recompute" in actions), where
        import_form = f'action="{reverse("emulation:manual_import", args=[period_pk])}"'
        assert shows(units, f'enctype="multipart/form-data" {import_form}') == ("import_manual" in actions), where
        session_form = f'action="{reverse("emulation:session_create", args=[period_pk])}"'
        assert shows(nominations, session_form) == ("open_session" in actions), where

        following = access.next_status(period) or PeriodStatus.PUBLISHED
        fresh = lambda: Period.objects.get(pk=period_pk)  # noqa: E731 - a fresh copy for each attempt
        assert accepted(lambda: services.period_advance(actor=user, period=fresh(), to=following)) == (
            "advance" in actions), where
        assert accepted(lambda: services.recompute_request(actor=user, period=fresh())) == (
            "recompute" in actions), where
        assert accepted(lambda: services.manual_scores_set(actor=user, period=fresh(), entries=[])) == (
            "import_manual" in actions), where
        assert accepted(lambda: services.session_open(
            actor=user, period=fresh(), name="Phiên thử", held_on=day(12, 20), quorum=1,
            members=[(m, MemberRole.MEMBER) for m in (people["council_member"], people["staff"], nominee)])) == (
            "open_session" in actions), where


def check_rating(period_pk, people):
    nominee = people["nominee"]
    url = reverse("emulation:person", args=[period_pk, nominee.pk])
    for persona, user in people.items():
        rating = Rating.objects.get(period_id=period_pk, person=nominee)
        actions = access.available_actions(user, rating)
        html = page(user, url)
        where = (persona, rating.period.status)
        for action, view in (("set_general", "person_general"), ("record_initiative", "person_initiative"),
                             ("decide_level", "person_level"), ("nominate", "person_nominate")):
            assert shows(html, f'action="{reverse(f"emulation:{view}", args=[period_pk, nominee.pk])}"') == (
                action in actions), (where, action)

        fresh = lambda: Rating.objects.get(period_id=period_pk, person=nominee)  # noqa: E731
        period = lambda: Period.objects.get(pk=period_pk)  # noqa: E731
        assert accepted(lambda: services.rating_set_general(actor=user, rating=fresh(), points=20, note="Đạt")) == (
            "set_general" in actions), where
        assert accepted(lambda: services.initiative_record(actor=user, period=period(), person=nominee,
                                                           title="Số hóa hồ sơ", recognition="05/QĐ-SNV")) == (
            "record_initiative" in actions), where
        assert accepted(lambda: services.rating_decide_level(actor=user, rating=fresh(), note="Giữ nguyên",
                                                             level=fresh().computed_level)) == (
            "decide_level" in actions), where
        # A title the nominee is not proposed for (the rules may still find them not eligible: a 400).
        assert accepted(lambda: services.nomination_create(actor=user, period=period(), title=Title.CSTDCS,
                                                           person=nominee)) == ("nominate" in actions), where


def check_unit(period_pk, people, unit):
    url = reverse("emulation:unit", args=[period_pk, unit.pk])
    for persona, user in people.items():
        score = UnitScore.objects.get(period_id=period_pk, unit=unit)
        actions = access.available_actions(user, score)
        html = page(user, url)
        where = (persona, score.period.status)
        assert shows(html, f'action="{reverse("emulation:unit_manual", args=[period_pk, unit.pk])}"') == (
            "enter_manual" in actions), where
        assert shows(html, f'action="{reverse("emulation:unit_nominate", args=[period_pk, unit.pk])}"') == (
            "nominate" in actions), where
        assert accepted(lambda: services.nomination_create(actor=user, period=Period.objects.get(pk=period_pk),
                                                           title=Title.TAP_THE_LDTT, unit=unit)) == (
            "nominate" in actions), where


def check_nomination(nomination_pk, people):
    for persona, user in people.items():
        nomination = Nomination.objects.get(pk=nomination_pk)
        actions = access.available_actions(user, nomination)
        html = page(user, reverse("emulation:nominations", args=[nomination.period_id]))
        where = (persona, nomination.status)
        withdraw = reverse("emulation:nomination_withdraw", args=[nomination.period_id, nomination_pk])
        assert shows(html, f'action="{withdraw}"') == ("withdraw" in actions), where
        assert accepted(lambda: services.nomination_withdraw(
            actor=user, nomination=Nomination.objects.get(pk=nomination_pk), reason="Rút")) == (
            "withdraw" in actions), where


def check_session(session_pk, people, nomination):
    for persona, user in people.items():
        session = CouncilSession.objects.get(pk=session_pk)
        actions = access.available_actions(user, session)
        html = page(user, reverse("emulation:session", args=[session_pk]))
        ballot = page(user, reverse("emulation:ballot", args=[session_pk]))
        where = (persona, session.status)
        assert shows(html, 'data-testid="close-session"') == ("close" in actions), where
        assert shows(html, '<input type="checkbox" name="present"') == ("record_presence" in actions), where
        assert shows(ballot, 'data-testid="ballot-form"') == ("vote" in actions), where

        fresh = lambda: CouncilSession.objects.get(pk=session_pk)  # noqa: E731
        choices = {} if user == nomination.person else {nomination.pk: "yes"}
        assert accepted(lambda: services.ballot_cast(actor=user, session=fresh(), choices=choices)) == (
            "vote" in actions), where
        everyone = list(session.members.values_list("user_id", flat=True))
        assert accepted(lambda: services.session_set_presence(actor=user, session=fresh(),
                                                              present_ids=everyone)) == (
            "record_presence" in actions), where
        assert accepted(lambda: services.session_close(actor=user, session=fresh(), decision_number="9/QĐ",
                                                       decision_date=day(12, 22))) == ("close" in actions), where


def check_award(award_pk, people):
    for persona, user in people.items():
        award = Award.objects.get(pk=award_pk)
        actions = access.available_actions(user, award)
        html = page(user, reverse("emulation:awards", args=[award.period_id]))
        where = (persona, award.revoked_at)
        revoke = reverse("emulation:award_revoke", args=[award.period_id, award_pk])
        assert shows(html, f'action="{revoke}"') == ("revoke" in actions), where
        assert accepted(lambda: services.award_revoke(actor=user, award=Award.objects.get(pk=award_pk),
                                                      reason="Kết luận thanh tra")) == ("revoke" in actions), where


def test_every_persona_sees_exactly_the_actions_the_services_accept(world, period, secretary, cast):
    people, council = cast
    nominee = people["nominee"]
    for status in (PeriodStatus.OPEN, PeriodStatus.SCORING, PeriodStatus.REVIEW):
        if status != PeriodStatus.OPEN:
            services.period_advance(actor=secretary, period=Period.objects.get(pk=period.pk), to=status)
        check_period(period.pk, people)
        check_rating(period.pk, people)
        check_unit(period.pk, people, world.division)

    services.period_advance(actor=secretary, period=Period.objects.get(pk=period.pk), to=PeriodStatus.VOTING)
    check_rating(period.pk, people)
    check_unit(period.pk, people, world.division)
    nomination = services.nomination_create(actor=people["head_of_unit"], period=Period.objects.get(pk=period.pk),
                                            title=Title.LDTT, person=nominee)
    check_nomination(nomination.pk, people)

    # The nominee holds a seat: they do not vote on their own nomination.
    seats = [(council[0], MemberRole.CHAIR), (council[1], MemberRole.SECRETARY), (council[2], MemberRole.MEMBER),
             (nominee, MemberRole.MEMBER)]
    session = services.session_open(actor=secretary, period=Period.objects.get(pk=period.pk), name="Phiên họp",
                                    held_on=day(12, 20), members=seats, quorum=3)
    services.session_set_presence(actor=secretary, session=session, present_ids=[user.pk for user, _ in seats])
    ballot = page(nominee, reverse("emulation:ballot", args=[session.pk]))
    assert 'data-testid="recused"' in ballot and f'name="n{nomination.pk}"' not in ballot
    with pytest.raises(ValidationError):
        services.ballot_cast(actor=nominee, session=session, choices={nomination.pk: "yes"})
    check_session(session.pk, people, nomination)
    check_nomination(nomination.pk, people)
    for member in council:
        services.ballot_cast(actor=member, session=CouncilSession.objects.get(pk=session.pk),
                             choices={nomination.pk: "yes"})
    check_session(session.pk, people, nomination)  # the member who voted votes no more
    services.session_close(actor=secretary, session=CouncilSession.objects.get(pk=session.pk),
                           decision_number="12/QĐ-HĐTĐKT", decision_date=day(12, 22))
    check_session(session.pk, people, nomination)
    check_nomination(nomination.pk, people)
    award = Award.objects.get(nomination=nomination)
    check_award(award.pk, people)

    for status in (PeriodStatus.VOTING, PeriodStatus.DECIDED, PeriodStatus.PUBLISHED):
        if status != PeriodStatus.VOTING:
            services.period_advance(actor=secretary, period=Period.objects.get(pk=period.pk), to=status)
        check_period(period.pk, people)
        check_rating(period.pk, people)

    services.award_revoke(actor=secretary, award=award, reason="Kết luận thanh tra")
    check_award(award.pk, people)
