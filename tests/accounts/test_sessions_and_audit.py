"""Sessions end on their own (idle and absolute timeouts) and with the account; password reset
reveals nothing about which accounts exist; sign-ins, failures, lockouts and refusals are logged
with who and where."""

import logging
import re

import pytest
from django.core import mail
from django.urls import reverse
from rest_framework.authtoken.models import Token

from accounts.security import LOGIN_AT, SEEN_AT, SEEN_RESOLUTION_SECONDS

pytestmark = pytest.mark.django_db


def _age_session(client, **seconds_ago):
    session = client.session
    for key, ago in seconds_ago.items():
        session[key] -= ago
    session.save()


def test_an_idle_session_ends(client, world, settings):
    client.force_login(world.staff_division)
    assert client.get(reverse("tasks:list")).status_code == 200
    _age_session(client, _seen_at=settings.SESSION_IDLE_SECONDS + 1)
    response = client.get(reverse("tasks:list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"]).content.decode()
    assert "Phiên làm việc đã kết thúc" in page


def test_activity_keeps_a_session_alive_until_the_absolute_limit(client, world, settings):
    client.force_login(world.staff_division)
    _age_session(client, _seen_at=SEEN_RESOLUTION_SECONDS + 5)
    seen_before = client.session[SEEN_AT]
    assert client.get(reverse("tasks:list")).status_code == 200
    assert client.session[SEEN_AT] > seen_before  # the request counted as activity
    _age_session(client, _login_at=settings.SESSION_ABSOLUTE_SECONDS + 1)
    response = client.get(reverse("api:me"))  # an API call with the session gets a 401, not a page
    assert response.status_code == 401 and "_auth_user_id" not in client.session


def test_reading_pages_does_not_rewrite_the_session_each_time(client, world):
    client.force_login(world.staff_division)
    stamp = client.session[SEEN_AT]
    client.get(reverse("tasks:list"))
    assert client.session[SEEN_AT] == stamp and client.session[LOGIN_AT] == stamp


def test_deactivating_an_account_ends_its_sessions_and_tokens(client, world):
    client.force_login(world.staff_division)
    token = Token.objects.create(user=world.staff_division)
    assert client.get(reverse("api:me")).status_code == 200
    world.staff_division.is_active = False
    world.staff_division.save()
    assert client.get(reverse("tasks:list")).status_code == 302
    assert client.get(reverse("api:me")).status_code == 403  # the session is anonymous now
    response = client.get(reverse("api:me"), HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 403 and world.staff_division.username not in response.content.decode()


def test_password_reset_reveals_nothing_and_works_once(client, world):
    world.staff_division.email = "a.nguyen@daklak.example.gov.vn"
    world.staff_division.save()
    known = client.post(reverse("accounts:password_reset"), {"email": "a.nguyen@daklak.example.gov.vn"})
    unknown = client.post(reverse("accounts:password_reset"), {"email": "khong.ai@daklak.example.gov.vn"})
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"]) == (
        302, reverse("accounts:password_reset_done"))
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["a.nguyen@daklak.example.gov.vn"]
    done = client.get(known["Location"]).content.decode()
    assert "Nếu địa chỉ" in done  # says "if", never "sent to your account"

    link = re.search(r"https?://[^/]+(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)
    form = client.get(link, follow=True)
    assert form.status_code == 200 and form.context["validlink"]
    response = client.post(form.redirect_chain[-1][0] if form.redirect_chain else link,
                           {"new_password1": "Mat-khau-moi-2026!", "new_password2": "Mat-khau-moi-2026!"})
    assert response.status_code == 302
    world.staff_division.refresh_from_db()
    assert world.staff_division.check_password("Mat-khau-moi-2026!")
    again = client.get(link, follow=True)
    assert not again.context["validlink"] and "không còn hiệu lực" in again.content.decode()


def test_sign_ins_failures_lockouts_and_refusals_are_logged(client, world, settings, caplog):
    caplog.set_level(logging.INFO, logger="kycuong.security")
    login = reverse("accounts:login")
    client.post(login, {"username": world.head_dept.username, "password": "secret-pass-123"}, REMOTE_ADDR="10.0.0.7")
    client.post(reverse("accounts:logout"), REMOTE_ADDR="10.0.0.7")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(login, {"username": world.staff_division.username, "password": "sai"}, REMOTE_ADDR="10.0.0.8")
    client.force_login(world.member_sibling)
    client.get(reverse("accounts:person_detail", args=[world.outsider.pk]), REMOTE_ADDR="10.0.0.9")
    lines = [record.getMessage() for record in caplog.records if record.name == "kycuong.security"]
    head, staff, sibling = world.head_dept.username, world.staff_division.username, world.member_sibling.username
    assert f"login user={head} id={world.head_dept.pk} from=10.0.0.7 POST /accounts/login/" in lines
    assert f"logout user={head} from=10.0.0.7 POST /accounts/logout/" in lines
    assert f"login failed user={staff} from=10.0.0.8 POST /accounts/login/" in lines
    assert f"lockout user={staff} from=10.0.0.8" in lines
    assert f"denied 404 user={sibling} from=10.0.0.9 GET /people/{world.outsider.pk}/" in lines
