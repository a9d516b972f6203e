"""Vietnamese whatever the browser says; English only when the person chooses it, kept on their profile."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

ENGLISH_BROWSER = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}


def test_an_english_browser_gets_the_login_page_in_vietnamese(client):
    body = client.get(reverse("accounts:login"), **ENGLISH_BROWSER).content.decode()
    assert '<html lang="vi">' in body and "Đăng nhập Kỷ Cương" in body and "Log in to" not in body


def test_an_english_browser_gets_a_signed_in_page_in_vietnamese(client, world):
    client.force_login(world.staff_division)
    body = client.get(reverse("tasks:list"), **ENGLISH_BROWSER).content.decode()
    assert '<html lang="vi">' in body and ">Nhiệm vụ<" in body and ">Tasks<" not in body


def test_the_choice_made_on_the_profile_is_kept_and_followed(client, world):
    person = world.staff_division
    client.force_login(person)
    profile = client.get(reverse("accounts:person_detail", args=[person.pk])).content.decode()
    assert 'data-testid="profile-language"' in profile
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("accounts:me")})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.language == "en"
    # The profile decides, not the cookie: a new session on another computer is English too.
    client.logout()
    client.cookies.clear()
    client.force_login(person)
    body = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert '<html lang="en">' in body and ">Tasks<" in body


def test_choosing_vietnamese_again_brings_vietnamese_back(client, world):
    person = world.staff_division
    person.language = "en"
    person.save(update_fields=["language"])
    client.force_login(person)
    client.post(reverse("set_language"), {"language": "vi", "next": "/"})
    person.refresh_from_db()
    assert person.language == "vi"
    assert ">Nhiệm vụ<" in client.get(reverse("tasks:list")).content.decode()


def test_another_persons_profile_has_no_language_control(client, world):
    client.force_login(world.head_dept)
    body = client.get(reverse("accounts:person_detail", args=[world.staff_division.pk])).content.decode()
    assert 'data-testid="profile-language"' not in body


def test_an_unknown_language_changes_nothing(client, world):
    client.force_login(world.staff_division)
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    world.staff_division.refresh_from_db()
    assert world.staff_division.language == "vi"
