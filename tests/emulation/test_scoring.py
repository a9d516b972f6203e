"""DOMAIN.md §3, §4, §7: ratings from task results, disqualifiers, quotas, unit ranking, verdicts
that name their evidence."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Role
from core import rulebook
from emulation import scoring, services
from emulation.models import Cluster, PeriodStatus, Rating, RatingLevel, RatingMode, Title, UnitScore, Verdict
from inspections import services as inspections
from tasks.models import TaskStatus
from tests.emulation.conftest import AFTER_THE_YEAR, YEAR, at, day, task_row
from tests.factories import RoleFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


def compute(period):
    return scoring.compute_period(period, now=AFTER_THE_YEAR)


def rating_of(period, person) -> Rating:
    return Rating.objects.get(period=period, person=person)


def verdict_of(period, person, title=Title.LDTT) -> Verdict:
    return Verdict.objects.get(period=period, person=person, title=title)


def score_general(world, period, person, points=25):
    rating = rating_of(period, person)
    return services.rating_set_general(actor=world.head_dept, rating=rating, points=points, note="Chấp hành tốt")


def test_points_follow_decree_335_month_by_month_with_the_25_percent_deductions(world, period):
    person = world.staff_division
    task_row(person, deadline=at(3, 1))
    task_row(person, deadline=at(4, 1), quality="excellent")
    late = task_row(person, deadline=at(5, 1), submitted=at(5, 4, 9))
    reworked = task_row(person, deadline=at(6, 1), send_backs=1)
    task_row(person, deadline=at(1, 20, year=YEAR + 1))  # not yet due in the period: not counted
    compute(period)
    score_general(world, period, person, 25)
    compute(period)
    rating = rating_of(period, person)
    tasks = rating.breakdown["tasks"]
    assert rating.mode == RatingMode.POINTS and "335/2025" in rating.breakdown["rule"]["basis"]
    assert rating.breakdown["counts"]["assigned"] == 4
    # One result a month (March, April, May, June), the year their mean. May's late product is not
    # "completed on time or ahead" (0 of 1), and its delay costs a quarter of a product (floored at 0);
    # June's product lost a quarter of its quality points to the failed review.
    assert [(p["label"], p["quantity"], p["quality"], p["progress"]) for p in tasks["parts"]] == [
        ("03/2026", 100.0, 100.0, 100.0), ("04/2026", 100.0, 100.0, 100.0), ("05/2026", 100.0, 100.0, 0.0),
        ("06/2026", 100.0, 75.0, 100.0)]
    assert (tasks["quantity"], tasks["quality"], tasks["progress"]) == (100.0, 93.75, 75.0)
    # (100 + 100 + 66.67 + 91.67) / 4 = 89.58% of 70
    assert rating.task_points == Decimal("62.71") and rating.score == Decimal("87.71")
    assert rating.computed_level == RatingLevel.HTT
    kinds = {(d["code"], d["kind"], d["points"]) for d in tasks["deductions"]}
    assert kinds == {(late.code, "delay", -0.25), (reworked.code, "rework", -0.25)}
    labels = " ".join(p["label"] for p in rating.breakdown["problems"])
    assert f"{late.code}" in labels and "3" in labels and f"/tasks/{late.pk}/" in str(rating.breakdown["problems"])


def test_an_objective_cause_removes_the_deduction(world, period):
    person = world.staff_division
    late = task_row(person, deadline=at(5, 1), submitted=at(5, 3), assigner=world.head_dept)
    task_row(person, deadline=at(6, 1))
    compute(period)
    assert rating_of(period, person).breakdown["tasks"]["progress"] == 50.0  # May 0%, June 100%
    services.objective_cause_confirm(actor=world.head_dept, period=period, task=late, reason="Mưa bão, mất điện")
    with pytest.raises(ValidationError):
        services.objective_cause_confirm(actor=world.head_dept, period=period, task=late, reason=" ")
    compute(period)
    tasks = rating_of(period, person).breakdown["tasks"]
    assert tasks["progress"] == 100.0 and tasks["deductions"][0]["exempt"] is True


def test_the_official_cannot_score_themself_and_points_run_0_to_30(world, period):
    compute(period)
    rating = rating_of(period, world.head_dept)
    with pytest.raises(Exception) as denied:
        services.rating_set_general(actor=world.head_dept, rating=rating, points=20, note="Tự chấm")
    assert denied.type.__name__ == "PermissionDenied"
    with pytest.raises(ValidationError) as error:
        services.rating_set_general(actor=world.head_dept, rating=rating_of(period, world.staff_division),
                                    points=31, note="Quá")
    assert "general_points" in error.value.message_dict


def test_a_discipline_in_the_year_forces_kht_and_its_verdict_names_the_decision(world, period):
    person = world.staff_division
    for month in (2, 3, 4):
        task_row(person, deadline=at(month, 1), quality="excellent")
    decision = inspections.decision_record(
        actor=world.head_dept, subject=person, summary="Vắng mặt không lý do", discovered_on=day(2, 20),
        violation_date=day(2, 10), form="reprimand", number="45/QĐ-SNV", decision_date=day(3, 3), signer="Giám đốc")
    compute(period)
    score_general(world, period, person, 30)
    compute(period)
    rating = rating_of(period, person)
    assert rating.score == Decimal("100.00") and rating.computed_level == RatingLevel.KHT and rating.disqualified
    assert rating.withheld
    conditions = {c["code"]: c for c in verdict_of(period, person).conditions}
    assert not conditions["discipline"]["passed"]
    evidence = conditions["discipline"]["evidence"][0]
    assert evidence["label"] == "Quyết định 45/QĐ-SNV, khiển trách, 03/03/2026"
    assert evidence["url"] == f"/inspections/discipline/{decision.pk}/"


def test_a_january_decision_already_counted_last_year_is_not_counted_twice(world, secretary):
    """§7: the Party disciplined the act in December (last year's KHT); the State decision on the
    same act in January does not force this year's rating too."""
    person = world.staff_division
    party = inspections.decision_record(
        actor=world.head_dept, subject=person, summary="Vi phạm năm trước", discovered_on=day(12, 1, year=YEAR - 1),
        violation_date=day(11, 20, year=YEAR - 1), form="reprimand", number="12-QĐ/ĐU",
        decision_date=day(12, 20, year=YEAR - 1), signer="Bí thư", system="party")
    inspections.decision_record(
        actor=world.head_dept, subject=person, summary="Vi phạm năm trước", discovered_on=day(1, 5),
        violation_date=day(11, 20, year=YEAR - 1), form="reprimand", number="02/QĐ-SNV", decision_date=day(1, 15),
        signer="Giám đốc", same_act_as=party)
    last_year = services.period_open(actor=secretary, unit=world.dept, year=YEAR - 1)
    this_year = services.period_open(actor=secretary, unit=world.dept, year=YEAR)
    task_row(person, deadline=at(3, 1, year=YEAR - 1))
    task_row(person, deadline=at(3, 1))
    scoring.compute_period(last_year, now=AFTER_THE_YEAR)
    compute(this_year)
    assert rating_of(last_year, person).disqualified
    assert rating_of(last_year, person).mode == RatingMode.CRITERIA  # Decree 90/2020 up to 2025
    assert not rating_of(this_year, person).disqualified
    assert rating_of(this_year, person).mode == RatingMode.POINTS  # Decree 335/2025 from 2026


def test_an_overdue_task_withholds_commendation_with_the_task_as_evidence(world, period, overdue_withholds):
    person = world.staff_division
    task_row(person, deadline=at(3, 1))
    overdue = task_row(person, deadline=at(12, 29), status=TaskStatus.IN_PROGRESS, title="Báo cáo tổng kết")
    compute(period)
    rating = rating_of(period, person)
    assert rating.withheld
    condition = next(c for c in verdict_of(period, person).conditions if c["code"] == "assigned_work")
    assert not condition["passed"]
    assert condition["evidence"] == [{"label": f"Nhiệm vụ {overdue.code} “Báo cáo tổng kết” quá hạn 12 ngày, "
                                                "chưa hoàn thành", "url": f"/tasks/{overdue.pk}/"}]


def test_criteria_mode_for_public_employees_up_to_decree_233(world, secretary):
    period = services.period_open(actor=secretary, unit=world.dept, year=2025)
    person = UserFactory(full_name="Viên Chức Mẫu", unit=world.division, staff_group="vien_chuc")
    task_row(person, deadline=at(3, 1, year=2025), quality="excellent")
    task_row(person, deadline=at(4, 1, year=2025))
    compute(period)
    services.rating_set_general(actor=world.head_dept, rating=rating_of(period, person), met=True,
                                note="Đạt tiêu chí chung")
    compute(period)
    rating = rating_of(period, person)
    assert rating.mode == RatingMode.CRITERIA and rating.computed_level == RatingLevel.HTXS


def test_a_public_employee_rated_for_2026_is_rated_under_decree_233(world, period):
    """DOMAIN.md §7: not by Decree 90/2020's criteria, which ended on 30 Jun 2026."""
    person = UserFactory(full_name="Viên Chức Mẫu", unit=world.division, staff_group="vien_chuc")
    task_row(person, deadline=at(3, 1), quality="excellent")
    task_row(person, deadline=at(8, 1))
    compute(period)
    score_general(world, period, person, 28)
    compute(period)
    rating = rating_of(period, person)
    assert rating.mode == RatingMode.POINTS and "233/2026" in rating.breakdown["rule"]["basis"]
    assert rating.breakdown["rule"]["url"] == rulebook.rule_url(rating.rule_set)  # its row of the rules in force
    assert rating.rule_set.valid_from == day(7, 1)
    assert rating.score == Decimal("98.00") and rating.computed_level == RatingLevel.HTXS


def test_fewer_than_six_months_is_not_rated(world, period):
    person = UserFactory(full_name="Mới Tuyển", unit=world.division, service_start_date=day(9, 1))
    task_row(person, deadline=at(10, 1))
    compute(period)
    rating = rating_of(period, person)
    assert rating.computed_level == "" and "6" in rating.pending_reason


def test_a_leader_carries_the_unit_result_and_their_organising_ability(world, period):
    head = UserFactory(full_name="Trưởng Phòng", unit=world.division)
    RoleFactory(user=head, unit=world.division, role=Role.HEAD)
    for month in (2, 3):
        task_row(head, deadline=at(month, 1))
    task_row(world.staff_division, deadline=at(2, 1), status=TaskStatus.IN_PROGRESS)  # overdue: KHT-level work
    compute(period)
    score_general(world, period, world.staff_division, 10)
    compute(period)
    assert rating_of(period, world.staff_division).computed_level == RatingLevel.KHT
    rating = rating_of(period, head)
    assert rating.breakdown["unit_result"] == {"percent": 50, "subordinates": 1, "kht": 1}
    assert rating.task_points is None and "năng lực tổ chức" in rating.pending_reason
    services.rating_set_general(actor=world.head_dept, rating=rating, points=20, organising=80,
                                note="Điều hành phòng tốt")
    with pytest.raises(ValidationError) as error:
        services.rating_set_general(actor=world.head_dept, rating=rating, points=20, organising=101, note="Quá")
    assert "organising_percent" in error.value.message_dict
    compute(period)
    rating = rating_of(period, head)
    # (100% own work + 50% unit result + 80% organising ability) / 3 of 70 points
    assert rating.task_points == Decimal("53.67") and rating.score == Decimal("73.67")
    assert rating.organising_percent == 80


def htt_people(world, unit, n, *, excellent=0):
    people = []
    for i in range(n):
        person = UserFactory(full_name=f"Công chức {unit.code} {i:02d}", unit=unit)
        task_row(person, deadline=at(3, 1))
        people.append(person)
    return people


def test_htxs_quota_is_enforced_when_the_levels_are_decided_naming_who_is_over(world, period, secretary):
    unit = UnitFactory(parent=world.dept, code="D1B", name="Phòng Công chức")
    people = htt_people(world, unit, 9)
    compute(period)
    for index, person in enumerate(people):
        score_general(world, period, person, 25 if index < 2 else 10)  # 95 → HTXS ×2; 80 → HTT ×7
    compute(period)
    levels = sorted(r.computed_level for r in Rating.objects.filter(period=period, unit=unit))
    assert levels.count(RatingLevel.HTXS) == 2 and levels.count(RatingLevel.HTT) == 7
    services.period_advance(actor=secretary, period=period, to=PeriodStatus.SCORING)
    services.period_advance(actor=secretary, period=period, to=PeriodStatus.REVIEW)
    with pytest.raises(ValidationError) as error:
        services.period_advance(actor=secretary, period=period, to=PeriodStatus.VOTING)
    message = " ".join(error.value.messages)
    assert "Phòng Công chức" in message and "Công chức D1B 00" in message and "Công chức D1B 01" in message
    assert "20% of the 7 rated HTT" in message or "20% của 7" in message or "7" in message
    with pytest.raises(ValidationError):  # a decided level cannot exceed the computed one
        services.rating_decide_level(actor=secretary, rating=rating_of(period, people[2]), level=RatingLevel.HTXS,
                                     note="Nâng")
    services.rating_decide_level(actor=secretary, rating=rating_of(period, people[1]), level=RatingLevel.HTT,
                                 note="Giữ trong tỷ lệ 20%")
    period = services.period_advance(actor=secretary, period=period, to=PeriodStatus.VOTING)
    assert period.frozen_at is not None


def test_units_are_ranked_with_ties_shared(world, period):
    units = [UnitFactory(parent=world.dept, code=f"R{i}", name=f"Phòng {i}") for i in range(3)]
    cluster = Cluster.objects.create(period=period, name="Khối các phòng chuyên môn")
    cluster.units.set(units)  # ranked among themselves, not with the other units of the department
    for unit, late in zip(units, (0, 0, 1), strict=True):
        person = UserFactory(unit=unit)
        task_row(person, deadline=at(3, 1))
        task_row(person, deadline=at(4, 1), submitted=at(4, 5) if late else None)
    compute(period)
    scores = {s.unit_id: s for s in UnitScore.objects.filter(period=period, unit__in=units)}
    first, second, third = (scores[u.pk] for u in units)
    assert first.total == second.total > third.total
    assert (first.rank, first.rank_tied, second.rank, second.rank_tied) == (1, True, 1, True)
    assert (third.rank, third.rank_tied) == (3, False)
    line = next(line for line in third.breakdown["lines"] if line["code"] == "1")
    assert line["points"] == 20.0 and line["note"] == "1/2 nhiệm vụ đúng hạn."
    assert first.cluster == cluster


def test_a_frozen_period_is_not_recomputed(world, period, secretary):
    task_row(world.staff_division, deadline=at(3, 1))
    compute(period)
    score_general(world, period, world.staff_division, 15)
    compute(period)
    for step in (PeriodStatus.SCORING, PeriodStatus.REVIEW, PeriodStatus.VOTING):
        services.period_advance(actor=secretary, period=period, to=step)
    before = rating_of(period, world.staff_division).score
    task_row(world.staff_division, deadline=at(5, 1), status=TaskStatus.IN_PROGRESS)
    with pytest.raises(ValidationError):
        compute(period)
    assert rating_of(period, world.staff_division).score == before


def test_only_a_discipline_for_a_violation_related_to_public_duty_forces_kht(world, period):
    person, colleague = world.staff_division, world.colleague_division
    for official in (person, colleague):
        task_row(official, deadline=at(3, 1), quality="excellent")
    inspections.decision_record(
        actor=world.head_dept, subject=person, summary="Vi phạm quy định nơi cư trú", discovered_on=day(2, 20),
        violation_date=day(2, 10), form="reprimand", number="46/QĐ-SNV", decision_date=day(3, 3), signer="Giám đốc",
        public_duty=False)
    decision = inspections.decision_record(
        actor=world.head_dept, subject=colleague, summary="Chậm trễ giải quyết hồ sơ", discovered_on=day(2, 20),
        violation_date=day(2, 10), form="reprimand", number="47/QĐ-SNV", decision_date=day(3, 3), signer="Giám đốc",
        public_duty=True)
    compute(period)
    for official in (person, colleague):
        score_general(world, period, official, 30)
    compute(period)
    unrelated, related = rating_of(period, person), rating_of(period, colleague)
    assert unrelated.computed_level == RatingLevel.HTXS and not unrelated.disqualified
    assert not {c["code"]: c for c in verdict_of(period, person).conditions}["discipline"]["passed"]  # still no title
    assert related.computed_level == RatingLevel.KHT and related.disqualified
    [disqualifier] = related.breakdown["disqualifiers"]
    assert disqualifier["url"] == f"/inspections/discipline/{decision.pk}/"
    assert disqualifier["rating_rule"]["id"] == related.rule_set_id
    assert "335/2025" in disqualifier["rating_rule"]["basis"]
