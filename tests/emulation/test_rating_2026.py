"""DOMAIN.md §3, §7: the 100-point scale of Decrees 335/2025 and 233/2026 — progress counted per
delay, the year built from its months or quarters, leaders capped at their unit's level, the
six-month test kept to yearly ratings — and the HTXS quota counted per agency."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from accounts.models import Role, UnitKind
from core import rulebook
from emulation import rules, scoring, services
from emulation.models import PeriodStatus, Rating, RatingLevel, RatingMode, RatingRuleSet, ResultsEvery, UnitScore
from tasks.models import TaskStatus, TaskStep
from tests.emulation.conftest import AFTER_THE_YEAR, YEAR, at, day, task_row
from tests.factories import RoleFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


def compute(period):
    return scoring.compute_period(period, now=AFTER_THE_YEAR)


def rating_of(period, person) -> Rating:
    return Rating.objects.get(period=period, person=person)


def score_general(world, period, person, points):
    services.rating_set_general(actor=world.head_dept, rating=rating_of(period, person), points=points,
                                note="Chấp hành tốt")


def milestone(task, order, *, due, done):
    TaskStep.objects.create(task=task, order=order, name=f"Bước {order}", responsible="Chuyên viên", due_at=due,
                            done_at=done)


def test_each_delay_costs_a_quarter_of_the_products_progress_points(world, period):
    person = world.staff_division
    task_row(person, deadline=at(3, 20))
    late = task_row(person, deadline=at(3, 25), submitted=at(3, 28))
    on_time_but_slipping = task_row(person, deadline=at(3, 30))
    milestone(on_time_but_slipping, 1, due=at(3, 5), done=at(3, 9))
    milestone(on_time_but_slipping, 2, due=at(3, 15), done=at(3, 18))
    milestone(on_time_but_slipping, 3, due=at(3, 25), done=at(3, 24))  # kept: no delay
    compute(period)
    tasks = rating_of(period, person).breakdown["tasks"]
    # Completed on time or ahead: 2 of 3; the late product's delay and the two missed milestones
    # each cost a quarter of a product: (2 − 0.25 − 0.5) / 3.
    assert tasks["progress"] == 41.67
    delays = {d["code"]: (d["delays"], d["points"]) for d in tasks["deductions"] if d["kind"] == "delay"}
    assert delays == {late.code: (1, -0.25), on_time_but_slipping.code: (2, -0.5)}


def test_the_year_is_the_mean_of_its_months_or_quarters_as_the_rule_set_says(world, period):
    person = world.staff_division
    task_row(person, deadline=at(2, 10))
    for n in range(3):  # March: three products not done, overdue
        task_row(person, deadline=at(3, 5 + n), status=TaskStatus.IN_PROGRESS)
    compute(period)
    score_general(world, period, person, 25)
    compute(period)
    rating = rating_of(period, person)
    tasks = rating.breakdown["tasks"]
    assert tasks["every"] == ResultsEvery.MONTH and [p["label"] for p in tasks["parts"]] == ["02/2026", "03/2026"]
    assert rating.task_points == Decimal("35.00")  # February 100%, March 0%: (100 + 0) / 2 of 70
    # The administrator measures by quarter instead: one result for the first quarter, 1 of 4 done.
    RatingRuleSet.objects.filter(pk=rating.rule_set_id).update(results_every=ResultsEvery.QUARTER)
    compute(period)
    rating = rating_of(period, person)
    tasks = rating.breakdown["tasks"]
    assert [p["label"] for p in tasks["parts"]] == ["Quý 1/2026"]
    assert (tasks["quantity"], tasks["quality"], tasks["progress"]) == (25.0, 25.0, 6.25)
    assert rating.task_points == Decimal("13.13")


def test_the_six_month_test_does_not_apply_to_a_quarter(world, secretary):
    quarter = services.period_open(actor=secretary, unit=world.dept, year=YEAR, quarter=4)
    year = services.period_open(actor=secretary, unit=world.dept, year=YEAR)
    person = UserFactory(full_name="Mới Tuyển", unit=world.division, service_start_date=day(9, 1))
    task_row(person, deadline=at(10, 15))
    for period in (quarter, year):
        compute(period)
        score_general(world, period, person, 25)
        compute(period)
    rated = rating_of(quarter, person)
    assert rated.pending_reason == "" and rated.computed_level == RatingLevel.HTXS
    assert rated.score == Decimal("95.00")
    not_rated = rating_of(year, person)
    assert not_rated.computed_level == "" and "6 tháng" in not_rated.pending_reason


def test_a_heads_level_does_not_exceed_the_level_of_the_unit_they_head(world, period):
    head = UserFactory(full_name="Trưởng Phòng", unit=world.division)
    RoleFactory(user=head, unit=world.division, role=Role.HEAD)
    for month in (2, 3):
        task_row(head, deadline=at(month, 1))
    for month in (4, 5):  # the division's work left overdue: the division falls to HT (58%)
        task_row(world.staff_division, deadline=at(month, 1), status=TaskStatus.IN_PROGRESS)
    compute(period)
    score_general(world, period, world.staff_division, 10)
    services.rating_set_general(actor=world.head_dept, rating=rating_of(period, head), points=30, organising=100,
                                note="Điều hành tốt")
    compute(period)
    division = UnitScore.objects.get(period=period, unit=world.division)
    assert division.level == RatingLevel.HT
    rating = rating_of(period, head)
    # (100% own + 50% unit result + 100% organising) / 3 of 70 = 58.33, + 30: HTT on points alone.
    assert rating.score == Decimal("88.33") and rules.band(88.33, rating.rule_set) == RatingLevel.HTT
    assert rating.computed_level == RatingLevel.HT
    capped = rating.breakdown["capped_by_unit"]
    assert (capped["was"], capped["level"], capped["unit"]) == (RatingLevel.HTT, RatingLevel.HT, "Phòng Tổ chức")
    # A plain official of the division is not capped by it.
    assert "capped_by_unit" not in rating_of(period, world.staff_division).breakdown


def rated(period, unit, levels: list[str]) -> None:
    """Ratings as the computation leaves them (the computation itself is tested above)."""
    rule_set = rules.rating_rule_set("cong_chuc", YEAR)
    for n, level in enumerate(levels):
        person = UserFactory(full_name=f"{unit.code} công chức {n:02d}", unit=unit)
        Rating.objects.create(period=period, person=person, unit=unit, staff_group=person.staff_group,
                              rule_set=rule_set, mode=RatingMode.POINTS, computed_level=level)


def test_a_division_of_four_shares_the_quota_of_its_agency_of_forty(world, period, secretary):
    """DOMAIN.md §7: the quota is the agency's (40 × 20% = 8), not the division's (4 × 20% = 0)."""
    small = UnitFactory(parent=world.dept, code="D1S", name="Phòng Pháp chế", kind=UnitKind.DIVISION)
    large = UnitFactory(parent=world.dept, code="D1L", name="Phòng Công chức", kind=UnitKind.DIVISION)
    rated(period, small, [RatingLevel.HTT] * 4 + [RatingLevel.HTXS])
    rated(period, large, [RatingLevel.HTT] * 36 + [RatingLevel.HTXS] * 7)
    assert services.quota_errors(period) == []
    # A ninth HTXS in the department, a namesake of an official rated HTT: two officials all the same.
    rated(period, large, [RatingLevel.HTXS])
    errors = services.quota_errors(period)
    assert len(errors) == 1 and errors[0].startswith("Sở Nội vụ (")
    assert "D1S công chức 04" in errors[0] and "8" in errors[0]
    # The period does not move to the vote over the quota (the ratings stand as if computed).
    type(period).objects.filter(pk=period.pk).update(computed_at=AFTER_THE_YEAR)
    for step in (PeriodStatus.SCORING, PeriodStatus.REVIEW):
        services.period_advance(actor=secretary, period=period, to=step)
    with pytest.raises(ValidationError) as refusal:
        services.period_advance(actor=secretary, period=period, to=PeriodStatus.VOTING)
    # The refusal names the rule set whose quota it applied, linking to its row of the rules in force.
    rule_set = period.ratings.first().rule_set
    assert [url for _name, url in refusal.value.rule_links()] == [rulebook.rule_url(rule_set)]


def test_an_agency_rated_htxs_has_the_25_percent_ceiling(world):
    RoleFactory(user=world.council, unit=world.province, role=Role.COUNCIL_SECRETARY)
    period = services.period_open(actor=world.council, unit=world.province, year=YEAR)
    division = UnitFactory(parent=world.dept, code="D1C", name="Phòng Cải cách", kind=UnitKind.DIVISION)
    rated(period, world.dept, [RatingLevel.HTT] * 4 + [RatingLevel.HTXS])
    rated(period, division, [RatingLevel.HTT] * 4 + [RatingLevel.HTXS])
    errors = services.quota_errors(period)  # 8 HTT × 20% = 1
    assert len(errors) == 1 and "Sở Nội vụ" in errors[0]
    UnitScore.objects.create(period=period, unit=world.dept, total=95, max_total=100, level=RatingLevel.HTXS)
    assert services.quota_errors(period) == []  # 8 HTT × 25% = 2


def test_the_organising_ability_is_entered_on_the_page_and_through_the_api(client, world, period):
    head = UserFactory(full_name="Trưởng Phòng", unit=world.division)
    RoleFactory(user=head, unit=world.division, role=Role.HEAD)
    task_row(head, deadline=at(3, 1))
    compute(period)
    client.force_login(world.head_dept)
    page = client.get(f"/emulation/{period.pk}/people/{head.pk}/")
    assert page.status_code == 200 and 'name="organising_percent"' in page.content.decode()
    plain = client.get(f"/emulation/{period.pk}/people/{world.staff_division.pk}/")
    assert 'name="organising_percent"' not in plain.content.decode()  # only leaders are assessed on it
    response = client.post(f"/emulation/{period.pk}/people/{head.pk}/general/", {
        "general_points": "25", "organising_percent": "90", "general_note": "Điều hành tốt"})
    assert response.status_code == 302
    assert rating_of(period, head).organising_percent == 90

    api = APIClient()
    api.force_authenticate(world.head_dept)
    url = f"/api/v1/emulation/periods/{period.pk}/ratings/{head.pk}/general/"
    refused = api.post(url, {"general_points": "25", "organising_percent": 150, "general_note": "Quá"}, format="json")
    assert refused.status_code == 400 and "organising_percent" in refused.json()
    accepted = api.post(url, {"general_points": "25", "organising_percent": 70, "general_note": "Khá"}, format="json")
    assert accepted.status_code == 200 and accepted.json()["organising_percent"] == 70
