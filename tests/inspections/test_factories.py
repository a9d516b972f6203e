"""The inspections factories write rows the services and selectors read as their own."""

import pytest

from inspections.access import available_actions, can_direct, findings_visible_to, is_team_member
from inspections.models import DecisionStatus, FindingStatus, InspectionStatus, RecommendationStatus, TeamRole
from tests.factories import UnitFactory, UserFactory
from tests.inspections.factories import (
    DisciplinaryDecisionFactory,
    EventFactory,
    FindingFactory,
    InspectionFactory,
    InspectionPlanFactory,
    RecommendationFactory,
    TeamMemberFactory,
    ViolationTypeFactory,
)

pytestmark = pytest.mark.django_db


def test_an_inspection_has_its_leader_on_the_team_and_its_targets():
    target = UnitFactory()
    member = UserFactory()
    inspection = InspectionFactory(targets=[target], members=[member])
    assert inspection.status == InspectionStatus.PLANNED and inspection.code.startswith("TT")
    assert list(inspection.targets.all()) == [target]
    assert {(m.user_id, m.role) for m in inspection.team.all()} == {(inspection.leader_id, TeamRole.LEADER),
                                                                     (member.pk, TeamRole.MEMBER)}
    assert can_direct(inspection.leader, inspection) and is_team_member(member, inspection)
    assert "start" in available_actions(inspection.leader, inspection)
    assert inspection.search_text  # the search text is filled on save
    assert is_team_member(TeamMemberFactory(inspection=inspection).user, inspection)


def test_a_finding_a_recommendation_a_decision_and_an_event():
    finding = FindingFactory()
    assert finding.status == FindingStatus.AWAITING_EXPLANATION and finding.subject_unit == finding.subject_person.unit
    assert findings_visible_to(finding.subject_person).filter(pk=finding.pk).exists()
    assert "explain" in available_actions(finding.subject_person, finding)
    recommendation = RecommendationFactory(inspection=finding.inspection)
    assert recommendation.status == RecommendationStatus.DRAFT
    decision = DisciplinaryDecisionFactory(subject=finding.subject_person)
    assert decision.status == DecisionStatus.PROCEEDING and decision.subject_unit == finding.subject_unit
    event = EventFactory(inspection=finding.inspection)
    assert event.action_display and event.actor == finding.inspection.leader
    plan = InspectionPlanFactory()
    assert plan.organisation == plan.issuing_unit.organisation
    assert ViolationTypeFactory(code="DI_MUON").pk == ViolationTypeFactory(code="DI_MUON").pk
