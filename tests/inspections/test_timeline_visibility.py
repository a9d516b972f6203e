"""The inspection's history shows only the events of records the reader may see: a head who sees
the inspection but not a finding reads neither the subject's name nor their explanation there."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from inspections import services
from inspections.access import findings_visible_to, inspections_visible_to
from inspections.selectors import inspection_timeline_for_user

pytestmark = pytest.mark.django_db

EXPLANATION = "Con ốm nặng phải đưa đi bệnh viện tỉnh"
WITHDRAWAL = "Nhầm người, rút biên bản"


@pytest.fixture
def two_wards(world, make_inspection, record):
    """An inspection of two units; findings on a person of the first, explained and withdrawn."""
    inspection = make_inspection(targets=[world.dept, world.sibling])
    finding = record(inspection, person=world.staff_division)
    services.finding_explain(actor=world.staff_division, finding=finding, text=EXPLANATION)
    other = record(inspection, person=world.colleague_division)
    services.finding_withdraw(actor=inspection.leader, finding=other, reason=WITHDRAWAL)
    return inspection, finding


def test_a_head_of_another_unit_reads_no_event_of_a_finding_they_cannot_see(client, world, two_wards):
    inspection, finding = two_wards
    reader = world.head_sibling
    assert inspections_visible_to(reader).filter(pk=inspection.pk).exists()
    assert not findings_visible_to(reader).filter(pk=finding.pk).exists()
    client.force_login(reader)
    page = client.get(reverse("inspections:detail", args=[inspection.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert EXPLANATION not in text and WITHDRAWAL not in text
    assert world.staff_division.full_name not in text and world.colleague_division.full_name not in text
    # The inspection's own steps are still there.
    actions = [e.action for e in page.context["events"]]
    assert "start" in actions and "explain" not in actions and "record" not in actions


def test_the_team_and_the_subjects_head_read_the_whole_history(client, world, inspectorate, two_wards):
    inspection, _finding = two_wards
    for reader in (inspectorate.leader, world.head_dept):
        client.force_login(reader)
        text = client.get(reverse("inspections:detail", args=[inspection.pk])).content.decode()
        assert EXPLANATION in text and WITHDRAWAL in text, reader


def test_the_timeline_is_one_query_whatever_its_length(world, inspectorate, make_inspection, record, two_wards):
    inspection, _finding = two_wards
    reader = world.head_sibling
    list(inspection_timeline_for_user(reader, inspection))  # the access scope is read once per request
    with CaptureQueriesContext(connection) as short:
        list(inspection_timeline_for_user(reader, inspection))
    for n in range(4):
        record(inspection, person=world.staff_division, occurred_at=timezone.now() - timedelta(hours=n + 1))
    with CaptureQueriesContext(connection) as longer:
        events = list(inspection_timeline_for_user(reader, inspection))
    assert len(short) == len(longer) == 1
    assert all(e.finding_id is None for e in events)
