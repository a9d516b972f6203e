import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

ROOT = Path(settings.BASE_DIR)


def test_healthz_touches_neither_database_nor_session(client):
    # No django_db mark: any database access here would raise.
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert "sessionid" not in response.cookies


@pytest.mark.django_db
def test_readyz_checks_the_database(client):
    response = client.get("/readyz")
    assert response.status_code == 200 and response.json()["database"] == "ok"


@pytest.mark.django_db
def test_pages_are_vietnamese_by_default(client):
    body = client.get(reverse("accounts:login")).content.decode()
    assert '<html lang="vi">' in body and "Đăng nhập Kỷ Cương" in body


@pytest.mark.django_db
def test_english_is_available(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    body = client.get(reverse("accounts:login")).content.decode()
    assert "Log in to Kỷ Cương" in body


@pytest.mark.django_db
def test_404_page_is_vietnamese(client, world):
    client.force_login(world.head_dept)
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404 and "Không tìm thấy" in response.content.decode()


@pytest.mark.django_db
def test_dates_are_shown_dd_mm_yyyy(client, world):
    from datetime import date

    world.head_dept.service_start_date = date(2015, 8, 1)
    world.head_dept.save()
    client.force_login(world.head_dept)
    assert "01/08/2015" in client.get(reverse("accounts:person_detail", args=[world.head_dept.pk])).content.decode()


def _po_entries(path: Path):
    """(msgid, first msgstr) for every entry of a .po file, continuation lines joined. An entry with
    a context (msgctxt) is keyed as gettext keys it: "context\x04msgid"."""
    entries, msgid, strs, key, context = [], None, [], None, None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        match = re.match(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?) "(.*)"$', line)
        if match:
            key = match.group(1)
            if key == "msgctxt":
                if msgid is not None:
                    entries.append((msgid, strs[0] if strs else ""))
                    msgid, strs = None, []
                context = match.group(2)
            elif key == "msgid":
                if msgid is not None:
                    entries.append((msgid, strs[0] if strs else ""))
                msgid, strs = (f"{context}\x04" if context is not None else "") + match.group(2), []
                context = None
            elif key.startswith("msgstr"):
                strs.append(match.group(2))
        elif line.startswith('"') and key:
            if key == "msgid":
                msgid += line[1:-1]
            elif key.startswith("msgstr"):
                strs[-1] += line[1:-1]
    if msgid is not None:
        entries.append((msgid, strs[0] if strs else ""))
    def unescape(text):
        return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), text)

    return [(unescape(m), unescape(t)) for m, t in entries if m]


def test_vietnamese_catalogue_is_complete_and_compiled():
    import gettext

    po = ROOT / "locale/vi/LC_MESSAGES/django.po"
    entries = _po_entries(po)
    assert [m for m, t in entries if not t] == []
    with (po.with_suffix(".mo")).open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    # The compiled catalogue must carry every translation of the source catalogue.
    stale = [m for m, t in entries if compiled._catalog.get(m, compiled._catalog.get((m, 0))) != t]
    assert stale == []


def test_missing_secret_key_fails_loudly_when_debug_is_off():
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DJANGO_SETTINGS_MODULE")}
    env["DEBUG"] = "false"
    for entry_point in ("config.wsgi", "config.asgi"):
        result = subprocess.run([sys.executable, "-c", f"import {entry_point}"], cwd=ROOT, env=env,
                                capture_output=True, text=True)
        assert result.returncode != 0 and "SECRET_KEY must be set" in result.stderr, entry_point


def test_every_model_change_has_a_migration_checked_in_a_bare_environment():
    """`makemigrations --check` works on a clean checkout with no .env and no SECRET_KEY."""
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE")}
    result = subprocess.run([sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"], cwd=ROOT,
                            env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No changes detected" in result.stdout


def test_unsupported_database_fails_loudly():
    env = dict(os.environ, SECRET_KEY="x", DEBUG="false", DATABASE_URL="mysql://root@127.0.0.1/test")
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(
        [sys.executable, "-c", "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings'; django.setup()"],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )
    assert result.returncode != 0 and "SQLite or PostgreSQL" in result.stderr


def test_sqlite_defaults_are_the_embedded_ones():
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env.update(SECRET_KEY="x", DEBUG="false")
    code = ("import os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings'; from django.conf import settings as s; "
            "d=s.DATABASES['default']; print(d['ENGINE'], d['OPTIONS']['transaction_mode'], d['OPTIONS']['timeout'], "
            "'journal_mode=WAL' in d['OPTIONS']['init_command'], s.TIME_ZONE, s.LANGUAGE_CODE)")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.stdout.split() == ["django.db.backends.sqlite3", "IMMEDIATE", "20", "True", "Asia/Ho_Chi_Minh", "vi"]


def test_openapi_schema_and_offline_docs(client, db):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    schema = client.get("/api/schema/")
    assert schema.status_code == 200 and b"/api/v1/people/" in schema.content
    docs = client.get("/api/docs/").content.decode()
    assert "drf_spectacular_sidecar" in docs and "cdn" not in docs.lower()


def test_api_schema_and_docs_are_for_signed_in_users_only(client, db):
    """The map of a government system's API is not published to the world."""
    schema = client.get("/api/schema/")
    assert schema.status_code in (401, 403) and b"/api/v1/" not in schema.content
    docs = client.get("/api/docs/")
    assert docs.status_code == 302 and docs["Location"].startswith(reverse("accounts:login"))
    script = client.get("/api/docs/?script=")
    assert script.status_code == 302 and b"api-schema" not in script.content


def test_htmx_is_served_from_static_files(client, db):
    from django.contrib.staticfiles import finders

    assert finders.find("django_htmx/htmx-2.min.js")
    body = client.get(reverse("accounts:login")).content.decode()
    assert "/static/django_htmx/htmx-2.min.js" in body and "unpkg" not in body and "cdn" not in body.lower()


def test_server_error_page_is_static_and_vietnamese(rf):
    from core.views import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500 and "Đã xảy ra lỗi" in response.content.decode()


@pytest.mark.django_db
def test_admin_search_ignores_diacritics(client, world):
    from tests.factories import UserFactory

    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    body = client.get("/admin/accounts/user/", {"q": "nguyen van a"}).content.decode()
    assert "Nguyễn Văn A" in body and "Trần Thị Bích" not in body
    assert client.get("/admin/accounts/unit/", {"q": "so noi vu"}).status_code == 200
