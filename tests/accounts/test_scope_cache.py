"""The access scope is worked out once and kept in the session; every change that can change it —
a role given, changed, ended or deleted, a grant to the person or to a group of theirs, their
groups, their own unit or rights, a unit moved, another day — is obeyed from the very next request,
in every session of the person."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone
from guardian.shortcuts import assign_perm, remove_perm

from accounts.access import SESSION_KEY, scope_for, with_access_stamp
from accounts.models import Role, RoleAssignment, Unit, User
from tests.clients import Client
from tests.factories import RoleFactory, UnitFactory

pytestmark = pytest.mark.django_db

OUR_APPS = ("accounts", "tasks", "inspections", "emulation", "notifications", "scheduler")
VIEW_UNIT = "accounts.view_unit"


def unit_page(client, unit) -> int:
    return client.get(reverse("accounts:unit_detail", args=[unit.pk])).status_code


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def official(world):
    """A plain official of the division, signed in: the sibling department is outside their scope."""
    client = signed_in(world.staff_division)
    assert unit_page(client, world.sibling) == 404
    return client


@pytest.fixture
def administrator(world) -> Client:
    """The administrator of organisation A on the admin site, as they manage roles there."""
    world.admin_a.is_staff = True
    world.admin_a.save()
    world.admin_a.user_permissions.set(Permission.objects.filter(content_type__app_label__in=OUR_APPS))
    return signed_in(world.admin_a)


def role_form(user, unit, role, valid_from, valid_to=None):
    return {"user": user.pk, "unit": unit.pk, "role": role, "valid_from": valid_from.isoformat(),
            "valid_to": valid_to.isoformat() if valid_to else "", "note": ""}


def change_url(role):
    return reverse("admin:accounts_roleassignment_change", args=[role.pk])


# -- roles ---------------------------------------------------------------------------------------


def test_a_role_given_ended_and_deleted_in_the_admin_counts_from_the_next_request(world, official, administrator):
    today = timezone.localdate()
    person = world.staff_division
    since = today - timedelta(days=30)

    response = administrator.post(reverse("admin:accounts_roleassignment_add"),
                                  role_form(person, world.sibling, Role.HEAD, since))
    assert response.status_code == 302
    role = RoleAssignment.objects.get(user=person, unit=world.sibling)
    assert unit_page(official, world.sibling) == 200

    # Ended yesterday: gone today.
    response = administrator.post(change_url(role), role_form(person, world.sibling, Role.HEAD, since,
                                                              today - timedelta(days=1)))
    assert response.status_code == 302
    assert unit_page(official, world.sibling) == 404

    # Open again, then deleted.
    administrator.post(change_url(role), role_form(person, world.sibling, Role.HEAD, since))
    assert unit_page(official, world.sibling) == 200
    response = administrator.post(reverse("admin:accounts_roleassignment_delete", args=[role.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert unit_page(official, world.sibling) == 404


def test_a_role_handed_to_someone_else_leaves_the_first_holder(world, official, administrator):
    since = timezone.localdate() - timedelta(days=30)
    role = RoleFactory(user=world.staff_division, unit=world.sibling, role=Role.DEPUTY, valid_from=since)
    assert unit_page(official, world.sibling) == 200
    newcomer = signed_in(world.colleague_division)
    assert unit_page(newcomer, world.sibling) == 404

    administrator.post(change_url(role), role_form(world.colleague_division, world.sibling, Role.DEPUTY, since))
    assert unit_page(official, world.sibling) == 404
    assert unit_page(newcomer, world.sibling) == 200


def test_the_bulk_delete_of_the_admin_list_counts_from_the_next_request(world, official, administrator):
    role = RoleFactory(user=world.staff_division, unit=world.sibling, role=Role.HEAD)
    assert unit_page(official, world.sibling) == 200
    response = administrator.post(reverse("admin:accounts_roleassignment_changelist"), {
        "action": "delete_selected", "_selected_action": [role.pk], "post": "yes"})
    assert response.status_code == 302
    assert not RoleAssignment.objects.filter(pk=role.pk).exists()
    assert unit_page(official, world.sibling) == 404


def test_writes_without_signals_count_too(world, official):
    """queryset update(), bulk_create() and bulk_update() send no signal; they raise the version."""
    person = world.staff_division
    [role] = RoleAssignment.objects.bulk_create([RoleAssignment(
        user=person, unit=world.sibling, role=Role.HEAD, valid_from=timezone.localdate() - timedelta(days=5))])
    assert unit_page(official, world.sibling) == 200

    RoleAssignment.objects.filter(user=person, unit=world.sibling).update(valid_to=timezone.localdate() - timedelta(days=1))
    assert unit_page(official, world.sibling) == 404

    role = RoleAssignment.objects.get(user=person, unit=world.sibling)
    role.valid_to = None
    RoleAssignment.objects.bulk_update([role], ["valid_to"])
    assert unit_page(official, world.sibling) == 200

    RoleAssignment.objects.filter(pk=role.pk).delete()
    assert unit_page(official, world.sibling) == 404


def test_every_session_of_the_person_obeys(world, official):
    """Two sessions (as on two app servers: nothing is kept in a process) see the same change."""
    other_session = signed_in(world.staff_division)
    role = RoleFactory(user=world.staff_division, unit=world.sibling, role=Role.HEAD)
    assert unit_page(official, world.sibling) == 200
    assert unit_page(other_session, world.sibling) == 200
    role.delete()
    assert unit_page(official, world.sibling) == 404
    assert unit_page(other_session, world.sibling) == 404


def test_an_instance_loaded_before_a_change_cannot_bring_the_old_scope_back(world, official):
    """Saving a user loaded before their role was taken away writes every field but the version:
    the scope the session keeps from before stays void."""
    role = RoleFactory(user=world.staff_division, unit=world.sibling, role=Role.HEAD)
    assert unit_page(official, world.sibling) == 200
    loaded_before = User.objects.get(pk=world.staff_division.pk)
    role.delete()
    loaded_before.position = "Chuyên viên chính"
    loaded_before.save()
    assert User.objects.get(pk=loaded_before.pk).position == "Chuyên viên chính"
    assert unit_page(official, world.sibling) == 404


# -- the date ------------------------------------------------------------------------------------


@pytest.fixture
def tomorrow(monkeypatch):
    """Lets the test turn the clock to tomorrow (local date), leaving everything else alone."""
    real = timezone.localdate

    def turn():
        def localdate(value=None, timezone=None):
            return real(value, timezone) if value is not None else real() + timedelta(days=1)

        monkeypatch.setattr("django.utils.timezone.localdate", localdate)

    return turn


def test_a_role_that_starts_tomorrow_counts_tomorrow_and_one_that_ends_today_stops(world, official, tomorrow):
    today = timezone.localdate()
    RoleFactory(user=world.staff_division, unit=world.sibling, role=Role.HEAD, valid_from=today + timedelta(days=1))
    RoleFactory(user=world.staff_division, unit=world.other_root, role=Role.DEPUTY,
                valid_from=today - timedelta(days=10), valid_to=today)
    assert unit_page(official, world.sibling) == 404
    assert unit_page(official, world.other_root) == 200
    version = User.objects.get(pk=world.staff_division.pk).access_version

    tomorrow()
    assert unit_page(official, world.sibling) == 200
    assert unit_page(official, world.other_root) == 404
    assert User.objects.get(pk=world.staff_division.pk).access_version == version  # nothing changed but the day


# -- grants and groups ---------------------------------------------------------------------------


def test_a_grant_to_a_group_and_the_membership_count_from_the_next_request(world, official):
    group = Group.objects.create(name="Tổ công tác liên ngành")
    world.staff_division.groups.add(group)
    assert unit_page(official, world.sibling) == 404

    assign_perm(VIEW_UNIT, group, world.sibling)
    assert unit_page(official, world.sibling) == 200
    remove_perm(VIEW_UNIT, group, world.sibling)
    assert unit_page(official, world.sibling) == 404

    assign_perm(VIEW_UNIT, group, world.sibling)
    assert unit_page(official, world.sibling) == 200
    world.staff_division.groups.remove(group)
    assert unit_page(official, world.sibling) == 404
    group.user_set.add(world.staff_division)
    assert unit_page(official, world.sibling) == 200
    group.user_set.clear()
    assert unit_page(official, world.sibling) == 404

    world.staff_division.groups.set([group])
    assert unit_page(official, world.sibling) == 200
    group.delete()
    assert unit_page(official, world.sibling) == 404


def test_a_grant_to_the_person_counts_from_the_next_request(world, official):
    assign_perm(VIEW_UNIT, world.staff_division, world.sibling)
    assert unit_page(official, world.sibling) == 200
    remove_perm(VIEW_UNIT, world.staff_division, world.sibling)
    assert unit_page(official, world.sibling) == 404


# -- the person's own row, and the unit tree -----------------------------------------------------


def test_the_own_unit_and_rights_are_read_from_the_row_of_each_request(world, official):
    person = User.objects.get(pk=world.staff_division.pk)
    User.objects.filter(pk=person.pk).update(unit=world.sibling)  # no signal, no version: the row says it
    assert unit_page(official, world.sibling) == 200
    assert unit_page(official, world.division) == 404
    User.objects.filter(pk=person.pk).update(is_active=False)
    assert official.get(reverse("accounts:unit_detail", args=[world.sibling.pk])).status_code == 302  # signed out


def test_a_kept_scope_takes_superuser_and_unit_from_the_row(world):
    """(A new superuser owes the second step first, so this is shown on the scope itself.)"""

    def as_loaded_for_a_request(session):
        user = with_access_stamp(User.objects.filter(pk=world.staff_division.pk)).get()
        user._access_session = session
        return user

    session = {}
    assert not scope_for(as_loaded_for_a_request(session)).is_superuser
    kept = session[SESSION_KEY]
    User.objects.filter(pk=world.staff_division.pk).update(is_superuser=True, unit=world.sibling)
    scope = scope_for(as_loaded_for_a_request(session))
    assert scope.is_superuser and scope.own_unit_id == world.sibling.pk
    assert session[SESSION_KEY] is kept  # read from the session, not worked out again


def test_a_moved_unit_takes_its_readers_along_and_leaves_its_old_place_behind(world):
    """The head of the division reads its subtree by path. Once the division moves under the other
    department, the path it had is free: a new unit put there must not be theirs."""
    head = RoleFactory(unit=world.division, role=Role.HEAD).user
    head.unit = world.division
    head.save()
    client = signed_in(head)
    assert unit_page(client, world.sub_division) == 200
    old_path = world.division.path

    Unit.objects.move(Unit.objects.get(pk=world.division.pk), Unit.objects.get(pk=world.sibling.pk), pos="last-child")
    newcomer = UnitFactory(parent=Unit.objects.get(pk=world.dept.pk), code="D1B", name="Phòng mới")
    assert newcomer.path == old_path
    assert unit_page(client, world.sub_division) == 200
    assert unit_page(client, newcomer) == 404


def test_a_unit_given_to_another_organisation_changes_what_its_administrators_administer(world):
    """An administrator administers the organisation of the unit they hold the role in."""
    admin_client = signed_in(world.admin_b)
    assert unit_page(admin_client, world.province) == 404
    other = Unit.objects.get(pk=world.other_root.pk)
    other.organisation = world.province.organisation
    other.save()
    assert unit_page(admin_client, world.province) == 200


# -- what it costs -------------------------------------------------------------------------------


def test_the_scope_is_worked_out_at_sign_in_and_read_from_the_session_after(client, world, django_assert_num_queries):
    response = client.post(reverse("accounts:login"), {"username": world.staff_division.username,
                                                       "password": "secret-pass-123"})
    assert response.status_code == 302
    assert client.session[SESSION_KEY]["stamp"][0] == world.staff_division.pk
    # session, user (with the stamp), count, page: neither roles nor grants are read
    with django_assert_num_queries(4):
        assert client.get(reverse("accounts:person_list"), HTTP_HX_REQUEST="true").status_code == 200


def test_a_warm_page_costs_two_queries_less_and_a_change_costs_one_recount(world, django_assert_num_queries):
    client = signed_in(world.head_dept)
    url = reverse("accounts:person_list")
    # Warm: session, user (with the stamp), count, page. Before the scope was kept: 6 (roles, grants).
    with django_assert_num_queries(4):
        assert client.get(url, HTTP_HX_REQUEST="true").status_code == 200
    RoleFactory(user=world.head_dept, unit=world.sibling, role=Role.DEPUTY)
    # After a change: session, user, roles, grants, count, page, and the session written back with
    # the new scope (savepoint, update, release).
    with django_assert_num_queries(9):
        assert client.get(url, HTTP_HX_REQUEST="true").status_code == 200
    with django_assert_num_queries(4):
        assert client.get(url, HTTP_HX_REQUEST="true").status_code == 200


def test_a_group_grant_withdrawn_reaches_whoever_joined_the_group_before_it_committed(
        world, django_capture_on_commit_callbacks):
    """Someone who joins the group in a transaction the withdrawal cannot see may work their scope
    out from the grant as it was; when the withdrawal commits, the members as they are then are
    made to work it out again."""
    group = Group.objects.create(name="Tổ công tác liên ngành")
    assign_perm(VIEW_UNIT, group, world.sibling)
    with django_capture_on_commit_callbacks() as on_commit:
        remove_perm(VIEW_UNIT, group, world.sibling)
    world.staff_division.groups.add(group)  # as if committed meanwhile, after the withdrawal's own raise
    joined = User.objects.get(pk=world.staff_division.pk).access_version
    for callback in on_commit:
        callback()
    assert User.objects.get(pk=world.staff_division.pk).access_version > joined
