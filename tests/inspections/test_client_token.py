"""The client token of the finding form: a retry by the same inspector returns their finding; the
same token from another inspector records that inspector's own finding and reveals nothing."""

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from inspections.models import Finding
from tests.inspections.conftest import violation

pytestmark = pytest.mark.django_db


def as_user(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def post_finding(user, inspection, person, description, token):
    return as_user(user).post(f"/api/v1/inspections/{inspection.pk}/findings/", {
        "subject_person": person.pk, "violation_type": violation().pk, "description": description,
        "client_token": token}, format="json")


def test_another_inspectors_token_records_the_callers_own_finding(world, inspectorate, make_inspection):
    inspection = make_inspection()
    theirs = post_finding(inspectorate.leader, inspection, world.colleague_division, "Vắng không lý do", "tok-1")
    assert theirs.status_code == 201, theirs.content
    mine = post_finding(inspectorate.member, inspection, world.staff_division, "Đến muộn 20 phút", "tok-1")
    assert mine.status_code == 201, mine.content
    body = mine.json()
    # The caller gets their own finding, not the other inspector's.
    assert body["id"] != theirs.json()["id"]
    assert body["description"] == "Đến muộn 20 phút" and body["subject_person"]["id"] == world.staff_division.pk
    assert body["recorded_by"] == inspectorate.member.pk
    assert Finding.objects.filter(client_token="tok-1").count() == 2
    # Each inspector's retry returns their own finding, once.
    again = post_finding(inspectorate.member, inspection, world.staff_division, "Đến muộn 20 phút", "tok-1")
    assert again.status_code == 201 and again.json()["id"] == body["id"]
    assert inspection.findings.count() == 2


def test_the_token_is_unique_per_recorder_in_the_database(world, inspectorate, make_inspection, record):
    from django.db import IntegrityError, transaction

    inspection = make_inspection()
    first = record(inspection, actor=inspectorate.member, client_token="tok-2")
    second = record(inspection, actor=inspectorate.leader, client_token="tok-2")
    assert second.pk != first.pk and second.recorded_by == inspectorate.leader
    with pytest.raises(IntegrityError), transaction.atomic():
        Finding.objects.create(
            code="dup", inspection=inspection, subject_person=first.subject_person, subject_unit=first.subject_unit,
            violation_type=first.violation_type, occurred_at=first.occurred_at, description="x",
            severity=first.severity, recorded_by=inspectorate.member, client_token="tok-2",
            explanation_due=first.explanation_due)


def test_a_token_reused_in_another_inspection_is_refused_naming_the_field(world, inspectorate, make_inspection,
                                                                           record):
    first = make_inspection()
    second = make_inspection(overlap_reason="Theo chỉ đạo")
    record(first, actor=inspectorate.member, client_token="tok-3")
    with pytest.raises(ValidationError) as error:
        record(second, actor=inspectorate.member, client_token="tok-3")
    assert "client_token" in error.value.message_dict
    assert second.findings.count() == 0
