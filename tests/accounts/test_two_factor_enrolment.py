"""Setting up two-step sign-in, and when it is owed: the key being set up belongs to the one session
that asked for it and is written nowhere else until a code confirms it; the person hears of every
turn-on and every reset by e-mail; a role or a device that makes the step compulsory counts from
the next request, not the next sign-in."""

import re
from base64 import b32decode

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Role
from tests.clients import Client, current_code
from tests.factories import RoleFactory

pytestmark = pytest.mark.django_db

PASSWORD = "secret-pass-123"
SETUP = "/accounts/two-step/setup/"


def signed_in_with_password(user) -> Client:
    client = Client()
    assert client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD}).status_code == 302
    return client


def key_on_page(response) -> bytes:
    """The key as the official types it into the app, read off the set-up page."""
    secret = re.search(r'data-testid="totp-secret">([A-Z2-7 ]+)<', response.content.decode()).group(1).replace(" ", "")
    return b32decode(secret + "=" * (-len(secret) % 8))


def code_for(key: bytes) -> str:
    return f"{TOTP(key).token():06d}"


def test_each_session_sets_up_its_own_key_and_nothing_is_written_before_a_code(world):
    owner, thief = signed_in_with_password(world.inspector), signed_in_with_password(world.inspector)
    owner_key = key_on_page(owner.get(SETUP))
    thief_key = key_on_page(thief.get(SETUP))
    assert owner_key != thief_key  # the thief's page shows another key than the owner's
    assert key_on_page(owner.get(SETUP)) == owner_key  # reloading keeps the key the app has already
    assert not TOTPDevice.objects.filter(user=world.inspector).exists()  # reading the page writes no device

    # A code from the key shown in one session is refused in another.
    answer = thief.post(SETUP, {"code": code_for(owner_key)})
    assert answer.status_code == 200 and "Mã không đúng" in answer.content.decode()
    assert not TOTPDevice.objects.filter(user=world.inspector).exists()

    assert owner.post(SETUP, {"code": code_for(owner_key)}).status_code == 302
    device = TOTPDevice.objects.get(user=world.inspector)
    assert device.confirmed and device.bin_key == owner_key
    # The thief's own key is worthless now: the account has its device.
    assert thief.get(SETUP)["Location"] == reverse("accounts:two_factor_verify")
    thief.post(SETUP, {"code": code_for(thief_key)})
    assert list(TOTPDevice.objects.filter(user=world.inspector)) == [device]
    assert thief.get(reverse("tasks:list"))["Location"].startswith(reverse("accounts:two_factor_verify"))


def test_the_code_that_confirmed_the_key_cannot_sign_in_again(world):
    owner = signed_in_with_password(world.council)
    key = key_on_page(owner.get(SETUP))
    code = code_for(key)
    assert owner.post(SETUP, {"code": code}).status_code == 302
    again = signed_in_with_password(world.council)
    answer = again.post(reverse("accounts:two_factor_verify"), {"code": code})
    assert answer.status_code == 200 and "đã được dùng" in answer.content.decode()


def test_turning_it_on_is_emailed_to_the_person(world, django_capture_on_commit_callbacks):
    client = signed_in_with_password(world.inspector)
    key = key_on_page(client.get(SETUP))
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(SETUP, {"code": code_for(key)}).status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [world.inspector.email]
    assert "\n" not in message.subject and message.subject.startswith("[Kỷ Cương] Xác thực hai bước đã được bật")
    assert "quản trị viên" in message.body  # who to tell if it was not them


def test_a_reset_by_an_administrator_is_emailed_to_the_person(world, django_capture_on_commit_callbacks):
    Client().force_login(world.inspector)  # has a device
    admin = world.admin_a
    admin.is_staff = True
    admin.save()
    admin.user_permissions.add(*Permission.objects.filter(codename__in=["view_user", "change_user"]))
    client = Client()
    client.force_login(admin)
    reset = {"action": "reset_two_step_sign_in", "_selected_action": [world.inspector.pk, world.staff_division.pk]}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:accounts_user_changelist"), reset)
    assert not TOTPDevice.objects.filter(user=world.inspector).exists()
    # Only the person whose device was removed hears of it (the other had none).
    assert [m.to for m in mail.outbox] == [[world.inspector.email]]
    subject = mail.outbox[0].subject
    assert "\n" not in subject and subject.startswith("[Kỷ Cương] Xác thực hai bước của bạn đã được quản trị viên")
    assert world.admin_a.full_name in mail.outbox[0].body


def test_a_role_that_requires_it_counts_from_the_next_request(world):
    client = signed_in_with_password(world.staff_division)
    assert client.get(reverse("tasks:list")).status_code == 200  # staff: not owed
    RoleFactory(user=world.staff_division, unit=world.division, role=Role.INSPECTOR)
    answer = client.get(reverse("tasks:list"))
    assert answer.status_code == 302 and answer["Location"].startswith(SETUP)
    assert client.get("/api/v1/me/").status_code == 403


def test_admin_site_rights_count_from_the_next_request(world):
    client = signed_in_with_password(world.staff_division)
    assert client.get(reverse("tasks:list")).status_code == 200
    world.staff_division.is_staff = True
    world.staff_division.save()
    assert client.get(reverse("tasks:list"))["Location"].startswith(SETUP)


def test_turning_it_on_in_one_session_binds_the_others_from_their_next_request(world):
    other = signed_in_with_password(world.staff_division)  # password only, e.g. someone who has it
    assert other.get(reverse("tasks:list")).status_code == 200
    owner = signed_in_with_password(world.staff_division)
    key = key_on_page(owner.get(SETUP))
    assert owner.post(SETUP, {"code": code_for(key)}).status_code == 302
    assert other.get(reverse("tasks:list"))["Location"].startswith(reverse("accounts:two_factor_verify"))
    assert owner.get(reverse("tasks:list")).status_code == 200


def test_a_reset_of_an_optional_device_does_not_force_a_new_one(world):
    client = signed_in_with_password(world.staff_division)
    key = key_on_page(client.get(SETUP))
    assert client.post(SETUP, {"code": code_for(key)}).status_code == 302
    TOTPDevice.objects.filter(user=world.staff_division).delete()  # what the reset does
    assert client.get(reverse("tasks:list")).status_code == 200  # optional for staff: nothing owed now
    device = TOTPDevice.objects.create(user=world.staff_division, name="authenticator", confirmed=True)
    assert client.get(reverse("tasks:list"))["Location"].startswith(reverse("accounts:two_factor_verify"))
    assert client.post(reverse("accounts:two_factor_verify"), {"code": current_code(device)}).status_code == 302
