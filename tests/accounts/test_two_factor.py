"""Two-step sign-in through the real pages: password, then a TOTP code computed from the
device's key exactly as an authenticator app computes it."""

import logging
import re
import time
from base64 import b32decode

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from tests.clients import Client, current_code

pytestmark = pytest.mark.django_db

PASSWORD = "secret-pass-123"


def sign_in(client, user):
    return client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})


def enter_code(client, url, code, next_url=""):
    return client.post(url, {"code": code, "next": next_url})


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def key_on_page(response) -> bytes:
    """The key as the official types it into the app, read off the set-up page."""
    secret = re.search(r'data-testid="totp-secret">([A-Z2-7 ]+)<', response.content.decode()).group(1).replace(" ", "")
    return b32decode(secret + "=" * (-len(secret) % 8))


def code_for(key: bytes) -> str:
    return f"{TOTP(key).token():06d}"


def turn_on(client, user):
    """The user (signed in) sets up an authenticator on the set-up page."""
    key = key_on_page(client.get(reverse("accounts:two_factor_setup")))
    answer = enter_code(client, reverse("accounts:two_factor_setup"), code_for(key))
    assert answer.status_code == 302
    return TOTPDevice.objects.get(user=user, confirmed=True)


def returning_with_device(client, user):
    """The user turned two-step sign-in on earlier and now signs in again with the password."""
    sign_in(client, user)
    device = turn_on(client, user)
    client.post(reverse("accounts:logout"))
    sign_in(client, user)
    return device


def test_an_inspector_must_set_up_the_second_step_before_anything_else(client, world):
    answer = sign_in(client, world.inspector)
    assert answer.status_code == 302
    # Every page leads to the set-up page, remembering where the official was going.
    answer = client.get(reverse("tasks:list"))
    assert answer.status_code == 302
    assert answer["Location"] == reverse("accounts:two_factor_setup") + "?next=%2Ftasks%2F"
    htmx = client.get(reverse("tasks:list"), headers={"HX-Request": "true"})
    assert htmx["HX-Redirect"].startswith(reverse("accounts:two_factor_setup"))
    api = client.get("/api/v1/me/")
    assert api.status_code == 403 and "xác thực hai bước" in api.json()["detail"]

    answer = client.get(reverse("accounts:two_factor_setup"), {"next": "/tasks/"})
    page, key = answer.content.decode(), key_on_page(answer)
    assert "<svg" in page and 'data-testid="totp-secret"' in page
    assert 'class="mainnav"' not in page  # no navigation before the second step

    # A wrong code: a Vietnamese message on the field, nothing confirmed.
    answer = enter_code(client, reverse("accounts:two_factor_setup"), "12 34", "/tasks/")
    assert answer.status_code == 200 and "Nhập đủ sáu chữ số" in answer.content.decode()
    answer = enter_code(client, reverse("accounts:two_factor_setup"), wrong(code_for(key)), "/tasks/")
    assert "Mã không đúng hoặc đã được dùng" in answer.content.decode()
    assert not TOTPDevice.objects.filter(user=world.inspector).exists()
    answer = enter_code(client, reverse("accounts:two_factor_setup"), code_for(key), "/tasks/")
    assert "Nhập sai quá nhiều lần" in answer.content.decode()  # one failure: even the right code waits

    time.sleep(1.1)  # ... a second
    answer = enter_code(client, reverse("accounts:two_factor_setup"), code_for(key), "/tasks/")
    assert answer.status_code == 302 and answer["Location"] == "/tasks/"
    assert TOTPDevice.objects.get(user=world.inspector).bin_key == key
    assert client.get(reverse("tasks:list")).status_code == 200
    assert client.get("/api/v1/me/").status_code == 200


def test_a_code_is_good_once_and_each_sign_in_asks_for_one(client, world):
    sign_in(client, world.council)
    device = turn_on(client, world.council)
    device.refresh_from_db()
    at_use = TOTP(device.bin_key, device.step, device.t0, device.digits)
    at_use.time = device.t0 + device.last_t * device.step + 1
    used = f"{at_use.token():06d}"
    client.post(reverse("accounts:logout"))

    answer = sign_in(client, world.council)
    assert client.get(reverse("home"))["Location"].startswith(reverse("accounts:two_factor_verify"))
    answer = enter_code(client, reverse("accounts:two_factor_verify"), used)
    assert answer.status_code == 200 and "đã được dùng" in answer.content.decode()  # replay refused
    assert client.get(reverse("home")).status_code == 302


def test_the_verify_page_throttles_guessing(client, world):
    device = returning_with_device(client, world.admin_a)
    enter_code(client, reverse("accounts:two_factor_verify"), wrong(current_code(device)))
    answer = enter_code(client, reverse("accounts:two_factor_verify"), current_code(device))
    body = answer.content.decode()
    assert answer.status_code == 200 and "Nhập sai quá nhiều lần" in body  # even the right code must wait
    assert client.get(reverse("home")).status_code == 302


def test_a_next_address_off_the_site_is_not_followed(client, world):
    device = returning_with_device(client, world.inspector)
    answer = enter_code(client, reverse("accounts:two_factor_verify"), current_code(device), "https://evil.example/")
    assert answer.status_code == 302 and answer["Location"] == reverse("home")


def test_a_stolen_password_cannot_enrol_another_phone(client, world):
    sign_in(client, world.inspector)
    device = turn_on(client, world.inspector)
    client.post(reverse("accounts:logout"))
    sign_in(client, world.inspector)  # the thief has the password only
    answer = client.get(reverse("accounts:two_factor_setup"))
    assert answer["Location"] == reverse("accounts:two_factor_verify")
    client.post(reverse("accounts:two_factor_setup"), {"code": "123456"})
    assert list(TOTPDevice.objects.filter(user=world.inspector)) == [device]


def test_optional_for_other_officials_and_then_kept_to(client, world):
    staff = world.staff_division
    assert sign_in(client, staff)["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200  # no second step owed
    assert "Đang tắt" in client.get(reverse("accounts:two_factor")).content.decode()

    device = turn_on(client, staff)
    assert "Đang bật" in client.get(reverse("accounts:two_factor")).content.decode()
    client.post(reverse("accounts:logout"))
    sign_in(client, staff)
    assert client.get(reverse("home"))["Location"].startswith(reverse("accounts:two_factor_verify"))
    enter_code(client, reverse("accounts:two_factor_verify"), current_code(device))

    # Turning it off needs a code from the phone.
    answer = client.post(reverse("accounts:two_factor_off"), {"code": wrong(current_code(device))})
    assert answer.status_code == 400 and TOTPDevice.objects.filter(user=staff).exists()
    time.sleep(1.1)
    answer = client.post(reverse("accounts:two_factor_off"), {"code": current_code(device)})
    assert answer.status_code == 302 and not TOTPDevice.objects.filter(user=staff).exists()
    client.post(reverse("accounts:logout"))
    sign_in(client, staff)
    assert client.get(reverse("home")).status_code == 200


def test_those_who_must_use_it_cannot_turn_it_off(client, world):
    sign_in(client, world.inspector)
    device = turn_on(client, world.inspector)
    answer = client.post(reverse("accounts:two_factor_off"), {"code": current_code(device)}, follow=True)
    assert "không thể tắt" in answer.content.decode()
    assert TOTPDevice.objects.filter(pk=device.pk, confirmed=True).exists()


def test_an_administrator_resets_a_lost_phone_in_their_own_organisation_only(client, world):
    sign_in(client, world.inspector)
    turn_on(client, world.inspector)
    assert client.get(reverse("tasks:list")).status_code == 200

    def admin_client(admin):
        admin.is_staff = True
        admin.save()
        admin.user_permissions.add(*Permission.objects.filter(codename__in=["view_user", "change_user"]))
        other = Client()
        other.force_login(admin)
        return other

    reset = {"action": "reset_two_step_sign_in", "_selected_action": [world.inspector.pk]}
    admin_client(world.admin_b).post(reverse("admin:accounts_user_changelist"), reset)
    assert TOTPDevice.objects.filter(user=world.inspector).exists()  # another organisation: nothing
    admin_client(world.admin_a).post(reverse("admin:accounts_user_changelist"), reset)
    assert not TOTPDevice.objects.filter(user=world.inspector).exists()
    # The inspector's open session is no longer verified: back to setting up.
    assert client.get(reverse("tasks:list"))["Location"].startswith(reverse("accounts:two_factor_setup"))


def test_the_device_admin_of_the_library_is_not_exposed(client, world):
    client.force_login(world.admin_a)
    world.admin_a.is_superuser = world.admin_a.is_staff = True
    world.admin_a.save()
    assert client.get("/admin/otp_totp/totpdevice/").status_code == 404


def test_api_tokens_are_separate_credentials(client, world):
    token = Token.objects.create(user=world.inspector)
    answer = Client().get("/api/v1/me/", headers={"Authorization": f"Token {token.key}"})
    assert answer.status_code == 200


def test_every_step_is_logged(client, world, caplog):
    caplog.set_level(logging.INFO, logger="kycuong.security")
    sign_in(client, world.inspector)
    key = key_on_page(client.get(reverse("accounts:two_factor_setup")))
    enter_code(client, reverse("accounts:two_factor_setup"), wrong(code_for(key)))
    time.sleep(1.1)
    enter_code(client, reverse("accounts:two_factor_setup"), code_for(key))
    lines = [r.getMessage() for r in caplog.records if r.name == "kycuong.security"]
    user = world.inspector.username
    assert any(line.startswith(f"second factor failed user={user} from=127.0.0.1 POST") for line in lines)
    assert any(line.startswith(f"second factor passed user={user} id={world.inspector.pk}") for line in lines)
    assert any(line.startswith(f"second factor turned on user={user} id={world.inspector.pk} from=127.0.0.1 POST")
               for line in lines)
