"""The emulation factories make rows that hang together: one period throughout, the subject's unit
inside the period's scope, a session's counts made at zero before any ballot."""

import pytest

from emulation import access
from emulation.models import BallotTally, NominationStatus, PeriodStatus, SessionStatus
from tests.emulation import factories

pytestmark = pytest.mark.django_db


def test_each_factory_makes_a_row():
    for name in dir(factories):
        factory_class = getattr(factories, name)
        if name.endswith("Factory") and getattr(factory_class, "__module__", "") == factories.__name__:
            row = factory_class()
            assert row.pk, name


def test_an_award_hangs_together():
    award = factories.AwardFactory()
    assert award.period == award.nomination.period == award.session.period
    assert award.nomination.status == NominationStatus.AWARDED and award.session.status == SessionStatus.CLOSED
    assert award.person.unit.path.startswith(award.period.unit.path)
    assert access.available_actions(award.period.created_by, award) == frozenset()  # no runner role


def test_a_session_has_its_counts_at_zero_before_any_ballot():
    nomination = factories.NominationFactory()
    assert nomination.period.status == PeriodStatus.VOTING
    session = factories.CouncilSessionFactory(period=nomination.period, nominations=[nomination])
    factories.SessionMemberFactory.create_batch(3, session=session)
    assert session.members.count() == 3
    assert sorted(BallotTally.objects.filter(session=session).values_list("choice", "count")) == [
        ("no", 0), ("yes", 0)]
