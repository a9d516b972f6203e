"""factory_boy factories for the inspections models (people and units: tests.factories).

They write rows as they are, for tests that need a record in a given shape; a test of behaviour
walks the services instead (tests/inspections/conftest.py: make_inspection, record)."""

from datetime import timedelta

import factory
from django.utils import timezone

from inspections.models import (
    DisciplinaryDecision,
    Event,
    Finding,
    Inspection,
    InspectionKind,
    InspectionPlan,
    Recommendation,
    Severity,
    TeamMember,
    TeamRole,
    ViolationGroup,
    ViolationType,
)
from tests.factories import UnitFactory, UserFactory


def _year() -> int:
    return timezone.localdate().year


class ViolationTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ViolationType
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"VI_PHAM_{n}")
    name = factory.Sequence(lambda n: f"Vi phạm thử nghiệm {n}")
    group = ViolationGroup.values[0]
    default_severity = Severity.MINOR
    legal_basis = "Quy chế làm việc của cơ quan"


class InspectionPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InspectionPlan

    issuing_unit = factory.SubFactory(UnitFactory)
    organisation = factory.SelfAttribute("issuing_unit.organisation")
    year = factory.LazyFunction(_year)
    title = factory.Sequence(lambda n: f"Kế hoạch thanh tra {n}")
    created_by = factory.SubFactory(UserFactory)


class InspectionFactory(factory.django.DjangoModelFactory):
    """An inspection with its leader on the team; `targets` (a list of units) are the units
    inspected, `members` the rest of the team."""

    class Meta:
        model = Inspection
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"TT{_year()}-{900000 + n:06d}")
    issuing_unit = factory.SubFactory(UnitFactory)
    organisation = factory.SelfAttribute("issuing_unit.organisation")
    kind = InspectionKind.PLANNED
    year = factory.LazyFunction(_year)
    title = factory.Sequence(lambda n: f"Thanh tra công vụ {n}")
    decision_number = factory.Sequence(lambda n: f"{n}/QĐ-TTr")
    decision_date = factory.LazyFunction(timezone.localdate)
    leader = factory.SubFactory(UserFactory)
    created_by = factory.SelfAttribute("leader")

    @factory.post_generation
    def targets(inspection, create, extracted, **kwargs):
        if create and extracted:
            inspection.targets.set(extracted)

    @factory.post_generation
    def members(inspection, create, extracted, **kwargs):
        if not create:
            return
        TeamMember.objects.create(inspection=inspection, user=inspection.leader, role=TeamRole.LEADER)
        for member in extracted or ():
            TeamMember.objects.create(inspection=inspection, user=member, role=TeamRole.MEMBER)


class TeamMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeamMember

    inspection = factory.SubFactory(InspectionFactory)
    user = factory.SubFactory(UserFactory)
    role = TeamRole.MEMBER


class FindingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Finding

    code = factory.Sequence(lambda n: f"VP{_year()}-{900000 + n:06d}")
    inspection = factory.SubFactory(InspectionFactory)
    subject_person = factory.SubFactory(UserFactory, unit=factory.SubFactory(UnitFactory))
    subject_unit = factory.LazyAttribute(lambda f: f.subject_person.unit if f.subject_person else UnitFactory())
    violation_type = factory.SubFactory(ViolationTypeFactory)
    occurred_at = factory.LazyFunction(timezone.now)
    description = "Đến cơ quan lúc 8 giờ 20"
    severity = Severity.MINOR
    recorded_by = factory.SelfAttribute("inspection.leader")
    explanation_due = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=5))


class RecommendationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Recommendation

    inspection = factory.SubFactory(InspectionFactory)
    number = factory.Sequence(lambda n: n + 1)
    content = "Chấn chỉnh giờ giấc làm việc"
    target_unit = factory.SubFactory(UnitFactory)
    deadline = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=30))
    expected_result = "Không còn cán bộ đi muộn"
    created_by = factory.SelfAttribute("inspection.leader")


class DisciplinaryDecisionFactory(factory.django.DjangoModelFactory):
    """A proceeding (not issued): issue it through services.decision_issue."""

    class Meta:
        model = DisciplinaryDecision

    code = factory.Sequence(lambda n: f"KL{_year()}-{900000 + n:06d}")
    subject = factory.SubFactory(UserFactory, unit=factory.SubFactory(UnitFactory))
    subject_unit = factory.LazyAttribute(lambda d: d.subject.unit if d.subject else UnitFactory())
    staff_group = factory.LazyAttribute(lambda d: d.subject.staff_group if d.subject else "")
    summary = "Vắng mặt không lý do"
    violation_date = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=10))
    discovered_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=5))
    opened_on = factory.SelfAttribute("discovered_on")
    created_by = factory.SubFactory(UserFactory)


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    inspection = factory.SubFactory(InspectionFactory)
    action = "create"
    actor = factory.SelfAttribute("inspection.leader")
