"""The policy: who sees which units and people, on pages and in the API."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from guardian.shortcuts import assign_perm

from accounts.access import people_visible_to, scope_for, units_visible_to
from accounts.models import Role
from tests.factories import RoleFactory, UserFactory

pytestmark = pytest.mark.django_db


def codes(qs):
    return set(qs.values_list("code", flat=True))


def names(qs):
    return set(qs.values_list("full_name", flat=True))


def test_head_sees_their_subtree_and_nothing_else(world):
    assert codes(units_visible_to(world.head_dept)) == {"D1", "D1A", "D1A1"}
    visible = names(people_visible_to(world.head_dept))
    assert {"Lê Thị Hồng", "Nguyễn Văn A", "Trần Thị Bích", "Đặng Thu Hà"} <= visible
    assert visible.isdisjoint({"Phạm Đức Thắng", "Hồ Thanh Tâm", "Người Ngoài", "Trần Quốc Hưng"})


def test_staff_sees_themselves_and_their_own_unit_only(world):
    assert codes(units_visible_to(world.staff_division)) == {"D1A"}
    assert names(people_visible_to(world.staff_division)) == {"Nguyễn Văn A", "Trần Thị Bích"}


def test_administrator_sees_their_organisation_only(world):
    assert codes(units_visible_to(world.admin_a)) == {"P", "D1", "D1A", "D1A1", "D2"}
    assert "Người Ngoài" not in names(people_visible_to(world.admin_a))
    assert codes(units_visible_to(world.admin_b)) == {"Q"}


def test_inspector_and_council_read_the_subtree_of_their_role_unit(world):
    assert codes(units_visible_to(world.inspector)) == {"D2"}
    assert codes(units_visible_to(world.council)) == {"D1", "D1A", "D1A1"}
    assert not scope_for(world.council).is_manager  # reading is not managing


def test_expired_or_future_role_gives_nothing(world):
    from datetime import timedelta

    from django.utils import timezone

    today = timezone.localdate()
    member = world.member_sibling
    RoleFactory(user=member, unit=world.province, role=Role.HEAD, valid_from=today - timedelta(days=30),
                valid_to=today - timedelta(days=1))
    RoleFactory(user=member, unit=world.province, role=Role.ADMIN, valid_from=today + timedelta(days=1))
    assert codes(units_visible_to(member)) == {"D2"}


def test_deactivated_user_sees_nothing(world):
    world.head_dept.is_active = False
    world.head_dept.save()
    world.head_dept._access_scope = None
    assert not units_visible_to(world.head_dept).exists()


def test_guardian_grant_widens_the_scope(world):
    grantee = world.member_sibling
    assert "D1A" not in codes(units_visible_to(grantee))
    assign_perm("accounts.view_unit", grantee, world.division)
    grantee._access_scope = None
    assert codes(units_visible_to(grantee)) == {"D2", "D1A", "D1A1"}


def test_group_grant_widens_the_scope(world):
    from django.contrib.auth.models import Group

    group = Group.objects.create(name="Đoàn kiểm tra")
    world.member_sibling.groups.add(group)
    assign_perm("accounts.view_unit", group, world.dept)
    assert "D1" in codes(units_visible_to(world.member_sibling))
    assert Permission.objects.filter(codename="assign_in_unit").exists()


def test_manage_and_administer_checks(world):
    head = scope_for(world.head_dept)
    assert head.can_manage_unit(world.sub_division) and not head.can_manage_unit(world.sibling)
    assert not head.can_administer_unit(world.dept)
    assert scope_for(world.admin_a).can_administer_unit(world.sub_division)
    assert not scope_for(world.admin_b).can_administer_unit(world.sub_division)


# -- pages ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["accounts:person_detail"])
def test_outsider_gets_404_on_a_person_page(client, world, name):
    client.force_login(world.outsider)
    assert client.get(reverse(name, args=[world.staff_division.pk])).status_code == 404
    client.force_login(world.head_sibling)
    assert client.get(reverse(name, args=[world.staff_division.pk])).status_code == 404
    client.force_login(world.head_dept)
    assert client.get(reverse(name, args=[world.staff_division.pk])).status_code == 200


def test_outsider_gets_404_on_a_unit_page(client, world):
    client.force_login(world.head_sibling)
    assert client.get(reverse("accounts:unit_detail", args=[world.dept.pk])).status_code == 404
    assert client.get(reverse("accounts:unit_detail", args=[999999])).status_code == 404


def test_person_list_page_is_scoped(client, world):
    client.force_login(world.head_dept)
    body = client.get(reverse("accounts:person_list")).content.decode()
    assert "Nguyễn Văn A" in body and "Phạm Đức Thắng" not in body and "Người Ngoài" not in body


def test_anonymous_is_sent_to_login(client, world):
    response = client.get(reverse("accounts:person_list"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_import_page_is_404_for_non_administrators(client, world):
    client.force_login(world.head_dept)
    assert client.get(reverse("accounts:import")).status_code == 404
    assert client.get(reverse("accounts:import_template")).status_code == 404
    client.force_login(world.admin_a)
    assert client.get(reverse("accounts:import")).status_code == 200


# -- API -----------------------------------------------------------------------------


def test_api_person_detail_outsider_404(client, world):
    client.force_login(world.outsider)
    response = client.get(reverse("api:person-detail", args=[world.staff_division.pk]))
    assert response.status_code == 404
    client.force_login(world.head_dept)
    response = client.get(reverse("api:person-detail", args=[world.staff_division.pk]))
    assert response.status_code == 200 and response.json()["full_name"] == "Nguyễn Văn A"


def test_api_lists_are_scoped(client, world):
    client.force_login(world.head_dept)
    people = client.get(reverse("api:person-list"), {"page_size": 200}).json()["results"]
    assert {p["full_name"] for p in people}.isdisjoint({"Phạm Đức Thắng", "Người Ngoài"})
    units = client.get(reverse("api:unit-list")).json()["results"]
    assert {u["code"] for u in units} == {"D1", "D1A", "D1A1"}
    assert {u["code"]: u["parent_id"] for u in units}["D1A"] == world.dept.pk


def test_api_unit_filter_outside_scope_is_404(client, world):
    client.force_login(world.head_dept)
    assert client.get(reverse("api:person-list"), {"unit": world.sibling.pk}).status_code == 404
    assert client.get(reverse("api:person-list"), {"unit": "abc"}).status_code == 404


def test_api_requires_authentication(client, world):
    assert client.get(reverse("api:person-list")).status_code in (401, 403)
    assert client.get(reverse("api:me")).status_code in (401, 403)


def test_api_token_authentication(client, world):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=world.admin_a)
    response = client.get(reverse("api:me"), HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200
    assert response.json()["roles"][0]["role"] == "admin"


def test_api_is_read_only_here(client, world):
    client.force_login(world.admin_a)
    assert client.post(reverse("api:person-list"), {}).status_code == 405
    assert client.delete(reverse("api:person-detail", args=[world.staff_division.pk])).status_code == 405


def test_a_superusers_scope_stays_everything_when_combined(world):
    """The superuser's unit and people conditions keep every row when ORed or ANDed with another
    condition: an empty Q() would vanish in an OR and narrow the superuser to the other side."""
    from django.db.models import Q

    from accounts.access import scope_for
    from accounts.models import Unit, User

    root = UserFactory(username="goc", full_name="Quản trị hệ thống", unit=None, is_superuser=True, is_staff=True)
    scope = scope_for(root)
    assert Unit.objects.filter(scope.units_q() | Q(pk=world.dept.pk)).count() == Unit.objects.count()
    assert User.objects.filter(scope.people_q() | Q(pk=world.outsider.pk)).count() == User.objects.count()
    assert Unit.objects.filter(scope.units_q() & Q(pk=world.dept.pk)).get() == world.dept
