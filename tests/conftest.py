from dataclasses import dataclass

import pytest
from django.db import connection

from accounts.models import Role, Unit, UnitKind, User
from emulation import catalogue as emulation_catalogue
from inspections import catalogue as inspections_catalogue
from tests.clients import Client
from tests.factories import OrganisationFactory, RoleFactory, UnitFactory, UserFactory


@dataclass
class World:
    """Two organisations and the personas the access tests use (healthchecks-style)."""

    province: Unit
    dept: Unit  # head_dept's unit
    division: Unit  # below dept
    sub_division: Unit  # below division (depth 4)
    sibling: Unit  # beside dept
    other_root: Unit  # another organisation
    head_dept: User
    staff_division: User
    colleague_division: User
    head_sibling: User
    member_sibling: User
    inspector: User
    council: User
    admin_a: User
    admin_b: User
    outsider: User


@pytest.fixture
def world(db) -> World:
    org_a = OrganisationFactory(code="A", name="Tỉnh Đắk Lắk")
    org_b = OrganisationFactory(code="B", name="Tỉnh Khác")
    province = UnitFactory(organisation=org_a, code="P", name="UBND tỉnh Đắk Lắk", kind=UnitKind.PEOPLES_COMMITTEE)
    dept = UnitFactory(parent=province, code="D1", name="Sở Nội vụ")
    division = UnitFactory(parent=dept, code="D1A", name="Phòng Tổ chức", kind=UnitKind.DIVISION)
    sub_division = UnitFactory(parent=division, code="D1A1", name="Tổ Biên chế", kind=UnitKind.OTHER)
    sibling = UnitFactory(parent=province, code="D2", name="Sở Tài chính")
    other_root = UnitFactory(organisation=org_b, code="Q", name="UBND tỉnh Khác")

    def person(name, unit, role=None, role_unit=None, **extra):
        user = UserFactory(full_name=name, unit=unit, **extra)
        if role:
            RoleFactory(user=user, unit=role_unit or unit, role=role)
        return user

    return World(
        province=province, dept=dept, division=division, sub_division=sub_division, sibling=sibling,
        other_root=other_root,
        head_dept=person("Lê Thị Hồng", dept, Role.HEAD),
        staff_division=person("Nguyễn Văn A", division, Role.STAFF),
        colleague_division=person("Trần Thị Bích", division),
        head_sibling=person("Phạm Đức Thắng", sibling, Role.HEAD),
        member_sibling=person("Hồ Thanh Tâm", sibling),
        inspector=person("Võ Minh Quân", sibling, Role.INSPECTOR, role_unit=sibling),
        council=person("Đặng Thu Hà", dept, Role.COUNCIL_MEMBER),
        admin_a=person("Trần Quốc Hưng", province, Role.ADMIN),
        admin_b=person("Admin Khác", other_root, Role.ADMIN),
        outsider=person("Người Ngoài", other_root),
    )


@pytest.fixture
def client():
    return Client()


@pytest.fixture
def admin_client(db, admin_user):
    client = Client()
    client.force_login(admin_user)
    return client


@pytest.fixture(autouse=True)
def _rules_survive_flushes(request):
    """A transactional test flushes every table, the rows the data migrations seeded included
    (violation catalogue, discipline, rating and title rules): put them back before the test."""
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or {
        "transactional_db", "live_server"} & set(request.fixturenames)
    if transactional:
        request.getfixturevalue("transactional_db")
        inspections_catalogue.ensure_seeded()
        emulation_catalogue.ensure_seeded()


# Whole-system tests: real processes, real browsers, fuzzing, backups. The README's test command
# runs them; `pytest -m "not slow"` leaves them out while developing.
SLOW_MODULES = {
    "tests/e2e/",
    "tests/core/test_api_fuzzing.py",
    "tests/core/test_backup_restore.py",
    "tests/core/test_sqlite_writers.py",
    "tests/scheduler/test_scale_out.py",
    "tests/tasks/test_overdue_job_killed.py",
}


def pytest_collection_modifyitems(config, items):
    """Whole-system tests are marked `slow`. Tests marked `postgres` need PostgreSQL; on SQLite
    they are skipped with the reason."""
    for item in items:
        path = item.nodeid.split("::", 1)[0]
        if any(path.startswith(module) for module in SLOW_MODULES):
            item.add_marker(pytest.mark.slow)
        if path.startswith("tests/e2e/"):
            item.add_marker(pytest.mark.e2e)
            item.add_marker(pytest.mark.one_run)
    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(reason="PostgreSQL only; the suite's second run (bin/test) covers it")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)
