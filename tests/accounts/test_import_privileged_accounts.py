"""The people import never touches an account outside the importer's organisation or a privileged
one (superuser, staff of the admin site): its e-mail would receive the password reset. Such a row
is refused, naming it, and nothing of the file is written."""

import pytest

from accounts.excel import import_units_and_people
from tests.accounts.test_excel_import import workbook_bytes
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(world):
    return UserFactory(username="root", unit=world.province, is_staff=True, is_superuser=True, email="root@example.gov.vn")


@pytest.fixture
def staff_account(world):
    return UserFactory(username="vanhanh", unit=world.province, is_staff=True, email="vanhanh@example.gov.vn")


def _person_row(person, email="ke.gian@example.com"):
    return (person.employee_code, person.full_name, "P", "Chuyên viên", "CC", "", "", None, email, "", person.username)


@pytest.mark.parametrize("target", ["superuser", "staff_account", "without_unit"])
def test_the_import_never_rewrites_a_privileged_or_unattached_account(request, world, target):
    if target == "without_unit":
        victim = UserFactory(username="mocoi", unit=None, email="mocoi@example.gov.vn")
    else:
        victim = request.getfixturevalue(target)
    versions = victim.history.count()
    result = import_units_and_people(workbook_bytes(people=[_person_row(victim)]),
                                     organisation=world.province.organisation, acting_user=world.admin_a)
    assert not result.ok
    (error,) = result.errors
    assert error.row == 2 and victim.employee_code in error.message
    assert "không được nhập" in error.message.lower() or "ngoài tổ chức" in error.message.lower(), error.message
    victim.refresh_from_db()
    assert victim.email.endswith("@example.gov.vn") and victim.history.count() == versions


def test_the_import_refuses_the_whole_file_when_one_row_is_a_privileged_account(world, superuser):
    rows = [_person_row(world.colleague_division, "moi@example.gov.vn"), _person_row(superuser)]
    result = import_units_and_people(workbook_bytes(people=rows), organisation=world.province.organisation)
    assert [error.row for error in result.errors] == [3]
    world.colleague_division.refresh_from_db()
    assert world.colleague_division.email != "moi@example.gov.vn"
