"""One rule for the client's address: X-Forwarded-For counts only when the request comes from a
configured proxy (TRUSTED_PROXIES), and then its right-most address that is not one of our
proxies. The login lockout (django-axes) and the security log both use it, so a forged header
neither locks an official out nor hides the attacker in the log."""

import logging

import pytest
from axes.models import AccessAttempt
from django.test import RequestFactory
from django.urls import reverse

from accounts.checks import trusted_proxies_check
from accounts.security import client_address

PROXY = "10.0.0.5"
ATTACKER = "203.0.113.66"
OFFICIAL = "198.51.100.20"
FORGED = "192.0.2.1"


def seen(remote, forwarded=None):
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return client_address(RequestFactory().get("/", REMOTE_ADDR=remote, **headers))


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = []
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")  # behind a proxy, but none trusted
    assert seen(ATTACKER, FORGED) == ATTACKER


def test_a_forged_header_from_an_untrusted_peer_does_not_change_the_address(settings):
    settings.TRUSTED_PROXIES = [PROXY]
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    assert seen(ATTACKER, FORGED) == ATTACKER
    assert seen(ATTACKER, f"{FORGED}, {PROXY}") == ATTACKER  # naming our proxy does not make it one


def test_from_a_trusted_proxy_the_right_most_untrusted_address_counts(settings):
    settings.TRUSTED_PROXIES = [PROXY, "10.1.0.0/16"]
    assert seen(PROXY, OFFICIAL) == OFFICIAL
    assert seen(PROXY, f"{FORGED}, {ATTACKER}") == ATTACKER  # the proxy appended what it saw
    assert seen(PROXY, f"{FORGED}, {ATTACKER}, 10.1.2.3") == ATTACKER  # through two of our proxies
    assert seen(PROXY, "10.1.2.3") == "10.1.2.3"  # only proxies: the farthest one
    assert seen(PROXY) == PROXY
    assert seen(PROXY, f"{OFFICIAL}, not-an-address") == PROXY  # garbage where our proxy writes: not believed
    assert seen(PROXY, f"  {OFFICIAL} ") == OFFICIAL
    assert seen("2001:db8::7", OFFICIAL) == "2001:db8::7"


@pytest.mark.django_db
def test_five_wrong_passwords_from_an_attacker_do_not_lock_the_official_out(client, world, settings, caplog):
    """Through the documented proxy: the attacker forges the header, the proxy appends the address
    it really saw."""
    settings.TRUSTED_PROXIES = [PROXY]
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    caplog.set_level(logging.INFO, logger="kycuong.security")
    login = reverse("accounts:login")
    official = world.head_dept
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(login, {"username": official.username, "password": "doan-mo"},
                    REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"{FORGED}, {ATTACKER}")
    # The attacker is locked out, even with the right password ...
    locked = client.post(login, {"username": official.username, "password": "secret-pass-123"},
                         REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=ATTACKER)
    assert locked.status_code == 429
    # ... the official, from their own address through the same proxy, is not.
    answer = client.post(login, {"username": official.username, "password": "secret-pass-123"},
                         REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=OFFICIAL)
    assert answer.status_code == 302 and client.session["_auth_user_id"] == str(official.pk)

    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}
    lines = [record.getMessage() for record in caplog.records if record.name == "kycuong.security"]
    assert f"login failed user={official.username} from={ATTACKER} POST /accounts/login/" in lines
    assert f"lockout user={official.username} from={ATTACKER}" in lines
    assert f"login user={official.username} id={official.pk} from={OFFICIAL} POST /accounts/login/" in lines
    assert not any(FORGED in line for line in lines)


@pytest.mark.django_db
def test_straight_to_the_app_a_forged_header_is_logged_as_the_real_peer(client, world, settings, caplog):
    """Someone who reaches the app servers directly, naming the official's address in the header."""
    settings.TRUSTED_PROXIES = [PROXY]
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    caplog.set_level(logging.INFO, logger="kycuong.security")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("accounts:login"), {"username": world.head_dept.username, "password": "doan-mo"},
                    REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR=OFFICIAL)
    lines = [record.getMessage() for record in caplog.records if record.name == "kycuong.security"]
    assert f"login failed user={world.head_dept.username} from={ATTACKER} POST /accounts/login/" in lines
    assert not any(OFFICIAL in line for line in lines)
    answer = client.post(reverse("accounts:login"), {"username": world.head_dept.username, "password": "secret-pass-123"},
                         REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=OFFICIAL)
    assert answer.status_code == 302


def test_the_deployment_check_asks_for_the_proxies_behind_a_proxy(settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.TRUSTED_PROXIES = []
    assert [warning.id for warning in trusted_proxies_check(None)] == ["accounts.W001"]
    settings.TRUSTED_PROXIES = [PROXY]
    assert trusted_proxies_check(None) == []
