"""DOMAIN.md §2 and §7: the rules in force on the right date, each naming its legal basis."""

from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import Role, StaffGroup
from inspections import rules, services
from inspections.models import (
    DecisionStatus,
    DisciplineForm,
    DisciplineSystem,
    PauseKind,
)
from inspections.selectors import discipline_effects, people_disciplined_in_year
from tasks.models import Task, TaskStatus
from tests.factories import RoleFactory, UserFactory
from tests.inspections.conftest import violation


def decide(world, *, form=DisciplineForm.REPRIMAND, decision_date, violation_date, subject=None, **extra):
    return services.decision_record(
        actor=world.head_dept, subject=subject or world.staff_division, summary="Vắng mặt không lý do nhiều lần",
        discovered_on=extra.pop("discovered_on", violation_date), violation_date=violation_date, form=form,
        number=extra.pop("number", "01/QĐ-KL"), decision_date=decision_date, signer="Giám đốc Sở", **extra)


# -- forms by staff group and decision date ------------------------------------------------------


@pytest.mark.django_db
def test_salary_downgrade_accepted_on_30_june_2025(world):
    decision = decide(world, form=DisciplineForm.SALARY_DOWNGRADE, decision_date=date(2025, 6, 30),
                      violation_date=date(2025, 5, 2))
    assert decision.status == DecisionStatus.ISSUED
    assert "112/2020" in decision.form_rule.legal_basis
    assert decision.salary_delay_until == date(2026, 6, 30)


@pytest.mark.django_db
def test_salary_downgrade_refused_from_1_july_2025_naming_the_rule(world):
    with pytest.raises(ValidationError) as refused:
        decide(world, form=DisciplineForm.SALARY_DOWNGRADE, decision_date=date(2025, 7, 1),
               violation_date=date(2025, 5, 2))
    message = " ".join(refused.value.message_dict["form"])
    assert "172/2025" in message and "01/07/2025" in message
    # Nothing was written: open and issue are one transaction.
    assert not world.staff_division.disciplinary_decisions.exists()


@pytest.mark.django_db
def test_demotion_for_leaders_only_until_30_june_2025(world):
    world.head_dept.is_leader = True
    world.head_dept.save()
    boss = UserFactory(unit=world.province)
    RoleFactory(user=boss, unit=world.province, role=Role.HEAD)
    decision = services.decision_record(actor=boss, subject=world.head_dept, summary="Buông lỏng quản lý",
                                        discovered_on=date(2025, 6, 1), violation_date=date(2025, 5, 1),
                                        form=DisciplineForm.DEMOTION, number="9/QĐ", decision_date=date(2025, 6, 30),
                                        signer="Chủ tịch")
    assert decision.form == DisciplineForm.DEMOTION
    with pytest.raises(ValidationError):
        services.decision_record(actor=boss, subject=world.head_dept, summary="Lần khác",
                                 discovered_on=date(2025, 7, 1), violation_date=date(2025, 7, 1),
                                 form=DisciplineForm.DEMOTION, number="10/QĐ", decision_date=date(2025, 7, 2),
                                 signer="Chủ tịch")
    # A non-leader civil servant could never be demoted.
    with pytest.raises(ValidationError):
        decide(world, form=DisciplineForm.DEMOTION, decision_date=date(2025, 6, 30), violation_date=date(2025, 6, 1))


@pytest.mark.django_db
def test_public_employee_forms_follow_their_own_rules(world):
    world.staff_division.staff_group = StaffGroup.PUBLIC_EMPLOYEE
    world.staff_division.save()
    with pytest.raises(ValidationError):
        decide(world, form=DisciplineForm.SALARY_DOWNGRADE, decision_date=date(2025, 6, 1),
               violation_date=date(2025, 5, 1))
    assert decide(world, form=DisciplineForm.WARNING, decision_date=date(2025, 6, 1),
                  violation_date=date(2025, 5, 1)).form_rule.staff_group == StaffGroup.PUBLIC_EMPLOYEE


# -- statute of limitations ----------------------------------------------------------------------


@pytest.mark.django_db
def test_reprimand_limitation_is_five_years_to_the_day():
    on_boundary = rules.limitation_for(violation_date=date(2020, 1, 10), decision_date=date(2025, 1, 10),
                                       form=DisciplineForm.REPRIMAND)
    assert on_boundary.years == 5 and on_boundary.allows(date(2025, 1, 10))
    assert not on_boundary.allows(date(2025, 1, 11))
    assert "76/2022" in on_boundary.basis


@pytest.mark.django_db
def test_warning_and_heavier_limitation_is_ten_years():
    limitation = rules.limitation_for(violation_date=date(2014, 3, 1), decision_date=date(2024, 3, 1),
                                      form=DisciplineForm.WARNING)
    assert limitation.years == 10 and limitation.allows(date(2024, 3, 1))
    assert not rules.limitation_for(violation_date=date(2014, 3, 1), decision_date=date(2024, 3, 2),
                                    form=DisciplineForm.WARNING).allows(date(2024, 3, 2))


@pytest.mark.django_db
def test_the_15_november_2022_switch_from_two_to_five_years(world):
    # A reprimand for a violation of 01/06/2020: time-barred under the 2-year rule on 14/11/2022 ...
    before = rules.limitation_for(violation_date=date(2020, 6, 1), decision_date=date(2022, 11, 14),
                                  form=DisciplineForm.REPRIMAND)
    assert before.years == 2 and not before.allows(date(2022, 11, 14))
    assert "52/2019" in before.basis
    # ... still possible the next day, under Resolution 76/2022's five years.
    after = rules.limitation_for(violation_date=date(2020, 6, 1), decision_date=date(2022, 11, 15),
                                 form=DisciplineForm.REPRIMAND)
    assert after.years == 5 and after.allows(date(2022, 11, 15))
    with pytest.raises(ValidationError) as refused:
        decide(world, decision_date=date(2022, 11, 14), violation_date=date(2020, 6, 1),
               discovered_on=date(2022, 10, 1))
    assert "52/2019" in " ".join(refused.value.messages)
    assert decide(world, decision_date=date(2022, 11, 15), violation_date=date(2020, 6, 1),
                  discovered_on=date(2022, 10, 1)).status == DecisionStatus.ISSUED


@pytest.mark.django_db
def test_a_new_violation_within_the_period_restarts_the_clock():
    limitation = rules.limitation_for(violation_date=date(2015, 1, 1), decision_date=date(2023, 6, 1),
                                      form=DisciplineForm.REPRIMAND, later_violations=[date(2019, 5, 1)])
    assert limitation.restarted and limitation.runs_from == date(2019, 5, 1)
    assert limitation.expires_on == date(2024, 5, 1)
    # A later violation after the period ended restarts nothing.
    lapsed = rules.limitation_for(violation_date=date(2010, 1, 1), decision_date=date(2023, 1, 1),
                                  form=DisciplineForm.REPRIMAND, later_violations=[date(2016, 1, 1)])
    assert not lapsed.restarted and not lapsed.allows(date(2023, 1, 1))


@pytest.mark.django_db
def test_forged_diplomas_have_no_limitation(world, make_inspection, record):
    inspection = make_inspection()
    finding = record(inspection, violation_type=violation("VAN_BANG"), description="Bằng đại học không hợp pháp",
                     occurred_at=timezone.make_aware(datetime(2026, 1, 5, 9, 0)))
    limitation = rules.limitation_for(violation_date=date(2001, 1, 1), decision_date=date(2026, 1, 6),
                                      form=DisciplineForm.WARNING, no_limitation=finding.violation_type.no_limitation)
    assert not limitation.applies and limitation.allows(date(2099, 1, 1))


# -- processing time with pauses -------------------------------------------------------------------


@pytest.mark.django_db
def test_a_maternity_pause_extends_the_90_day_window(world):
    discovered = timezone.localdate() - timedelta(days=100)
    case = services.decision_open(actor=world.head_dept, subject=world.staff_division, summary="Vắng mặt",
                                  discovered_on=discovered, violation_date=discovered)
    window = rules.processing_window(case)
    assert (window.days, window.paused, window.due_on) == (90, 0, discovered + timedelta(days=90))
    services.decision_add_pause(actor=world.head_dept, decision=case, kind=PauseKind.MATERNITY,
                                starts_on=discovered + timedelta(days=10), ends_on=discovered + timedelta(days=39))
    window = rules.processing_window(case)
    assert window.paused == 30 and window.due_on == discovered + timedelta(days=120)
    # Issued on day 100: inside the extended window, so no late warning.
    issued = services.decision_issue(actor=world.head_dept, decision=case, form=DisciplineForm.REPRIMAND,
                                     number="3/QĐ", decision_date=timezone.localdate(), signer="Giám đốc")
    assert not [w for w in issued.warnings if "processing" in w.lower() or "xử lý" in w]


@pytest.mark.django_db
def test_decided_after_the_processing_window_is_warned(world):
    discovered = timezone.localdate() - timedelta(days=120)
    decision = decide(world, decision_date=timezone.localdate(), violation_date=discovered, discovered_on=discovered)
    assert any(str(discovered.year) in w or "90" in w for w in decision.warnings)
    assert decision.warnings


@pytest.mark.django_db
def test_overlapping_pauses_are_refused(world):
    discovered = timezone.localdate() - timedelta(days=20)
    case = services.decision_open(actor=world.head_dept, subject=world.staff_division, summary="x",
                                  discovered_on=discovered, violation_date=discovered)
    services.decision_add_pause(actor=world.head_dept, decision=case, kind=PauseKind.ILLNESS, starts_on=discovered)
    with pytest.raises(ValidationError):
        services.decision_add_pause(actor=world.head_dept, decision=case, kind=PauseKind.MATERNITY,
                                    starts_on=discovered + timedelta(days=3))


# -- discipline in force, counted once, Party follow-up --------------------------------------------


@pytest.mark.django_db
def test_new_violation_while_a_discipline_is_in_force_must_be_one_level_heavier(world):
    first = decide(world, decision_date=date(2026, 2, 1), violation_date=date(2026, 1, 15), number="1/QĐ")
    assert first.effect_until == date(2027, 1, 31)
    same_level = decide(world, decision_date=date(2026, 6, 1), violation_date=date(2026, 5, 10), number="2/QĐ")
    assert any("1/QĐ" in w for w in same_level.warnings)
    heavier = decide(world, form=DisciplineForm.WARNING, decision_date=date(2026, 6, 2),
                     violation_date=date(2026, 5, 11), number="3/QĐ")
    assert not any("1/QĐ" in w for w in heavier.warnings)


@pytest.mark.django_db
def test_two_decisions_in_a_year_force_kht_once_and_name_their_basis(world):
    decide(world, decision_date=date(2026, 3, 1), violation_date=date(2026, 2, 1), number="1/QĐ")
    decide(world, form=DisciplineForm.WARNING, decision_date=date(2026, 4, 1), violation_date=date(2026, 3, 20),
           number="2/QĐ")
    effects = discipline_effects([world.staff_division.pk, world.colleague_division.pk], 2026)
    mine = effects[world.staff_division.pk]
    assert mine.forces_kht and len(mine.decisions) == 2
    assert mine.excludes_collective_titles  # a warning is "cảnh cáo or heavier"
    assert all("172/2025" in d["legal_basis"] for d in mine.decisions)
    assert world.colleague_division.pk not in effects
    assert people_disciplined_in_year(2026) == {world.staff_division.pk}  # a set: one person counted once


@pytest.mark.django_db
def test_party_discipline_creates_a_30_day_task_to_consider_state_discipline(world):
    world.staff_division.is_party_member = True
    world.staff_division.save()
    head_division = UserFactory(unit=world.division)
    RoleFactory(user=head_division, unit=world.division, role=Role.HEAD)
    announced = timezone.localdate() - timedelta(days=2)
    decision = decide(world, system=DisciplineSystem.PARTY, decision_date=timezone.localdate() - timedelta(days=5),
                      violation_date=timezone.localdate() - timedelta(days=20), number="15-QĐ/UBKT",
                      announced_on=announced)
    assert decision.form_rule.system == DisciplineSystem.PARTY and "69-QĐ/TW" in decision.form_rule.legal_basis
    task = Task.objects.get(source_number="15-QĐ/UBKT")
    assert task.status == TaskStatus.ASSIGNED and task.lead == head_division
    # Thirty days from the announcement, not from the decision date.
    assert timezone.localtime(task.deadline).date() == announced + timedelta(days=30)


@pytest.mark.django_db
def test_one_violation_one_form_once(world, make_inspection, record):
    finding = record(make_inspection())
    services.decision_record(actor=world.head_dept, subject=world.staff_division, summary="Đi muộn",
                             discovered_on=timezone.localdate(), findings=[finding], form=DisciplineForm.REPRIMAND,
                             number="7/QĐ", decision_date=timezone.localdate(), signer="Giám đốc")
    with pytest.raises(ValidationError) as refused:
        services.decision_open(actor=world.head_dept, subject=world.staff_division, summary="Lại",
                               discovered_on=timezone.localdate(), findings=[finding])
    assert finding.code in " ".join(refused.value.messages)


@pytest.mark.django_db
def test_only_the_disciplining_authority_opens_a_case(world):
    with pytest.raises(PermissionDenied):
        services.decision_open(actor=world.head_sibling, subject=world.staff_division, summary="x",
                               discovered_on=timezone.localdate(), violation_date=timezone.localdate())
