"""The emulation API: scoped lists, a rating's breakdown and verdicts, the ballot, 404 for outsiders."""

import pytest
from rest_framework.test import APIClient

from emulation import scoring
from emulation.models import Rating, Title
from tests.emulation.conftest import AFTER_THE_YEAR, at, task_row
from tests.emulation.test_council import members, open_session, to_voting

pytestmark = pytest.mark.django_db


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_ranking_rating_and_ballot_through_the_api(world, period, secretary, overdue_withholds):
    task_row(world.staff_division, deadline=at(3, 1))
    overdue = task_row(world.colleague_division, deadline=at(3, 1), status="in_progress")
    scoring.compute_period(period, now=AFTER_THE_YEAR)
    response = api(world.head_dept).post(
        f"/api/v1/emulation/periods/{period.pk}/ratings/{world.staff_division.pk}/general/",
        {"general_points": "15", "general_note": "Đạt"}, format="json")
    assert response.status_code == 200 and response.json()["score"] == "85.00"
    assert api(world.staff_division).post(
        f"/api/v1/emulation/periods/{period.pk}/ratings/{world.staff_division.pk}/general/",
        {"general_points": "30", "general_note": "Tự chấm"}, format="json").status_code == 403  # sees it, may not score it
    scoring.compute_period(period, now=AFTER_THE_YEAR)
    listing = api(secretary).get(f"/api/v1/emulation/periods/{period.pk}/ratings/?withheld=true").json()
    withheld = {r["person"]["id"] for r in listing["results"]}
    assert world.colleague_division.pk in withheld and world.staff_division.pk not in withheld
    detail = api(secretary).get(f"/api/v1/emulation/periods/{period.pk}/ratings/{world.colleague_division.pk}/").json()
    ldtt = next(v for v in detail["verdicts"] if v["title"] == Title.LDTT)
    assert not ldtt["eligible"]
    assert any(e["url"] == f"/tasks/{overdue.pk}/" for c in ldtt["conditions"] for e in c["evidence"])
    assert api(world.outsider).get(f"/api/v1/emulation/periods/{period.pk}/").status_code == 404
    assert api(world.staff_division).get(f"/api/v1/emulation/periods/{period.pk}/ratings/").json()["count"] == 1

    period = to_voting(period, secretary)
    nomination = api(world.head_dept).post(f"/api/v1/emulation/periods/{period.pk}/nominations/", {
        "title": Title.LDTT, "person": world.staff_division.pk}, format="json")
    assert nomination.status_code == 201
    refused = api(world.head_dept).post(f"/api/v1/emulation/periods/{period.pk}/nominations/", {
        "title": Title.LDTT, "person": world.colleague_division.pk}, format="json")
    assert refused.status_code == 400 and "title" in refused.json()  # withheld: the rules refuse it
    council = members(3, world.dept)
    session = open_session(secretary, period, council)
    ballot = {"choices": {str(nomination.json()["id"]): "yes"}}
    assert api(council[0]).post(f"/api/v1/emulation/sessions/{session.pk}/ballot/", ballot,
                                format="json").status_code == 201
    assert api(council[0]).post(f"/api/v1/emulation/sessions/{session.pk}/ballot/", ballot,
                                format="json").status_code == 409
    assert api(world.outsider).post(f"/api/v1/emulation/sessions/{session.pk}/ballot/", ballot,
                                    format="json").status_code == 404
    assert api(world.head_dept).post(f"/api/v1/emulation/sessions/{session.pk}/ballot/", ballot,
                                     format="json").status_code == 403
    close = {"decision_number": "07/QĐ", "decision_date": "2026-12-22"}
    early = api(secretary).post(f"/api/v1/emulation/sessions/{session.pk}/close/", close, format="json")
    assert early.status_code == 400 and "ballots" in early.json()  # one ballot alone is never counted
    for member in council[1:]:
        assert api(member).post(f"/api/v1/emulation/sessions/{session.pk}/ballot/", ballot,
                                format="json").status_code == 201
    closed = api(secretary).post(f"/api/v1/emulation/sessions/{session.pk}/close/", close, format="json")
    assert closed.status_code == 200 and closed.json()["results"][0]["yes"] == 3
    assert Rating.objects.filter(period=period).count() >= 2
