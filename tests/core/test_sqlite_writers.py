"""The embedded default under concurrent writers: four gunicorn workers on one SQLite file, eight
officials reporting progress at the same moment, many times over — every write is answered and
kept, and no user ever sees "database is locked"."""

import json
import os
import subprocess
import sys
import threading
import urllib.error
import urllib.request

import pytest
from django.conf import settings
from django.db import connection

from tests.processes import free_port, stop, wait_for_port

WRITERS = 8
REPORTS_EACH = 12

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite",
                                reason="the embedded default is SQLite: measured in the suite's SQLite run")


def _manage(environment, *args) -> str:
    result = subprocess.run([sys.executable, "manage.py", *args], cwd=settings.BASE_DIR, env=environment,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


FIND_WRITERS = """
import json
from rest_framework.authtoken.models import Token
from tasks.models import Task, TaskStatus
seen, pairs = set(), []
for task in Task.objects.filter(status=TaskStatus.IN_PROGRESS).order_by("pk"):
    if task.lead_id not in seen:
        seen.add(task.lead_id)
        pairs.append([task.pk, Token.objects.get_or_create(user_id=task.lead_id)[0].key])
print(json.dumps(pairs))
"""
COUNT_REPORTS = """
from tasks.models import TaskEvent
print(TaskEvent.objects.filter(action="report_progress", note__startswith="Báo cáo đồng thời").count())
"""


def test_concurrent_writers_on_the_embedded_database(tmp_path):
    environment = {"PATH": os.environ["PATH"], "DEBUG": "true", "SECRET_KEY": "x" * 50,
                   "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "MEDIA_ROOT": str(tmp_path / "media")}
    _manage(environment, "migrate", "-v", "0")
    _manage(environment, "seed_demo")
    pairs = json.loads(_manage(environment, "shell", "-c", FIND_WRITERS).strip().splitlines()[-1])
    assert len(pairs) >= 2, pairs
    writers = [pairs[i % len(pairs)] for i in range(WRITERS)]  # several writers per task where leads run short

    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "config.wsgi", "-w", "4", "-b", f"127.0.0.1:{port}",
                               "--timeout", "60"], cwd=settings.BASE_DIR, env=environment,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    outcomes = []
    try:
        wait_for_port(port)
        barrier = threading.Barrier(WRITERS)

        def write(task_id, token, number):
            barrier.wait(timeout=30)
            for report in range(REPORTS_EACH):
                body = json.dumps({"percent": 50, "note": f"Báo cáo đồng thời {number}-{report}"}).encode()
                request = urllib.request.Request(
                    f"http://127.0.0.1:{port}/api/v1/tasks/{task_id}/progress/", data=body, method="POST",
                    headers={"Authorization": f"Token {token}", "Content-Type": "application/json"})
                try:
                    with urllib.request.urlopen(request, timeout=60) as response:
                        outcomes.append((response.status, ""))
                except urllib.error.HTTPError as error:
                    outcomes.append((error.code, error.read().decode(errors="replace")[:200]))
                except OSError as error:  # refused, reset or timed out: the user got no answer
                    outcomes.append((599, repr(error)))

        threads = [threading.Thread(target=write, args=(*writers[i], i)) for i in range(WRITERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=240)
    finally:
        stop([server])
    log = server.stderr.read().decode(errors="replace")
    assert "database is locked" not in log
    failed = [outcome for outcome in outcomes if outcome[0] >= 300]
    assert len(outcomes) == WRITERS * REPORTS_EACH and not failed, failed[:5]
    kept = int(_manage(environment, "shell", "-c", COUNT_REPORTS).strip().splitlines()[-1])
    assert kept == WRITERS * REPORTS_EACH
