import os
import signal
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone

from scheduler.jobs import clear_expired_sessions
from scheduler.leader import FileLeaderLock, PostgresLeaderLock
from scheduler.models import JobRun
from scheduler.registry import JobDefinition, collect_jobs
from scheduler.runner import job_run_slot
from tests.processes import kill_and_wait_for_takeover, stop, wait_until

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def test_jobs_are_collected_from_every_app():
    jobs = collect_jobs()
    assert {"scheduler.heartbeat", "scheduler.clear_expired_sessions", "scheduler.prune_job_runs"} <= set(jobs)


def test_cron_slot_is_the_latest_fire_time():
    job = JobDefinition(id="t", func=lambda: 0, cron="15 2 * * *")
    now = datetime(2026, 11, 21, 2, 16, 30, tzinfo=TZ)
    assert job.slot_at(now) == datetime(2026, 11, 21, 2, 15, tzinfo=TZ)


def test_interval_slots_are_aligned_whatever_the_start():
    job = JobDefinition(id="t", func=lambda: 0, interval_seconds=60)
    a = job.slot_at(datetime(2026, 11, 21, 10, 0, 42, tzinfo=TZ))
    b = job.slot_at(datetime(2026, 11, 21, 10, 0, 59, 900000, tzinfo=TZ))
    assert a == b and a.second == 0 and a.minute == 0


@pytest.mark.django_db
def test_a_slot_runs_once():
    calls = []
    job = JobDefinition(id="test.once", func=lambda: calls.append(1) or 7, interval_seconds=60)
    now = timezone.now()
    first = job_run_slot(job, now)
    second = job_run_slot(job, now + timedelta(seconds=1) if now.second < 58 else now)
    assert first.outcome == JobRun.Outcome.SUCCESS and first.items_processed == 7
    assert second is None and calls == [1]
    assert JobRun.objects.filter(job_id="test.once").count() == 1


@pytest.mark.django_db
def test_a_failure_is_recorded_with_its_traceback():
    def broken():
        raise ValueError("hỏng")

    run = job_run_slot(JobDefinition(id="test.broken", func=broken, interval_seconds=60))
    stored = JobRun.objects.get(pk=run.pk)
    assert stored.outcome == JobRun.Outcome.FAILURE and "ValueError: hỏng" in stored.error and stored.finished_at


@pytest.mark.django_db
def test_clear_expired_sessions_job():
    Session.objects.create(session_key="old", session_data="", expire_date=timezone.now() - timedelta(days=1))
    Session.objects.create(session_key="new", session_data="", expire_date=timezone.now() + timedelta(days=1))
    assert clear_expired_sessions() == 1
    assert list(Session.objects.values_list("session_key", flat=True)) == ["new"]


def test_file_lock_is_exclusive(tmp_path):
    path = tmp_path / "db.sqlite3.scheduler.lock"
    first, second = FileLeaderLock(path), FileLeaderLock(path)
    assert first.try_acquire() and first.still_held()
    assert not second.try_acquire()
    first.release()
    assert second.try_acquire()
    second.release()


@pytest.mark.postgres
@pytest.mark.django_db
def test_advisory_lock_is_exclusive_across_connections():
    first, second = PostgresLeaderLock(), PostgresLeaderLock()
    try:
        assert first.try_acquire() and first.still_held()
        assert not second.try_acquire()
        first.release()
        assert second.try_acquire()
    finally:
        first.release()
        second.release()


def _start_scheduler(env, log: Path):
    return subprocess.Popen(
        [sys.executable, "manage.py", "runscheduler"], cwd=settings.BASE_DIR, env=env,
        stdout=log.open("w"), stderr=subprocess.STDOUT,
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_scheduler_processes_run_each_slot_once(tmp_path):
    db = settings.DATABASES["default"]
    env = dict(os.environ)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update(
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        SECRET_KEY="test", DEBUG="false", SCHEDULER_HEARTBEAT_SECONDS="1", SCHEDULER_STANDBY_POLL_SECONDS="0.5",
        PYTHONUNBUFFERED="1",  # the log is read while the process runs
    )
    heartbeats = JobRun.objects.filter(job_id="scheduler.heartbeat")
    first = _start_scheduler(env, tmp_path / "first.log")
    second = None
    try:
        # The second starts once the first leads (it has run a slot), whatever the machine's load.
        assert wait_until(lambda: heartbeats.filter(pid=first.pid).exists())
        second = _start_scheduler(env, tmp_path / "second.log")
        assert wait_until(lambda: "standby" in (tmp_path / "second.log").read_text())
        assert wait_until(lambda: heartbeats.count() >= 4)
        runs = list(heartbeats.values_list("scheduled_for", "pid"))
        slots = [slot for slot, _pid in runs]
        assert len(runs) >= 4
        assert len(slots) == len(set(slots))  # each slot once
        assert {pid for _slot, pid in runs} == {first.pid}  # only the leader ran jobs

        # The leader dies without warning: the standby takes over.
        assert kill_and_wait_for_takeover(first, second)
        slots = list(heartbeats.values_list("scheduled_for", flat=True))
        assert len(slots) == len(set(slots))
    finally:
        stop([p for p in (first, second) if p], timeout=10)
    assert second.returncode == 0  # SIGTERM stops it cleanly


def test_two_scheduler_processes_on_an_sqlite_file_run_each_slot_once(tmp_path):
    """The embedded default: a file lock beside the database file elects one scheduler."""
    import sqlite3

    database = tmp_path / "db.sqlite3"
    env = dict(os.environ)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update(
        DATABASE_URL=f"sqlite:///{database}", SECRET_KEY="test", DEBUG="false",
        SCHEDULER_HEARTBEAT_SECONDS="1", SCHEDULER_STANDBY_POLL_SECONDS="0.5",
        PYTHONUNBUFFERED="1",  # the log is read while the process runs
    )
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=settings.BASE_DIR, env=env, check=True)

    def runs():
        with sqlite3.connect(database, timeout=10) as db:
            return db.execute("SELECT scheduled_for, pid FROM scheduler_jobrun "
                              "WHERE job_id = 'scheduler.heartbeat'").fetchall()

    first = _start_scheduler(env, tmp_path / "first.log")
    second = None
    try:
        assert wait_until(lambda: any(pid == first.pid for _slot, pid in runs()))
        second = _start_scheduler(env, tmp_path / "second.log")
        assert wait_until(lambda: "standby" in (tmp_path / "second.log").read_text())
        assert wait_until(lambda: len(runs()) >= 3)
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        assert wait_until(lambda: any(pid == second.pid for _slot, pid in runs()))
    finally:
        stop([p for p in (first, second) if p], timeout=10)
    runs = runs()
    slots = [slot for slot, _pid in runs]
    assert len(slots) >= 4 and len(slots) == len(set(slots))
    assert {pid for _slot, pid in runs} == {first.pid, second.pid}  # the standby took over after the kill
    assert "standby" in (tmp_path / "second.log").read_text()
