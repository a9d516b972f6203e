"""Backup and restore, exercised on a copy: a system with the demo province and uploaded files
is backed up while it runs, changes afterwards, and the archive is restored into a second,
empty system; the copy has every row of every table and every file as they were at backup.
Runs on the engine of the suite's run (SQLite, then PostgreSQL with pg_dump/pg_restore)."""

import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

pytestmark = pytest.mark.django_db(transaction=True)

COUNT_ROWS = (
    "import json; from django.apps import apps; "
    "print(json.dumps({m._meta.label: m._default_manager.count() for m in apps.get_models()}))"
)


def manage(env, *args, check=True, stdin=None):
    return subprocess.run([sys.executable, "manage.py", *args], cwd=settings.BASE_DIR, env=env, input=stdin,
                          capture_output=True, text=True, check=check, timeout=600)


def row_counts(env) -> dict:
    return json.loads(manage(env, "shell", "-c", COUNT_ROWS).stdout.strip().splitlines()[-1])


def files(root: Path) -> dict:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in root.rglob("*") if p.is_file()}


@pytest.fixture
def two_systems(tmp_path):
    """Two independent systems (database and media folder) on the run's engine."""
    base = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "true",
            "SECRET_KEY": "backup-test-key-0000000000000000000000000"}
    if connection.vendor == "sqlite":
        urls = [f"sqlite:///{tmp_path / 'original.sqlite3'}", f"sqlite:///{tmp_path / 'copy.sqlite3'}"]
        yield [{**base, "DATABASE_URL": url, "MEDIA_ROOT": str(tmp_path / f"media-{n}")} for n, url in enumerate(urls)]
        return
    server = settings.DATABASES["default"]
    names = [f"kc_backup_{uuid.uuid4().hex[:8]}_{n}" for n in range(2)]
    with connection.cursor() as cursor:
        for name in names:
            cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield [{**base, "DATABASE_URL": f"postgres://{server['USER']}@{server['HOST']}:{server['PORT']}/{name}",
                "MEDIA_ROOT": str(tmp_path / f"media-{n}")} for n, name in enumerate(names)]
    finally:
        with connection.cursor() as cursor:
            for name in names:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_backup_restored_on_a_copy_has_everything_as_it_was(two_systems, tmp_path):
    original, copy = two_systems
    manage(original, "migrate", "-v0")
    manage(original, "seed_demo")
    media = Path(original["MEDIA_ROOT"])
    (media / "evidence" / "2026" / "11").mkdir(parents=True)
    (media / "evidence" / "2026" / "11" / "bien-ban.pdf").write_bytes(b"%PDF-1.4 " + os.urandom(50_000))
    (media / "evidence" / "2026" / "11" / "ảnh hiện trường.jpg").write_bytes(b"\xff\xd8\xff" + os.urandom(20_000))
    at_backup = row_counts(original)
    files_at_backup = files(media)
    assert at_backup["tasks.Task"] > 0 and at_backup["accounts.User"] > 300

    out = manage(original, "backup", str(tmp_path / "backups")).stdout
    archive = next((tmp_path / "backups").glob("kycuong-backup-*.tar.gz"))
    assert "2 media files" in out

    # The original moves on after the backup: the copy must not see it.
    manage(original, "shell", "-c", "from accounts.models import User; from rest_framework.authtoken.models import Token; "
           "User.objects.filter(username='canbo').update(full_name='Đổi tên'); Token.objects.create(user=User.objects.get(username='canbo'))")
    assert row_counts(original)["authtoken.Token"] == at_backup["authtoken.Token"] + 1
    (media / "evidence" / "2026" / "11" / "bien-ban.pdf").unlink()

    restored = manage(copy, "restore", "--yes", str(archive)).stdout
    assert "manage.py migrate" not in restored  # same code version: nothing to apply
    assert row_counts(copy) == at_backup
    assert files(Path(copy["MEDIA_ROOT"])) == files_at_backup
    # The copy is a working system: its migrations are complete and the demo logins are there.
    assert "[ ]" not in manage(copy, "showmigrations").stdout
    assert manage(copy, "shell", "-c", "from accounts.models import User; print(User.objects.get(username='canbo').full_name)"
                  ).stdout.strip().splitlines()[-1] == "Hồ Thanh Tâm"


def migrated_twin(original, copy) -> None:
    """The copy as a freshly migrated system: a clone of the migrated original's database (migrating
    it again takes as long and gives the same)."""
    if connection.vendor == "sqlite":
        source, target = (Path(env["DATABASE_URL"].removeprefix("sqlite:///")) for env in (original, copy))
        for suffix in ("", "-wal"):  # the write-ahead log, should the last process have left one
            if source.with_name(source.name + suffix).exists():
                shutil.copyfile(source.with_name(source.name + suffix), target.with_name(target.name + suffix))
        return
    source, target = (env["DATABASE_URL"].rsplit("/", 1)[1] for env in (original, copy))
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE "{target}"')
        cursor.execute(f'CREATE DATABASE "{target}" TEMPLATE "{source}"')


def test_a_damaged_archive_is_refused_and_nothing_changes(two_systems, tmp_path):
    original, copy = two_systems
    manage(original, "migrate", "-v0")
    migrated_twin(original, copy)
    media = Path(original["MEDIA_ROOT"])
    media.mkdir(parents=True)
    (media / "quyet-dinh.pdf").write_bytes(b"%PDF-1.4 original")
    manage(original, "backup", str(tmp_path / "backups"))
    archive = next((tmp_path / "backups").glob("*.tar.gz"))

    # Rewrite the archive with the media file altered but the manifest as it was.
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(archive, "r:gz") as source, tarfile.open(damaged, "w:gz") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name == "media/quyet-dinh.pdf":
                data = b"%PDF-1.4 forged!!"
                member.size = len(data)
            target.addfile(member, io.BytesIO(data))

    before = row_counts(copy)
    answer = manage(copy, "restore", "--yes", str(damaged), check=False)
    assert answer.returncode != 0
    assert "quyet-dinh.pdf in the archive is missing or damaged. Nothing was changed." in answer.stderr
    assert row_counts(copy) == before and not Path(copy["MEDIA_ROOT"]).exists()


def test_an_older_backup_is_told_to_migrate():
    from backups.archive import _known_migrations, migrations_to_apply

    known = sorted(f"{m.app_label}.{m.name}" for m in _known_migrations())
    assert migrations_to_apply({"migrations": known}) == []
    assert migrations_to_apply({"migrations": known[1:]}) == known[:1]
