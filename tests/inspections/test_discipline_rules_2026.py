"""DOMAIN.md §2 and §7 as revised: Decree 234/2026 for viên chức, Party discipline by its own rules,
time that does not count, several violations, a violation while a discipline is in force, and the
change of decree during a case. Each case runs against the seeded rule rows."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import Role, StaffGroup, UnitKind
from core import dates, rulebook
from inspections import rules, services
from inspections.models import (
    DecisionStatus,
    DisciplineForm,
    DisciplineRuleSet,
    DisciplineSystem,
    PartySubject,
    PauseKind,
)
from inspections.selectors import people_disciplined_in_year
from tasks.models import Task
from tests.factories import RoleFactory, UnitFactory, UserFactory


def decide(world, *, form=DisciplineForm.REPRIMAND, decision_date, violation_date, subject=None, **extra):
    return services.decision_record(
        actor=world.head_dept, subject=subject or world.staff_division, summary="Vắng mặt không lý do nhiều lần",
        discovered_on=extra.pop("discovered_on", violation_date), violation_date=violation_date, form=form,
        number=extra.pop("number", "01/QĐ-KL"), decision_date=decision_date, signer="Giám đốc Sở", **extra)


def open_case(world, *, violation_date, discovered_on=None, opened_on=None, subject=None, **extra):
    discovered_on = discovered_on or violation_date
    return services.decision_open(actor=world.head_dept, subject=subject or world.staff_division,
                                  summary="Vi phạm quy chế làm việc", discovered_on=discovered_on,
                                  violation_date=violation_date, opened_on=opened_on or discovered_on, **extra)


def issue(world, case, *, form=DisciplineForm.REPRIMAND, decision_date, **extra):
    return services.decision_issue(actor=world.head_dept, decision=case, form=form, number=extra.pop("number", "5/QĐ"),
                                   decision_date=decision_date, signer="Giám đốc Sở", **extra)


def public_employee(user):
    user.staff_group = StaffGroup.PUBLIC_EMPLOYEE
    user.save()
    return user


# -- 1. viên chức: Decree 112/2020 to 30/06/2026, Decree 234/2026 from 01/07/2026 -----------------


@pytest.mark.django_db
def test_public_employees_are_disciplined_under_decree_234_from_1_july_2026(world):
    public_employee(world.staff_division)
    june = decide(world, decision_date=date(2026, 6, 30), violation_date=date(2026, 5, 4), number="1/QĐ")
    july = decide(world, form=DisciplineForm.WARNING, decision_date=date(2026, 7, 1),
                  violation_date=date(2026, 5, 5), number="2/QĐ")
    assert "112/2020" in june.form_rule.legal_basis and june.form_rule.valid_to == date(2026, 6, 30)
    assert "234/2026" in july.form_rule.legal_basis and july.form_rule.valid_from == date(2026, 7, 1)
    assert "234/2026" in july.rule_set.name
    # The same four forms: cách chức for managers only.
    forms = [r.form for r in rules.form_rules_for(system=DisciplineSystem.STATE, staff_group=StaffGroup.PUBLIC_EMPLOYEE,
                                                  is_leader=True, on=date(2026, 7, 1))]
    assert forms == [DisciplineForm.REPRIMAND, DisciplineForm.WARNING, DisciplineForm.DISMISSAL,
                     DisciplineForm.FORCED_RESIGNATION]
    with pytest.raises(ValidationError):
        decide(world, form=DisciplineForm.DISMISSAL, decision_date=date(2026, 7, 2), violation_date=date(2026, 5, 6))


@pytest.mark.django_db
def test_the_rule_set_of_a_staff_group_wins_over_the_general_one():
    civil = rules.rule_set_for(date(2026, 3, 1), staff_group=StaffGroup.CIVIL_SERVANT)
    public = rules.rule_set_for(date(2026, 3, 1), staff_group=StaffGroup.PUBLIC_EMPLOYEE)
    assert "172/2025" in civil.processing_basis and civil.several_violations == "heaviest"
    assert public.staff_group == StaffGroup.PUBLIC_EMPLOYEE and "112/2020" in public.processing_basis
    assert public.several_violations == "one_level_heavier"


# -- 2. Party discipline ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_party_expulsion_level_violation_from_2014_is_not_time_barred_in_2026(world):
    world.staff_division.is_party_member = True
    world.staff_division.save()
    limitation = rules.limitation_for(violation_date=date(2014, 4, 1), decision_date=date(2026, 3, 1),
                                      form=DisciplineForm.EXPULSION, system=DisciplineSystem.PARTY)
    assert not limitation.applies and "69-QĐ/TW" in limitation.basis
    decision = decide(world, system=DisciplineSystem.PARTY, form=DisciplineForm.EXPULSION,
                      decision_date=date(2026, 3, 1), violation_date=date(2014, 4, 1),
                      discovered_on=date(2026, 1, 10), number="12-QĐ/UBKT")
    assert decision.status == DecisionStatus.ISSUED and decision.rule_set.system == DisciplineSystem.PARTY
    # A State warning for the same year of violation is time-barred after ten years.
    with pytest.raises(ValidationError):
        decide(world, form=DisciplineForm.WARNING, decision_date=date(2026, 3, 1), violation_date=date(2014, 4, 1),
               discovered_on=date(2026, 1, 10), number="13/QĐ")


@pytest.mark.django_db
def test_party_limitation_is_5_and_10_years_and_was_2_and_5_under_102_qd_tw():
    reprimand = rules.limitation_for(violation_date=date(2020, 1, 10), decision_date=date(2025, 1, 10),
                                     form=DisciplineForm.REPRIMAND, system=DisciplineSystem.PARTY)
    assert reprimand.years == 5 and reprimand.allows(date(2025, 1, 10)) and "69-QĐ/TW" in reprimand.basis
    dismissal = rules.limitation_for(violation_date=date(2014, 3, 1), decision_date=date(2024, 3, 2),
                                     form=DisciplineForm.DISMISSAL, system=DisciplineSystem.PARTY)
    assert dismissal.years == 10 and not dismissal.allows(date(2024, 3, 2))
    before = rules.limitation_for(violation_date=date(2016, 1, 1), decision_date=date(2022, 11, 14),
                                  form=DisciplineForm.EXPULSION, system=DisciplineSystem.PARTY)
    assert before.applies and before.years == 5 and not before.allows(date(2022, 11, 14))
    assert "102-QĐ/TW" in before.basis


@pytest.mark.django_db
def test_a_probationary_member_cannot_be_offered_dismissal(world):
    forms = [r.form for r in rules.form_rules_for(system=DisciplineSystem.PARTY, staff_group="", is_leader=False,
                                                  on=date(2026, 3, 1), party_subject=PartySubject.PROBATIONARY)]
    assert forms == [DisciplineForm.REPRIMAND, DisciplineForm.WARNING]
    for form in (DisciplineForm.DISMISSAL, DisciplineForm.EXPULSION):
        with pytest.raises(ValidationError) as refused:
            decide(world, system=DisciplineSystem.PARTY, party_subject=PartySubject.PROBATIONARY, form=form,
                   decision_date=date(2026, 3, 1), violation_date=date(2026, 1, 5))
        assert "69-QĐ/TW" in " ".join(refused.value.message_dict["form"])
    assert not world.staff_division.disciplinary_decisions.exists()
    warned = decide(world, system=DisciplineSystem.PARTY, party_subject=PartySubject.PROBATIONARY,
                    form=DisciplineForm.WARNING, decision_date=date(2026, 3, 1), violation_date=date(2026, 1, 5))
    assert warned.party_subject == PartySubject.PROBATIONARY
    assert warned.form_rule.party_subject == PartySubject.PROBATIONARY


@pytest.mark.django_db
def test_a_party_organisation_is_reprimanded_warned_or_dissolved(world):
    cell = UnitFactory(parent=world.dept, code="CB1", name="Chi bộ Phòng Tổ chức", kind=UnitKind.PARTY_COMMITTEE)
    with pytest.raises(ValidationError):
        services.decision_record(actor=world.head_dept, subject=None, subject_unit=cell, system=DisciplineSystem.PARTY,
                                 party_subject=PartySubject.ORGANISATION, summary="Buông lỏng lãnh đạo",
                                 discovered_on=date(2026, 2, 1), violation_date=date(2026, 1, 5),
                                 form=DisciplineForm.EXPULSION, number="3-QĐ/UBKT", decision_date=date(2026, 3, 1),
                                 signer="Chủ nhiệm UBKT")
    decision = services.decision_record(
        actor=world.head_dept, subject=None, subject_unit=cell, system=DisciplineSystem.PARTY,
        summary="Buông lỏng lãnh đạo, để nhiều đảng viên vi phạm", discovered_on=date(2026, 2, 1),
        violation_date=date(2026, 1, 5), form=DisciplineForm.DISSOLUTION, number="4-QĐ/UBKT",
        decision_date=date(2026, 3, 1), signer="Chủ nhiệm UBKT")
    assert decision.subject is None and decision.subject_unit == cell
    assert decision.party_subject == PartySubject.ORGANISATION and decision.form == DisciplineForm.DISSOLUTION
    assert "69-QĐ/TW" in decision.form_rule.legal_basis
    assert str(decision) == "4-QĐ/UBKT — Chi bộ Phòng Tổ chức"
    # It counts for no person's rating.
    assert people_disciplined_in_year(2026) == set()
    # State discipline cannot be opened on an organisation.
    with pytest.raises(ValidationError):
        services.decision_open(actor=world.head_dept, subject=None, subject_unit=cell, summary="x",
                               discovered_on=date(2026, 2, 1), violation_date=date(2026, 1, 5))


@pytest.mark.django_db
def test_the_state_follow_up_runs_from_the_party_decisions_announcement(world):
    world.staff_division.is_party_member = True
    world.staff_division.save()
    head_division = UserFactory(unit=world.division)
    RoleFactory(user=head_division, unit=world.division, role=Role.HEAD)
    today = timezone.localdate()
    decision = decide(world, system=DisciplineSystem.PARTY, decision_date=today - timedelta(days=40),
                      violation_date=today - timedelta(days=60), number="20-QĐ/UBKT")
    # Not announced yet: no task, and a reminder to record the announcement.
    assert not Task.objects.filter(source_number="20-QĐ/UBKT").exists()
    assert any("announce" in w or "công bố" in w for w in decision.warnings)
    announced = today - timedelta(days=5)
    services.decision_announce(actor=world.head_dept, decision=decision, announced_on=announced)
    task = Task.objects.get(source_number="20-QĐ/UBKT")
    # 30 days from the announcement: still open, though 40 days have passed since the decision.
    assert timezone.localtime(task.deadline).date() == announced + timedelta(days=30) and task.lead == head_division
    assert "234/2026" in task.content
    with pytest.raises(Exception):
        services.decision_announce(actor=world.head_dept, decision=decision, announced_on=today)


@pytest.mark.django_db
def test_the_follow_up_under_102_qd_tw_counts_working_days(world):
    rule_set = rules.rule_set_for(date(2022, 6, 1), system=DisciplineSystem.PARTY)
    assert (rule_set.state_follow_up_days, rule_set.state_follow_up_working_days) == (30, True)
    decision = decide(world, system=DisciplineSystem.PARTY, decision_date=date(2022, 6, 1),
                      violation_date=date(2022, 3, 1), announced_on=date(2022, 6, 3), number="7-QĐ/UBKT")
    due, _rule_set = services.state_follow_up_due(decision)
    assert due == dates.add_working_days(date(2022, 6, 3), 30) == date(2022, 7, 15)
    assert any("102-QĐ/TW" in w for w in decision.warnings)  # long passed


# -- 3. time that does not count ---------------------------------------------------------------


@pytest.mark.django_db
def test_a_60_day_maternity_pause_moves_both_the_limitation_and_the_processing_deadline_by_60_days(world):
    # A reprimand-level violation of 01/06/2021: time-barred after 01/06/2026 without the pause.
    case = open_case(world, violation_date=date(2021, 6, 1), discovered_on=date(2026, 3, 1))
    before = rules.limitation_for(violation_date=case.violation_date, decision_date=date(2026, 7, 15),
                                  form=DisciplineForm.REPRIMAND, staff_group=case.staff_group)
    assert before.expires_on == date(2026, 6, 1) and not before.allows(date(2026, 7, 15))
    window = rules.processing_window(case, today=date(2026, 7, 15))
    assert window.due_on == date(2026, 5, 30)
    services.decision_add_pause(actor=world.head_dept, decision=case, kind=PauseKind.MATERNITY,
                                starts_on=date(2026, 3, 10), ends_on=date(2026, 5, 8))
    after = rules.limitation_for(violation_date=case.violation_date, decision_date=date(2026, 7, 15),
                                 form=DisciplineForm.REPRIMAND, staff_group=case.staff_group,
                                 pauses=list(case.pauses.all()))
    assert after.paused == 60 and after.expires_on == date(2026, 7, 31)
    assert rules.processing_window(case, today=date(2026, 7, 15)).due_on == date(2026, 7, 29)
    issued = issue(world, case, decision_date=date(2026, 7, 15))
    assert issued.status == DecisionStatus.ISSUED
    assert not [w for w in issued.warnings if "processing" in w.lower() or "xử lý" in w]


@pytest.mark.django_db
def test_criminal_proceedings_and_complaints_do_not_count_either(world):
    case = open_case(world, violation_date=date(2021, 6, 1), discovered_on=date(2026, 5, 1))
    # Criminal proceedings before the discovery: the limitation stops, the processing time had not begun.
    services.decision_add_pause(actor=world.head_dept, decision=case, kind=PauseKind.PROSECUTION,
                                starts_on=date(2026, 4, 1), ends_on=date(2026, 4, 30))
    services.decision_add_pause(actor=world.head_dept, decision=case, kind=PauseKind.COMPLAINT,
                                starts_on=date(2026, 5, 11), ends_on=date(2026, 5, 20))
    limitation = services.issue_checks(case, form=DisciplineForm.REPRIMAND, decision_date=date(2026, 7, 10)).limitation
    assert limitation.paused == 40 and limitation.expires_on == date(2026, 7, 11)
    assert "172/2025" in limitation.describe()
    assert rules.processing_window(case, today=date(2026, 7, 10)).paused == 10
    with pytest.raises(ValidationError):
        services.issue_checks(case, form=DisciplineForm.REPRIMAND, decision_date=date(2026, 7, 12))


@pytest.mark.django_db
def test_a_pause_cannot_start_before_the_violation(world):
    case = open_case(world, violation_date=date(2026, 3, 1), discovered_on=date(2026, 4, 1))
    with pytest.raises(ValidationError) as refused:
        services.decision_add_pause(actor=world.head_dept, decision=case, kind=PauseKind.ILLNESS,
                                    starts_on=date(2026, 2, 28))
    assert "starts_on" in refused.value.message_dict


# -- 6. several violations, a violation while a discipline is in force, a change of decree -----------


@pytest.mark.django_db
def test_several_violations_take_the_heaviest_form_under_decree_172(world):
    decision = decide(world, decision_date=date(2026, 3, 1), violation_date=date(2026, 1, 5),
                      warranted_form=DisciplineForm.REPRIMAND, violation_count=3)
    assert not [w for w in decision.warnings if "172/2025" in w and "at least" in w]
    assert decision.warnings == []


@pytest.mark.django_db
def test_several_violations_go_one_level_above_the_heaviest_under_decree_112(world):
    decision = decide(world, decision_date=date(2025, 6, 1), violation_date=date(2025, 3, 5),
                      warranted_form=DisciplineForm.REPRIMAND, violation_count=2)
    assert len(decision.warnings) == 1
    assert str(DisciplineForm.WARNING.label) in decision.warnings[0] and "112/2020" in decision.warnings[0]
    heavier = decide(world, form=DisciplineForm.WARNING, decision_date=date(2025, 6, 2),
                     violation_date=date(2025, 3, 6), warranted_form=DisciplineForm.REPRIMAND, violation_count=2,
                     number="2/QĐ")
    assert not [w for w in heavier.warnings if "112/2020" in w and "2 " in w]


@pytest.mark.django_db
def test_a_new_violation_heavier_than_the_discipline_in_force_goes_one_level_above_its_own_form(world):
    decide(world, decision_date=date(2026, 2, 1), violation_date=date(2026, 1, 15), number="1/QĐ")
    # The new violation warrants a warning, heavier than the reprimand in force: one level above a
    # warning is forced resignation for a civil servant who is not a leader (Decree 172/2025).
    decision = decide(world, form=DisciplineForm.WARNING, decision_date=date(2026, 6, 1),
                      violation_date=date(2026, 5, 10), warranted_form=DisciplineForm.WARNING, number="2/QĐ")
    assert any("1/QĐ" in w and str(DisciplineForm.FORCED_RESIGNATION.label) in w for w in decision.warnings)
    # Warranting no more than the form in force: one level above the form in force is enough.
    lighter = decide(world, form=DisciplineForm.WARNING, decision_date=date(2026, 6, 2),
                     violation_date=date(2026, 5, 11), warranted_form=DisciplineForm.REPRIMAND, number="3/QĐ")
    assert not any("1/QĐ" in w for w in lighter.warnings)


@pytest.mark.django_db
def test_a_case_in_process_when_the_decree_changes_keeps_the_old_one(world):
    # Opened on 20/06/2025 under Decree 112/2020, decided on 05/07/2025 under Decree 172/2025:
    # salary step reduction, abolished on 01/07/2025, may still be applied.
    case = open_case(world, violation_date=date(2025, 5, 2), opened_on=date(2025, 6, 20))
    issued = issue(world, case, form=DisciplineForm.SALARY_DOWNGRADE, decision_date=date(2025, 7, 5))
    assert "112/2020" in issued.form_rule.legal_basis
    assert any("20/06/2025" in w for w in issued.warnings)
    # A case opened on 01/07/2025 is decided by Decree 172/2025 alone.
    with pytest.raises(ValidationError):
        decide(world, form=DisciplineForm.SALARY_DOWNGRADE, decision_date=date(2025, 7, 5),
               violation_date=date(2025, 5, 3), opened_on=date(2025, 7, 1), number="2/QĐ")


@pytest.mark.django_db
def test_a_case_in_process_takes_the_more_favourable_rule_for_several_violations(world):
    public_employee(world.staff_division)
    # Opened under Decree 112/2020 (one level above the heaviest), decided under Decree 234/2026
    # (the heaviest): the more favourable rule applies, so a reprimand for two reprimand-level
    # violations draws no warning ...
    case = open_case(world, violation_date=date(2026, 5, 2), opened_on=date(2026, 6, 15))
    kept = issue(world, case, decision_date=date(2026, 7, 10), warranted_form=DisciplineForm.REPRIMAND,
                 violation_count=2)
    assert "112/2020" in kept.form_rule.legal_basis
    assert not [w for w in kept.warnings if str(DisciplineForm.WARNING.label) in w]
    # ... while the same case decided before 01/07/2026 must go one level heavier.
    other = open_case(world, violation_date=date(2026, 5, 3), opened_on=date(2026, 6, 15))
    warned = issue(world, other, decision_date=date(2026, 6, 25), warranted_form=DisciplineForm.REPRIMAND,
                   violation_count=2, number="6/QĐ")
    assert any(str(DisciplineForm.WARNING.label) in w and "112/2020" in w for w in warned.warnings)


@pytest.mark.django_db
def test_every_seeded_discipline_rule_set_names_its_bases():
    for rule_set in DisciplineRuleSet.objects.all():
        assert rule_set.limitation_basis
        if rule_set.system == DisciplineSystem.STATE:
            assert rule_set.processing_basis and rule_set.several_violations and rule_set.several_violations_basis
        else:
            assert rule_set.state_follow_up_days and rule_set.state_follow_up_basis


# -- the API and the page ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_api_refuses_dismissal_of_a_probationary_member_and_records_the_announcement(world):
    from rest_framework.test import APIClient

    world.staff_division.is_party_member = True
    world.staff_division.save()
    client = APIClient()
    client.force_authenticate(world.head_dept)
    today = timezone.localdate()
    case = {"subject": world.staff_division.pk, "system": "party", "party_subject": "probationary",
            "summary": "Vi phạm điều lệ", "discovered_on": (today - timedelta(days=10)).isoformat(),
            "violation_date": (today - timedelta(days=20)).isoformat()}
    issue_data = {"number": "9-QĐ/UBKT", "decision_date": (today - timedelta(days=3)).isoformat(), "signer": "UBKT",
                  "public_duty": True}
    refused = client.post("/api/v1/decisions/", {**case, "issue": {**issue_data, "form": "dismissal"}}, format="json")
    assert refused.status_code == 400 and "form" in refused.json()
    assert not world.staff_division.disciplinary_decisions.exists()
    created = client.post("/api/v1/decisions/", {**case, "issue": {**issue_data, "form": "warning"}}, format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["party_subject"] == "probationary" and body["announced_on"] is None
    announced = client.post(f"/api/v1/decisions/{body['id']}/announce/", {"announced_on": today.isoformat()},
                            format="json")
    assert announced.status_code == 200 and announced.json()["announced_on"] == today.isoformat()
    assert client.post(f"/api/v1/decisions/{body['id']}/announce/", {"announced_on": today.isoformat()},
                       format="json").status_code == 409
    outsider = APIClient()
    outsider.force_authenticate(world.outsider)
    assert outsider.post(f"/api/v1/decisions/{body['id']}/announce/", {"announced_on": today.isoformat()},
                         format="json").status_code == 404


@pytest.mark.django_db
def test_the_decision_page_offers_the_announcement_of_a_party_decision_and_records_it(world, client):
    from django.urls import reverse

    world.staff_division.is_party_member = True
    world.staff_division.save()
    today = timezone.localdate()
    decision = decide(world, system=DisciplineSystem.PARTY, decision_date=today - timedelta(days=2),
                      violation_date=today - timedelta(days=30), number="30-QĐ/UBKT")
    client.force_login(world.head_dept)
    page = client.get(reverse("inspections:decision", args=[decision.pk]))
    assert reverse("inspections:decision_announce", args=[decision.pk]) in page.content.decode()
    response = client.post(reverse("inspections:decision_announce", args=[decision.pk]),
                           {"announce-announced_on": today.strftime("%d/%m/%Y")})
    assert response.status_code == 302
    decision.refresh_from_db()
    assert decision.announced_on == today
    assert Task.objects.filter(source_number="30-QĐ/UBKT").exists()
    # The subject sees the page, without the action.
    client.force_login(world.staff_division)
    page = client.get(reverse("inspections:decision", args=[decision.pk])).content.decode()
    assert reverse("inspections:decision_announce", args=[decision.pk]) not in page


@pytest.mark.django_db
def test_the_case_form_records_a_probationary_members_party_discipline_and_refuses_dismissal(world, client):
    from django.urls import reverse

    world.staff_division.is_party_member = True
    world.staff_division.save()
    client.force_login(world.head_dept)
    today = timezone.localdate()
    post = {"subject": world.staff_division.pk, "system": "party", "party_subject": "probationary",
            "discovered_on": (today - timedelta(days=10)).strftime("%d/%m/%Y"),
            "violation_date": (today - timedelta(days=20)).strftime("%d/%m/%Y"),
            "summary": "Vi phạm điều lệ Đảng", "record_now": "1", "issue-form": "dismissal", "issue-number": "3-QĐ/UBKT",
            "issue-decision_date": today.strftime("%d/%m/%Y"), "issue-signer": "UBKT Đảng ủy",
            "issue-public_duty": "yes"}
    refused = client.post(reverse("inspections:decision_create"), post)
    assert refused.status_code == 200 and "69-QĐ/TW" in refused.content.decode()
    assert not world.staff_division.disciplinary_decisions.exists()
    accepted = client.post(reverse("inspections:decision_create"), {**post, "issue-form": "warning"})
    assert accepted.status_code == 302
    decision = world.staff_division.disciplinary_decisions.get()
    assert (decision.party_subject, decision.form) == (PartySubject.PROBATIONARY, DisciplineForm.WARNING)
    page = client.get(accepted["Location"]).content.decode()
    assert str(PartySubject.PROBATIONARY.label) in page


def test_a_state_decision_on_a_party_member_asks_to_notify_the_party_within_the_days_the_rules_set(world):
    from notifications.models import Notification

    world.staff_division.is_party_member = True
    world.staff_division.save()
    today = timezone.localdate()
    services.decision_record(actor=world.head_dept, subject=world.staff_division, summary="Đi muộn nhiều lần",
                             discovered_on=today - timedelta(days=5), violation_date=today - timedelta(days=10),
                             form="reprimand", number="7/QĐ", decision_date=today, signer="Giám đốc")
    notice = Notification.objects.get(recipient=world.head_dept, verb="decision.notify_party")
    assert f"trong {rules.PARTY_NOTICE_DAYS} ngày" in notice.message and rules.PARTY_NOTICE_DAYS == 5
    assert rulebook.registered_constant("inspections.party_notice_days").value == rules.PARTY_NOTICE_DAYS
