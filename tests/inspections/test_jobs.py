"""The scheduled jobs mark each row once and notify once, however often they run."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from inspections import jobs, services
from inspections.models import (
    DisciplinaryDecision,
    DisciplineForm,
    Event,
    Finding,
    FindingStatus,
    Inspection,
    InspectionKind,
    InspectionStatus,
    Recommendation,
)
from notifications.models import Notification
from scheduler.registry import collect_jobs


@pytest.mark.django_db
def test_the_jobs_are_registered():
    ids = set(collect_jobs())
    assert {"inspections.explanation_deadlines", "inspections.recommendation_deadlines",
            "inspections.conclusion_time_limits", "inspections.discipline_lapse"} <= ids


@pytest.mark.django_db
def test_explanation_deadline_passes_once(world, make_inspection, record, inspectorate):
    late = record(make_inspection())
    due_today = record(late.inspection, person=world.colleague_division)
    Finding.objects.filter(pk=late.pk).update(explanation_due=timezone.localdate() - timedelta(days=1))
    Finding.objects.filter(pk=due_today.pk).update(explanation_due=timezone.localdate())
    jobs.explanation_deadlines()
    jobs.explanation_deadlines()
    late.refresh_from_db()
    assert late.status == FindingStatus.NOT_EXPLAINED
    assert Event.objects.filter(finding=late, action="no_explanation").count() == 1
    assert Notification.objects.filter(recipient=inspectorate.member, verb="finding.not_explained").count() == 1
    assert Notification.objects.filter(recipient=world.colleague_division, verb="finding.explain_today").count() == 1


@pytest.mark.django_db
def test_overdue_recommendations_are_reported_once(world, make_inspection, inspectorate):
    inspection = make_inspection(InspectionStatus.FOLLOW_UP)
    Recommendation.objects.filter(inspection=inspection).update(deadline=timezone.localdate() - timedelta(days=2))
    assert jobs.recommendation_deadlines() == 2  # the team leader and the unit's head
    assert jobs.recommendation_deadlines() == 0
    assert Notification.objects.filter(verb="recommendation.overdue", recipient=world.head_dept).count() == 1


@pytest.mark.django_db
def test_conclusion_time_limits_warn_once(make_inspection, inspectorate):
    inspection = make_inspection(InspectionStatus.REPORTED)
    # Not timed: a public-service check is not thanh tra (Law 84/2025 does not apply to it).
    check = make_inspection(InspectionStatus.REPORTED, kind=InspectionKind.PUBLIC_SERVICE)
    Inspection.objects.filter(pk__in=[inspection.pk, check.pk]).update(reported_at=timezone.now() - timedelta(days=20))
    # Only the assignment of the drafting is overdue: signing counts from receiving the draft, not yet received.
    assert jobs.conclusion_time_limits() == 1
    assert jobs.conclusion_time_limits() == 0
    warned = Notification.objects.filter(recipient=inspectorate.leader, verb="inspection.limit_overdue")
    assert [n.target_id for n in warned] == [inspection.pk]


@pytest.mark.django_db
def test_discipline_effects_lapse_once(world):
    decision = services.decision_record(
        actor=world.head_dept, subject=world.staff_division, summary="Đi muộn nhiều lần",
        discovered_on=date(2024, 12, 1), violation_date=date(2024, 11, 20), form=DisciplineForm.REPRIMAND,
        number="4/QĐ", decision_date=date(2024, 12, 10), signer="Giám đốc")
    assert decision.effect_until == date(2025, 12, 9)
    assert jobs.discipline_lapse() == 1
    assert jobs.discipline_lapse() == 0
    decision.refresh_from_db()
    assert decision.lapsed_at is not None
    assert Event.objects.filter(decision=decision, action="lapse").count() == 1
    assert Notification.objects.filter(recipient=world.staff_division, verb="decision.lapsed").count() == 1
    assert DisciplinaryDecision.objects.count() == 1
