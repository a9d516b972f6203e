"""factory_boy factories for the emulation records, for tests that need a row in a given state
without walking the services to it. They write rows as the services leave them, and check nothing:
a test of a rule goes through the services (tests/emulation/conftest.py)."""

from datetime import date
from decimal import Decimal

import factory
from django.utils import timezone

from emulation.models import (
    Award,
    BallotReceipt,
    BallotTally,
    Choice,
    CouncilSession,
    CriterionKind,
    Initiative,
    ManualScore,
    MemberRole,
    Nomination,
    NominationStatus,
    Period,
    PeriodEvent,
    PeriodStatus,
    Rating,
    RecomputeRun,
    SessionMember,
    SessionResult,
    SessionStatus,
    Title,
    UnitCriterion,
    UnitScore,
    Verdict,
)
from tests.factories import UnitFactory, UserFactory

YEAR = 2026


class PeriodFactory(factory.django.DjangoModelFactory):
    """A yearly period of a council's scope, open."""

    class Meta:
        model = Period
        skip_postgeneration_save = True

    unit = factory.SubFactory(UnitFactory)
    organisation = factory.LazyAttribute(lambda o: o.unit.organisation)
    year = YEAR
    name = factory.LazyAttribute(lambda o: f"Thi đua năm {o.year} — {o.unit.name}")
    starts_on = factory.LazyAttribute(lambda o: date(o.year, 1, 1))
    ends_on = factory.LazyAttribute(lambda o: date(o.year, 12, 31))
    status = PeriodStatus.OPEN
    created_by = factory.SubFactory(UserFactory, unit=factory.SelfAttribute("..unit"))


class PeriodEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PeriodEvent

    period = factory.SubFactory(PeriodFactory)
    action = "open"
    to_status = PeriodStatus.OPEN
    actor = factory.LazyAttribute(lambda o: o.period.created_by)


class RecomputeRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RecomputeRun

    period = factory.SubFactory(PeriodFactory)


class UnitCriterionFactory(factory.django.DjangoModelFactory):
    """A manual criterion of the period (points entered with evidence)."""

    class Meta:
        model = UnitCriterion

    period = factory.SubFactory(PeriodFactory)
    code = factory.Sequence(lambda n: f"M{n}")
    name = factory.Sequence(lambda n: f"Tiêu chí chấm tay {n}")
    kind = CriterionKind.MANUAL
    max_points = Decimal("10")


class ManualScoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ManualScore

    criterion = factory.SubFactory(UnitCriterionFactory)
    period = factory.SelfAttribute("criterion.period")
    unit = factory.SubFactory(UnitFactory, parent=factory.SelfAttribute("..period.unit"))
    points = Decimal("8")
    evidence = "Báo cáo số 12/BC-SNV ngày 15/11/2026"
    entered_by = factory.LazyAttribute(lambda o: o.period.created_by)


class RatingFactory(factory.django.DjangoModelFactory):
    """An official's rating as a computation leaves it: not rated yet unless the level is given."""

    class Meta:
        model = Rating

    period = factory.SubFactory(PeriodFactory)
    person = factory.SubFactory(UserFactory, unit=factory.SelfAttribute("..period.unit"))
    unit = factory.LazyAttribute(lambda o: o.person.unit)
    staff_group = factory.LazyAttribute(lambda o: o.person.staff_group)
    computed_at = factory.LazyFunction(timezone.now)


class InitiativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Initiative

    period = factory.SubFactory(PeriodFactory)
    person = factory.SubFactory(UserFactory, unit=factory.SelfAttribute("..period.unit"))
    title = "Số hóa hồ sơ một cửa"
    recognition = "05/QĐ-SNV ngày 10/10/2026"
    recorded_by = factory.LazyAttribute(lambda o: o.period.created_by)


class UnitScoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UnitScore

    period = factory.SubFactory(PeriodFactory)
    unit = factory.SubFactory(UnitFactory, parent=factory.SelfAttribute("..period.unit"))
    total = Decimal("85")
    max_total = Decimal("100")
    computed_at = factory.LazyFunction(timezone.now)


class VerdictFactory(factory.django.DjangoModelFactory):
    """An eligibility verdict of a person for LĐTT, eligible with no conditions listed."""

    class Meta:
        model = Verdict

    period = factory.SubFactory(PeriodFactory)
    title = Title.LDTT
    person = factory.SubFactory(UserFactory, unit=factory.SelfAttribute("..period.unit"))
    unit = factory.LazyAttribute(lambda o: o.person.unit if o.person else o.period.unit)
    eligible = True


class NominationFactory(factory.django.DjangoModelFactory):
    """A proposal of a person for LĐTT, not yet decided."""

    class Meta:
        model = Nomination

    period = factory.SubFactory(PeriodFactory, status=PeriodStatus.VOTING)
    title = Title.LDTT
    person = factory.SubFactory(UserFactory, unit=factory.SelfAttribute("..period.unit"))
    unit = factory.LazyAttribute(lambda o: o.person.unit if o.person else o.period.unit)
    nominated_by = factory.LazyAttribute(lambda o: o.period.created_by)
    status = NominationStatus.PROPOSED


class CouncilSessionFactory(factory.django.DjangoModelFactory):
    """An open session of the period's council (add its members and nominations)."""

    class Meta:
        model = CouncilSession
        skip_postgeneration_save = True

    period = factory.SubFactory(PeriodFactory, status=PeriodStatus.VOTING)
    name = factory.Sequence(lambda n: f"Phiên họp Hội đồng TĐKT số {n}")
    held_on = date(YEAR, 12, 20)
    quorum = 3
    status = SessionStatus.OPEN
    opened_by = factory.LazyAttribute(lambda o: o.period.created_by)

    @factory.post_generation
    def nominations(session, create, extracted, **kwargs):
        """`nominations=[…]` puts them on the ballot, with every count at zero (as session_open does)."""
        if create and extracted:
            session.nominations.set(extracted)
            BallotTally.objects.bulk_create([BallotTally(session=session, nomination=nomination, choice=choice)
                                             for nomination in extracted for choice in Choice.values])


class SessionMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SessionMember

    session = factory.SubFactory(CouncilSessionFactory)
    user = factory.SubFactory(UserFactory, unit=factory.SelfAttribute("..session.period.unit"))
    role = MemberRole.MEMBER
    present = True


class BallotReceiptFactory(factory.django.DjangoModelFactory):
    """That a member voted — never what they chose (the tallies hold the counts)."""

    class Meta:
        model = BallotReceipt

    session = factory.SubFactory(CouncilSessionFactory)
    member = factory.SubFactory(UserFactory)


class SessionResultFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SessionResult

    session = factory.SubFactory(CouncilSessionFactory, status=SessionStatus.CLOSED, decision_number="12/QĐ-HĐTĐKT",
                                 decision_date=date(YEAR, 12, 22))
    nomination = factory.SubFactory(NominationFactory, period=factory.SelfAttribute("..session.period"))
    yes = 3
    no = 0
    not_voted = 0
    members = 3
    threshold_percent = 50
    passed = True
    basis = "Quy chế hoạt động của Hội đồng"


class AwardFactory(factory.django.DjangoModelFactory):
    """A title the council awarded by its decision (the nomination marked awarded)."""

    class Meta:
        model = Award

    nomination = factory.SubFactory(NominationFactory, status=NominationStatus.AWARDED)
    period = factory.SelfAttribute("nomination.period")
    session = factory.SubFactory(CouncilSessionFactory, period=factory.SelfAttribute("..nomination.period"),
                                 status=SessionStatus.CLOSED, decision_number="12/QĐ-HĐTĐKT",
                                 decision_date=date(YEAR, 12, 22))
    title = factory.SelfAttribute("nomination.title")
    person = factory.SelfAttribute("nomination.person")
    unit = factory.SelfAttribute("nomination.unit")
    decision_number = "12/QĐ-HĐTĐKT"
    decision_date = date(YEAR, 12, 22)
