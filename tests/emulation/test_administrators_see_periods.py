"""The organisation's administrator — a superuser too, as the seeded province administrator is —
and a superuser without any role read every emulation period of the organisation, the ones they
open themselves included, with its ratings and council sessions. Outsiders still get 404.

The superuser branch of the reading filter used to be the empty condition Q(), which an OR with
the "periods above my unit" condition silently drops (Q() | Q(x) is Q(x)): 201 on create, then 404."""

import pytest
from rest_framework.test import APIClient

from accounts.models import Role, UnitKind
from emulation import access, scoring, services
from emulation.models import Period, Rating, Title
from tests.emulation.conftest import AFTER_THE_YEAR, YEAR, at, task_row
from tests.emulation.test_council import members, open_session, rated_people, to_voting
from tests.factories import RoleFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def _office(world):
    """The province's administrative office, where the administrator works (beside the departments)."""
    return UnitFactory(parent=world.province, code="VP", name="Văn phòng UBND tỉnh", kind=UnitKind.OTHER)


@pytest.fixture(params=["admin_superuser", "admin", "superuser"])
def administrator(request, world):
    office = _office(world)
    if request.param == "superuser":
        return UserFactory(full_name="Quản trị hệ thống", unit=None, is_superuser=True, is_staff=True)
    user = UserFactory(full_name="Quản trị viên tỉnh", unit=office, is_superuser=request.param == "admin_superuser")
    RoleFactory(user=user, unit=world.province, role=Role.ADMIN)
    return user


def test_the_administrator_reads_the_period_it_opened_with_its_ratings_and_sessions(world, administrator):
    client = api(administrator)
    created = client.post("/api/v1/emulation/periods/", {"unit": world.dept.pk, "year": YEAR}, format="json")
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assert client.get(f"/api/v1/emulation/periods/{pk}/").status_code == 200
    assert pk in [p["id"] for p in client.get("/api/v1/emulation/periods/").json()["results"]]

    period = Period.objects.get(pk=pk)
    person = rated_people(world, period, 1)[0]
    task_row(world.staff_division, deadline=at(3, 1))
    scoring.compute_period(period, now=AFTER_THE_YEAR)
    ratings = client.get(f"/api/v1/emulation/periods/{pk}/ratings/").json()
    assert {person.pk, world.staff_division.pk} <= {r["person"]["id"] for r in ratings["results"]}
    assert client.get(f"/api/v1/emulation/periods/{pk}/ratings/{person.pk}/").status_code == 200

    period = to_voting(period, administrator)
    nomination = services.nomination_create(actor=world.head_dept, period=period, title=Title.LDTT, person=person)
    session = open_session(administrator, period, members(3, world.dept))
    shown = client.get(f"/api/v1/emulation/sessions/{session.pk}/")
    assert shown.status_code == 200 and shown.json()["id"] == session.pk
    assert nomination.pk in [n["id"] for n in client.get(f"/api/v1/emulation/periods/{pk}/nominations/").json()["results"]]

    for outsider in (world.outsider, world.admin_b):
        stranger = api(outsider)
        assert stranger.get(f"/api/v1/emulation/periods/{pk}/").status_code == 404
        assert stranger.get(f"/api/v1/emulation/periods/{pk}/ratings/{person.pk}/").status_code == 404
        assert stranger.get(f"/api/v1/emulation/sessions/{session.pk}/").status_code == 404
        assert pk not in [p["id"] for p in stranger.get("/api/v1/emulation/periods/").json()["results"]]


def test_the_superuser_branch_survives_every_emulation_filter(world, period):
    """Each reading queryset answers a superuser with every row, not only the rows the OR-ed
    conditions let in (their own rating, their seats, the periods above their unit)."""
    task_row(world.staff_division, deadline=at(3, 1))
    scoring.compute_period(period, now=AFTER_THE_YEAR)
    root = UserFactory(full_name="Quản trị hệ thống", unit=_office(world), is_superuser=True)
    assert list(access.periods_visible_to(root)) == [period]
    assert access.ratings_visible_to(root).count() == Rating.objects.count() > 0
    assert access.get_rating_for_user(root, period, world.staff_division.pk).person == world.staff_division
