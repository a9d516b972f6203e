"""Every page names the site's icon, and the address browsers ask for by themselves (/favicon.ico,
from pages that name none: the admin site, the API docs) leads to it instead of a 404."""

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static

pytestmark = pytest.mark.django_db


def test_pages_name_the_icon_and_favicon_ico_leads_to_it(client):
    icon = static("favicon.svg")
    assert f'<link rel="icon" href="{icon}"' in client.get("/accounts/login/").content.decode()
    answer = client.get("/favicon.ico")
    assert answer.status_code == 301 and answer["Location"] == icon
    assert finders.find("favicon.svg")
