"""The migrations that replace per-vote rows with tallies, run on a database that has votes: every
session's votes are counted into its tallies (zero where nobody chose), the vote table goes, and on
SQLite its rows' bytes are not left in the file for a copy of it to read."""

import os
import subprocess
import sys
import uuid

import pytest
from django.conf import settings
from django.db import connection

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite", reason="runs on its own SQLite file")

SESSION = "from emulation.models import CouncilSession; s = CouncilSession.objects.get(); "


def manage(env, *args) -> str:
    """The command's last line of output (the shell also says what it imported)."""
    out = subprocess.run([sys.executable, "manage.py", *args], cwd=settings.BASE_DIR, env=env, capture_output=True,
                         text=True, check=True, timeout=600).stdout.strip()
    return out.splitlines()[-1] if out else ""


def test_votes_are_counted_into_tallies_and_their_table_dropped_without_a_trace(tmp_path):
    path = tmp_path / "db.sqlite3"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "true",
           "SECRET_KEY": "migration-test-key-000000000000000000000000", "DATABASE_URL": f"sqlite:///{path}",
           "MEDIA_ROOT": str(tmp_path / "media")}
    manage(env, "migrate", "-v0")
    manage(env, "seed_demo")  # one open session with its nominations
    manage(env, "migrate", "emulation", "0005", "-v0")  # back to per-vote rows
    ids = manage(env, "shell", "-c", SESSION + "print(*s.nominations.order_by('pk').values_list('pk', flat=True))")
    first, second = (int(n) for n in ids.split()[:2])
    keys = [uuid.uuid4().hex for _ in range(5)]
    choices = [(first, "yes"), (first, "yes"), (first, "no"), (second, "no"), (second, "no")]
    rows = ", ".join(f"('{key}', {{s}}, {n}, '{c}')" for key, (n, c) in zip(keys, choices))
    manage(env, "shell", "-c", SESSION + "from django.db import connection; connection.cursor().execute("
           f"\"INSERT INTO emulation_vote (id, session_id, nomination_id, choice) VALUES {rows}\".format(s=s.pk))")

    manage(env, "migrate", "-v0")
    counts = manage(env, "shell", "-c", SESSION + "print(sorted(s.tallies.values_list('nomination_id', 'choice', "
                                                  "'count')))").strip()
    tallies = dict(((n, c), k) for n, c, k in eval(counts))  # noqa: S307 - our own printed list
    assert (tallies[(first, "yes")], tallies[(first, "no")], tallies[(second, "yes")], tallies[(second, "no")]) \
        == (2, 1, 0, 2)
    nominations = int(manage(env, "shell", "-c", SESSION + "print(s.nominations.count())"))
    assert len(tallies) == 2 * nominations  # every nomination on the ballot has both counts
    tables = manage(env, "shell", "-c", "from django.db import connection; "
                                        "print(connection.introspection.table_names())")
    assert "emulation_vote" not in tables
    manage(env, "shell", "-c", "from django.db import connection; connection.cursor().execute("
                               "'PRAGMA wal_checkpoint(TRUNCATE)')")
    content = path.read_bytes() + (path.with_name(path.name + "-wal").read_bytes()
                                   if path.with_name(path.name + "-wal").exists() else b"")
    assert not [key for key in keys if key.encode() in content]
