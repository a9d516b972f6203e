"""Several people acting at once on one record: one effect, the others a clear conflict."""

from datetime import date

import pytest

from inspections import services
from inspections.models import (
    DecisionStatus,
    DisciplinaryDecision,
    DisciplineForm,
    Event,
    Finding,
    FindingStatus,
)
from tests.factories import RoleFactory
from tests.tasks.test_concurrency import race


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_many_simultaneous_issues_of_one_decision_one_effect(world):
    case = services.decision_open(actor=world.head_dept, subject=world.staff_division, summary="Vắng mặt",
                                  discovered_on=date(2026, 3, 1), violation_date=date(2026, 2, 20))
    deciders = [world.head_dept] + [RoleFactory(unit=world.dept, role="deputy").user for _ in range(7)]
    outcomes = race(8, lambda i: services.decision_issue(
        actor=deciders[i], decision=DisciplinaryDecision.objects.get(pk=case.pk), form=DisciplineForm.REPRIMAND,
        number=f"{i}/QĐ", decision_date=date(2026, 3, 10), signer="Giám đốc"))
    assert [o for o in outcomes if o == "ok"] == ["ok"], outcomes
    assert all(o == "ok" or o[0] == "conflict" for o in outcomes), outcomes
    case.refresh_from_db()
    assert case.status == DecisionStatus.ISSUED
    assert Event.objects.filter(decision=case, action="issue").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_explanation_and_withdrawal_one_wins(world, make_inspection, record, inspectorate):
    finding = record(make_inspection())
    actions = [
        lambda: services.finding_explain(actor=world.staff_division, finding=Finding.objects.get(pk=finding.pk),
                                         text="Giải trình"),
        lambda: services.finding_withdraw(actor=inspectorate.leader, finding=Finding.objects.get(pk=finding.pk),
                                          reason="Nhầm"),
    ]
    outcomes = race(2, lambda i: actions[i]())
    finding.refresh_from_db()
    # Either order is lawful (a withdrawal may follow an explanation); nothing is lost or doubled.
    assert all(o == "ok" or o[0] == "conflict" for o in outcomes), outcomes
    assert finding.status in (FindingStatus.EXPLAINED, FindingStatus.WITHDRAWN)
    assert Event.objects.filter(finding=finding, action__in=["explain", "withdraw"]).count() == outcomes.count("ok")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_team_members_marking_one_row_of_a_roll_at_once_one_wins(world, make_inspection, inspectorate):
    from inspections.models import InspectionKind, RollCall, RollEntry, RollSubmission

    check = make_inspection(kind=InspectionKind.PUBLIC_SERVICE)
    roll = services.roll_open(actor=inspectorate.leader, inspection=check, unit=world.dept)
    members = [inspectorate.leader, inspectorate.member]
    states = ["present", "unexcused"]
    outcomes = race(2, lambda i: services.roll_submit(
        actor=members[i], roll=RollCall.objects.get(pk=roll.pk), client_token=f"race-{i}",
        entries=[{"person": world.staff_division.pk, "state": states[i], "version": 0}]))
    assert sorted(o if o == "ok" else o[0] for o in outcomes) == ["conflict", "ok"], outcomes
    entry = RollEntry.objects.get(roll=roll, person=world.staff_division)
    winner = outcomes.index("ok")
    assert (entry.state, entry.version, entry.updated_by) == (states[winner], 1, members[winner])
    assert RollSubmission.objects.filter(roll=roll).count() == 1
    # The same submission sent twice at once by one member: applied once, the other answer says so.
    entry_version = entry.version
    replies = []
    race(2, lambda i: replies.append(services.roll_submit(
        actor=inspectorate.member, roll=RollCall.objects.get(pk=roll.pk), client_token="twice",
        entries=[{"person": world.head_dept.pk, "state": "present", "version": 0}])))
    assert sorted(r["replayed"] for r in replies) == [False, True]
    assert RollEntry.objects.get(roll=roll, person=world.head_dept).version == 1
    assert RollEntry.objects.get(pk=entry.pk).version == entry_version
