"""The scheduler process is killed (SIGKILL) in the middle of the overdue job and started again:
every overdue task is marked once, and each lead and head is told once.

To stop the job in the middle for certain, another connection holds a row lock on one of the
overdue tasks: the job's UPDATE waits on it inside the job's transaction, with its slot claimed.
The process is killed there, the lock released, and the scheduler started again."""

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta

import psycopg
import pytest
from django.conf import settings
from django.utils import timezone

from accounts.models import Role
from notifications.models import Notification
from scheduler.models import JobRun
from tasks.models import Task
from tests.factories import RoleFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def start_scheduler(env, log):
    return subprocess.Popen([sys.executable, "manage.py", "runscheduler"], cwd=settings.BASE_DIR, env=env,
                            stdout=log.open("a"), stderr=subprocess.STDOUT)


def wait_for(condition, seconds=30.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_a_killed_overdue_job_is_run_again_with_no_duplicate_and_no_gap(world, make_task, tmp_path):
    RoleFactory(unit=world.division, role=Role.HEAD)
    late = [make_task(status="in_progress", title=f"Việc trễ {n}") for n in range(3)]
    Task.objects.filter(pk__in=[t.pk for t in late]).update(deadline=timezone.now() - timedelta(hours=1))

    db = settings.DATABASES["default"]
    env = {**os.environ, "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
           "SECRET_KEY": "test", "DEBUG": "false", "TASKS_OVERDUE_CHECK_SECONDS": "2",
           "SCHEDULER_HEARTBEAT_SECONDS": "3600", "SCHEDULER_STANDBY_POLL_SECONDS": "0.5"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    log = tmp_path / "scheduler.log"

    blocker = psycopg.connect(host=db["HOST"], port=db["PORT"], user=db["USER"], dbname=db["NAME"])
    blocker.execute("SELECT 1 FROM tasks_task WHERE id = %s FOR UPDATE", [late[1].pk])
    first = start_scheduler(env, log)
    try:
        # The job claims its slot and then waits on the locked row, inside its transaction.
        assert wait_for(lambda: JobRun.objects.filter(job_id="tasks.mark_overdue", outcome="running").exists())
        assert wait_for(lambda: blocker.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'UPDATE%%tasks_task%%'"
        ).fetchone()[0] == 1)
        first.send_signal(signal.SIGKILL)  # the fault
        first.wait(10)
    finally:
        blocker.rollback()
        blocker.close()

    interrupted = JobRun.objects.get(job_id="tasks.mark_overdue", outcome="running")
    # What the killed job had done died with its transaction: nothing marked, nobody told.
    assert not Task.objects.filter(pk__in=[t.pk for t in late], overdue_marked_at__isnull=False).exists()
    assert not Notification.objects.filter(verb__in=["task.overdue", "task.escalated"]).exists()

    second = start_scheduler(env, log)
    try:
        assert wait_for(lambda: not Task.objects.filter(pk__in=[t.pk for t in late], overdue_marked_at=None).exists())
        # Several more slots run after the recovery; none repeats a mark or a message.
        slots_after = JobRun.objects.filter(job_id="tasks.mark_overdue").count() + 3
        assert wait_for(lambda: JobRun.objects.filter(job_id="tasks.mark_overdue", outcome="success").count() >= slots_after)
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(15)

    interrupted.refresh_from_db()
    assert interrupted.outcome == "success" and interrupted.items_processed == 3
    assert interrupted.error.startswith(f"Interrupted: process {first.pid}")
    assert "Ran again the interrupted tasks.mark_overdue" in log.read_text()
    for task in late:
        assert Notification.objects.filter(verb="task.overdue", target_id=task.pk).count() == 1
        assert Notification.objects.filter(verb="task.escalated", target_id=task.pk).count() == 1
    assert not JobRun.objects.filter(outcome="running").exists()
