"""factory_boy factories for the reform index's rows.

They write rows as they are, without the services' checks, events or notifications: for a test
that needs a set, an assessment or a score in some state to read, list or render. A test of what
an action does goes through reform.services (tests/reform/conftest.py builds a whole exercise so).
Related rows agree: a sub-criterion belongs to the set of its area, an assessed unit and a council
member to the set's organisation, a score to a sub-criterion of its assessment's set."""

from decimal import Decimal

import factory
from django.utils import timezone

from accounts.models import UnitKind
from reform.models import (
    Area,
    Assessment,
    AssessmentStatus,
    Band,
    CriteriaSet,
    Criterion,
    Event,
    LinkKind,
    Member,
    MemberRole,
    Result,
    Score,
    ScoreLink,
    ScoringMethod,
    SetStatus,
    SubCriterion,
    SurveyScore,
    UnitGroup,
)
from tests.factories import UnitFactory, UserFactory


def _next_version(o) -> int:
    return CriteriaSet.objects.filter(organisation=o.organisation, year=o.year, unit_group=o.unit_group).count() + 1


class CriteriaSetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CriteriaSet

    issuing_unit = factory.SubFactory(UnitFactory, name="Sở Nội vụ")
    organisation = factory.SelfAttribute("issuing_unit.organisation")
    year = factory.LazyFunction(lambda: timezone.localdate().year)
    unit_group = UnitGroup.COMMUNES
    title = factory.Sequence(lambda n: f"Bộ chỉ số CCHC cấp xã số {n}")
    legal_basis = "Quyết định 2204/QĐ-UBND"
    version = factory.LazyAttribute(_next_version)
    status = SetStatus.DRAFT
    created_by = factory.SubFactory(UserFactory, unit=factory.SelfAttribute("..issuing_unit"))


class BandFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Band

    criteria_set = factory.SubFactory(CriteriaSetFactory)
    name = factory.Sequence(lambda n: f"Loại {n}")
    min_percent = factory.Sequence(lambda n: Decimal(n % 10000) / 100)


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Area

    criteria_set = factory.SubFactory(CriteriaSetFactory)
    code = factory.Sequence(lambda n: f"L{n}")
    name = factory.Sequence(lambda n: f"Lĩnh vực {n}")
    order = factory.Sequence(lambda n: n % 30000 + 1)


class SurveyAreaFactory(AreaFactory):
    """An area whose points come from the citizen and official survey."""

    name = "Tác động của CCHC đến người dân và sự phát triển"
    survey_max_points = Decimal(30)


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    area = factory.SubFactory(AreaFactory)
    code = factory.Sequence(lambda n: f"T{n}")
    name = factory.Sequence(lambda n: f"Tiêu chí {n}")
    order = factory.Sequence(lambda n: n % 30000 + 1)


class SubCriterionFactory(factory.django.DjangoModelFactory):
    """The set is the criterion's area's (SubCriterion.save sets it); pass criterion__area__criteria_set=
    to place it in a given set."""

    class Meta:
        model = SubCriterion

    criterion = factory.SubFactory(CriterionFactory)
    code = factory.Sequence(lambda n: f"TP{n}")
    name = factory.Sequence(lambda n: f"Tiêu chí thành phần {n}")
    max_points = Decimal(5)
    method = ScoringMethod.POINTS
    evidence_required = "Văn bản đã ban hành"
    order = factory.Sequence(lambda n: n % 30000 + 1)


class MemberFactory(factory.django.DjangoModelFactory):
    """A council member: an official of the organisation that issues the set (of its issuing unit)."""

    class Meta:
        model = Member

    criteria_set = factory.SubFactory(CriteriaSetFactory)
    user = factory.SubFactory(UserFactory, unit=factory.SelfAttribute("..criteria_set.issuing_unit"))
    role = MemberRole.APPRAISER


class AssessmentFactory(factory.django.DjangoModelFactory):
    """A commune of the set's organisation, assessed under an open set."""

    class Meta:
        model = Assessment

    criteria_set = factory.SubFactory(CriteriaSetFactory, status=SetStatus.OPEN)
    unit = factory.SubFactory(UnitFactory, organisation=factory.SelfAttribute("..criteria_set.organisation"),
                              kind=UnitKind.COMMUNE, name=factory.Sequence(lambda n: f"UBND xã {n}"))
    status = AssessmentStatus.DRAFT


class ScoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Score

    assessment = factory.SubFactory(AssessmentFactory)
    sub_criterion = factory.LazyAttribute(
        lambda o: SubCriterionFactory(criterion__area__criteria_set=o.assessment.criteria_set))
    self_points = factory.LazyAttribute(lambda o: o.sub_criterion.max_points)
    self_note = "Đã thực hiện đầy đủ"


class ScoreLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ScoreLink

    score = factory.SubFactory(ScoreFactory)
    kind = LinkKind.TASK
    object_id = factory.Sequence(lambda n: n + 1)
    label = factory.Sequence(lambda n: f"NV2026-{n + 1:06d} — Nhiệm vụ {n + 1}")


class SurveyScoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SurveyScore

    assessment = factory.SubFactory(AssessmentFactory)
    area = factory.LazyAttribute(lambda o: SurveyAreaFactory(criteria_set=o.assessment.criteria_set))
    points = Decimal(20)
    imported_by = factory.LazyAttribute(lambda o: o.assessment.criteria_set.created_by)


class ResultFactory(factory.django.DjangoModelFactory):
    """A unit's computed index, as criteria_set_recompute writes it (the figures are not recomputed)."""

    class Meta:
        model = Result

    assessment = factory.SubFactory(AssessmentFactory, status=AssessmentStatus.APPRAISED,
                                    criteria_set__status=SetStatus.FROZEN)
    criteria_set = factory.SelfAttribute("assessment.criteria_set")
    unit = factory.SelfAttribute("assessment.unit")
    self_points = Decimal(70)
    appraised_points = Decimal(60)
    survey_points = Decimal(20)
    applicable_points = Decimal(100)
    index = Decimal(80)
    band_name = "Tốt"
    rank = 1


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    criteria_set = factory.SubFactory(CriteriaSetFactory)
    action = "create"
    to_status = SetStatus.DRAFT
    actor = factory.SelfAttribute("criteria_set.created_by")
