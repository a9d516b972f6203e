"""DOMAIN.md §2, §7: only a discipline for a violation related to public duty forces the rating KHT,
and a Party and a State decision on the same act count once, whatever their years."""

from datetime import date, datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from inspections import services
from inspections.models import DisciplinaryDecision, DisciplineForm, DisciplineSystem
from inspections.selectors import discipline_effects, people_disciplined_in_year

pytestmark = pytest.mark.django_db


def decide(world, *, decision_date, violation_date, system=DisciplineSystem.STATE, number="01/QĐ-KL", **extra):
    return services.decision_record(
        actor=world.head_dept, subject=extra.pop("subject", world.staff_division), summary="Vắng mặt không lý do",
        discovered_on=extra.pop("discovered_on", violation_date), violation_date=violation_date,
        form=extra.pop("form", DisciplineForm.REPRIMAND), number=number, decision_date=decision_date,
        signer="Bí thư" if system == DisciplineSystem.PARTY else "Giám đốc Sở", system=system, **extra)


def test_a_discipline_for_a_violation_not_related_to_public_duty_does_not_force_kht(world):
    decision = decide(world, decision_date=date(2026, 3, 2), violation_date=date(2026, 2, 10), public_duty=False)
    assert DisciplinaryDecision.objects.get(pk=decision.pk).public_duty is False
    effects = discipline_effects([world.staff_division.pk], 2026)[world.staff_division.pk]
    assert not effects.forces_kht and effects.kht_decisions == []
    # Still a discipline: it keeps the official from the titles.
    assert effects.excludes_individual_titles


def test_a_discipline_for_a_violation_related_to_public_duty_forces_kht(world):
    decide(world, decision_date=date(2026, 3, 2), violation_date=date(2026, 2, 10), public_duty=True)
    effects = discipline_effects([world.staff_division.pk], 2026)[world.staff_division.pk]
    assert effects.forces_kht and [d["number"] for d in effects.kht_decisions] == ["01/QĐ-KL"]


def test_a_january_state_decision_on_an_act_the_party_disciplined_last_year_is_not_counted_twice(
        world, make_inspection, record):
    """§7: a discipline decided in January for a violation already counted in last year's KHT is not
    counted twice — found from the finding both decisions handle, with no tick to remember."""
    finding = record(make_inspection(), occurred_at=timezone.make_aware(datetime(2025, 12, 3, 8, 20)))
    party = services.decision_record(
        actor=world.head_dept, subject=world.staff_division, summary="Vi phạm giờ giấc", findings=[finding],
        discovered_on=date(2025, 12, 3), form=DisciplineForm.REPRIMAND, number="12-QĐ/ĐU",
        decision_date=date(2025, 12, 20), signer="Bí thư Đảng ủy", system=DisciplineSystem.PARTY)
    assert party.counted_in_year == 2025
    state = services.decision_record(
        actor=world.head_dept, subject=world.staff_division, summary="Vi phạm giờ giấc", findings=[finding],
        discovered_on=date(2025, 12, 3), form=DisciplineForm.REPRIMAND, number="02/QĐ-SNV",
        decision_date=date(2026, 1, 12), signer="Giám đốc Sở")
    assert state.same_act_as == party
    assert state.counted_in_year == 2025
    assert world.staff_division.pk not in discipline_effects([world.staff_division.pk], 2026)
    counted = discipline_effects([world.staff_division.pk], 2025)[world.staff_division.pk]
    assert [d["number"] for d in counted.decisions] == ["12-QĐ/ĐU", "02/QĐ-SNV"] and counted.forces_kht


def test_the_same_act_named_by_hand_counts_in_the_year_of_its_first_decision(world):
    party = decide(world, system=DisciplineSystem.PARTY, decision_date=date(2025, 12, 20),
                   violation_date=date(2025, 11, 20), number="12-QĐ/ĐU")
    state = decide(world, decision_date=date(2026, 1, 12), violation_date=date(2025, 11, 20),
                   discovered_on=date(2025, 12, 1), number="02/QĐ-SNV", same_act_as=party)
    assert state.counted_in_year == 2025
    assert world.staff_division.pk in people_disciplined_in_year(2025)
    assert world.staff_division.pk not in people_disciplined_in_year(2026)
    # Withdrawn, the Party decision no longer counts: the State one counts in its own year.
    services.decision_withdraw(actor=world.head_dept, decision=party, reason="Cấp trên hủy quyết định")
    assert DisciplinaryDecision.objects.get(pk=state.pk).counted_in_year == 2026
    assert world.staff_division.pk in people_disciplined_in_year(2026)
    assert world.staff_division.pk not in people_disciplined_in_year(2025)


def test_the_same_act_is_of_the_same_person_and_the_other_system(world):
    party = decide(world, system=DisciplineSystem.PARTY, decision_date=date(2025, 12, 20),
                   violation_date=date(2025, 11, 20))
    state = decide(world, decision_date=date(2025, 12, 22), violation_date=date(2025, 11, 20))
    with pytest.raises(ValidationError) as same_system:
        decide(world, decision_date=date(2026, 1, 12), violation_date=date(2025, 11, 20), same_act_as=state)
    assert "same_act_as" in same_system.value.message_dict
    with pytest.raises(ValidationError) as someone_else:
        decide(world, subject=world.colleague_division, decision_date=date(2026, 1, 12),
               violation_date=date(2025, 11, 20), same_act_as=party)
    assert "same_act_as" in someone_else.value.message_dict
    assert DisciplinaryDecision.objects.count() == 2  # nothing written on a refusal


def test_the_issue_form_asks_whether_the_violation_is_related_to_public_duty(client, world):
    case = services.decision_open(actor=world.head_dept, subject=world.staff_division, summary="Vắng mặt",
                                  discovered_on=date(2026, 3, 1), violation_date=date(2026, 2, 25))
    client.force_login(world.head_dept)
    page = client.get(f"/inspections/discipline/{case.pk}/").content.decode()
    assert 'name="issue-public_duty"' in page and "hoạt động công vụ" in page
    fields = {"issue-form": "reprimand", "issue-number": "03/QĐ-SNV", "issue-decision_date": "2026-03-10",
              "issue-signer": "Giám đốc Sở"}
    client.post(f"/inspections/discipline/{case.pk}/issue/", fields)
    case.refresh_from_db()
    assert case.status == "proceeding"  # unanswered: nothing issued
    client.post(f"/inspections/discipline/{case.pk}/issue/", fields | {"issue-public_duty": "no"})
    case.refresh_from_db()
    assert case.status == "issued" and case.public_duty is False and case.counted_in_year == 2026
    page = client.get(f"/inspections/discipline/{case.pk}/").content.decode()
    assert 'data-testid="public-duty">Không<' in page
