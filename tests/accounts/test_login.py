import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def login(client, username, password):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_login_and_logout(client, world):
    response = login(client, world.head_dept.username, "secret-pass-123")
    assert response.status_code == 302 and response["Location"] == reverse("home")
    home = client.get(reverse("home")).content.decode()
    assert 'data-testid="home-head"' in home
    assert client.get(reverse("accounts:logout")).status_code == 405  # logout is POST only
    client.post(reverse("accounts:logout"))
    assert client.get(reverse("home")).status_code == 302


def test_wrong_password_gives_a_vietnamese_message(client, world):
    response = login(client, world.head_dept.username, "sai-mat-khau")
    assert response.status_code == 200 and "Sai tên đăng nhập hoặc mật khẩu" in response.content.decode()


def test_lockout_after_repeated_failures(client, world, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, world.head_dept.username, "sai-mat-khau")
    # Even the right password is refused while locked.
    response = login(client, world.head_dept.username, "secret-pass-123")
    assert response.status_code == 429
    assert "tạm thời bị khóa" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_password_change(client, world):
    client.force_login(world.staff_division)
    response = client.post(reverse("accounts:password_change"), {
        "old_password": "secret-pass-123", "new_password1": "Mot-mat-khau-moi-2026", "new_password2": "Mot-mat-khau-moi-2026",
    })
    assert response.status_code == 302
    world.staff_division.refresh_from_db()
    assert world.staff_division.check_password("Mot-mat-khau-moi-2026")


def test_deactivated_user_cannot_log_in(client, world):
    world.staff_division.is_active = False
    world.staff_division.save()
    response = login(client, world.staff_division.username, "secret-pass-123")
    assert response.status_code == 200 and "_auth_user_id" not in client.session


@pytest.mark.parametrize("persona,section", [
    ("head_dept", "home-head"), ("inspector", "home-inspector"), ("council", "home-council"),
    ("admin_a", "home-admin"), ("staff_division", "home-staff"),
])
def test_home_shows_the_section_of_each_role(client, world, persona, section):
    client.force_login(getattr(world, persona))
    body = client.get(reverse("home")).content.decode()
    assert f'data-testid="{section}"' in body


def test_staff_home_has_no_manager_or_admin_section(client, world):
    client.force_login(world.staff_division)
    body = client.get(reverse("home")).content.decode()
    for section in ("home-head", "home-inspector", "home-council", "home-admin"):
        assert section not in body
