"""A province's reform exercise: the Department of Home Affairs (world.dept) issues a set for 16
communes, an appraiser from its division appraises them, the head of Home Affairs runs the set."""

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Role, Unit, UnitKind, User
from reform import services
from reform.models import CriteriaSet, MemberRole, SubCriterion, UnitGroup
from tests.factories import RoleFactory, UnitFactory, UserFactory

# The bands the Done-when case defines (names and thresholds are the set's data, not the product's).
BANDS = [("Xuất sắc", 90), ("Tốt", 80), ("Khá", 70), ("Trung bình", 50), ("Yếu", 0)]
AREAS = ["Công tác chỉ đạo, điều hành", "Cải cách thể chế", "Cải cách thủ tục hành chính",
         "Cải cách tổ chức bộ máy", "Cải cách chế độ công vụ", "Cải cách tài chính công",
         "Xây dựng chính quyền số"]
SURVEY_AREA = "Tác động của CCHC đến người dân và sự phát triển"


@dataclass
class Exercise:
    criteria_set: CriteriaSet
    communes: list[Unit]
    heads: list[User]
    appraiser: User
    secretary: User  # runs the set (head of Home Affairs)
    subs: list[SubCriterion]  # those applying to communes, in order
    department_only: SubCriterion
    survey_area: object
    extra: dict = field(default_factory=dict)


def build_set(world, *, year=None, communes=16, open_it=True) -> Exercise:
    year = year or timezone.localdate().year
    secretary = world.head_dept
    criteria_set = services.criteria_set_create(
        actor=secretary, issuing_unit=world.dept, year=year, unit_group=UnitGroup.COMMUNES,
        title=f"Bộ chỉ số CCHC cấp xã năm {year}", legal_basis="Quyết định 2204/QĐ-UBND", bands=BANDS)
    subs = []
    department_only = None
    for number, name in enumerate(AREAS, start=1):
        area = services.area_add(actor=secretary, criteria_set=criteria_set, code=str(number), name=name)
        criterion = services.criterion_add(actor=secretary, area=area, code=f"{number}.1", name=f"Tiêu chí {number}.1")
        subs.append(services.sub_criterion_add(actor=secretary, criterion=criterion, code=f"{number}.1.1",
                                               name="Ban hành kế hoạch đúng hạn", max_points=5, method="scale",
                                               step=1, evidence_required="Kế hoạch đã ban hành"))
        subs.append(services.sub_criterion_add(actor=secretary, criterion=criterion, code=f"{number}.1.2",
                                               name="Hoàn thành 100% nhiệm vụ", max_points=5, method="yes_no"))
        if number == 1:
            department_only = services.sub_criterion_add(
                actor=secretary, criterion=criterion, code="1.1.3", name="Ban hành văn bản quy phạm cấp sở",
                max_points=10, unit_kinds=[UnitKind.DEPARTMENT])
    survey_area = services.area_add(actor=secretary, criteria_set=criteria_set, code="8", name=SURVEY_AREA,
                                    survey_max_points=30)
    appraiser = UserFactory(full_name="Thẩm Định Viên", unit=world.division)
    services.member_add(actor=secretary, criteria_set=criteria_set, user=appraiser, role=MemberRole.APPRAISER)
    units, heads = [], []
    for number in range(1, communes + 1):
        unit = UnitFactory(parent=world.province, code=f"X{number:02d}", name=f"UBND xã Số {number}",
                           kind=UnitKind.COMMUNE)
        head = UserFactory(full_name=f"Chủ Tịch Xã {number}", unit=unit)
        RoleFactory(user=head, unit=unit, role=Role.HEAD)
        units.append(unit)
        heads.append(head)
    if open_it:
        services.criteria_set_open(actor=secretary, criteria_set=criteria_set, units=units,
                                   deadline=timezone.localdate() + timedelta(days=30))
        for assessment in criteria_set.assessments.all():
            services.appraiser_assign(actor=secretary, assessment=assessment, appraiser=appraiser)
    return Exercise(criteria_set=criteria_set, communes=units, heads=heads, appraiser=appraiser, secretary=secretary,
                    subs=subs, department_only=department_only, survey_area=survey_area)


@pytest.fixture
def exercise(world) -> Exercise:
    return build_set(world)


@pytest.fixture
def small_exercise(world) -> Exercise:
    return build_set(world, communes=2)


# Points the appraiser takes away: a "khá" commune loses 15 of its 70 scored points, a "trung bình"
# one 25; the survey gives them 20 and 15 of 30 → 75 % and 60 %.
KHA_CUTS = {"1.1.2": 0, "2.1.2": 0, "3.1.1": 0}
TRUNG_BINH_CUTS = {"1.1.2": 0, "2.1.2": 0, "3.1.1": 0, "4.1.2": 0, "5.1.1": 0}
KHA_SURVEY, TRUNG_BINH_SURVEY = Decimal(20), Decimal(15)


def expected_profile(index: int) -> tuple[dict, Decimal]:
    """Communes 1–12 end "khá", 13–16 "trung bình"."""
    return (KHA_CUTS, KHA_SURVEY) if index < 12 else (TRUNG_BINH_CUTS, TRUNG_BINH_SURVEY)
