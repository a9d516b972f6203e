"""Uploaded files that outlived their upload (the process died before the row was committed) are
removed by the nightly sweep; referenced files, fresh ones and files outside the models' upload
folders are kept. Each test has its own MEDIA_ROOT: others' tests write the shared one."""

import logging
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.utils import timezone

from inspections.models import FindingEvidence
from scheduler.jobs import remove_orphan_files
from scheduler.media import file_fields
from scheduler.models import JobRun
from scheduler.registry import collect_jobs
from scheduler.runner import job_run_slot
from tasks.models import Evidence, Task
from tests.tasks.conftest import PDF, make_task  # noqa: F401 (a fixture)

DAY = 24 * 3600


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def put(media: Path, name: str, *, age_seconds: float = 0) -> Path:
    path = media / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(PDF)
    if age_seconds:
        stamp = time.time() - age_seconds
        os.utime(path, (stamp, stamp))
    return path


def age(path: Path, seconds: float) -> None:
    stamp = time.time() - seconds
    os.utime(path, (stamp, stamp))


def files_under(media: Path) -> set[str]:
    return {p.relative_to(media).as_posix() for p in media.rglob("*") if p.is_file()}


def test_every_model_that_holds_files_is_known():
    found = {(model, f.name) for model, f in file_fields()}
    assert {(Evidence, "file"), (FindingEvidence, "file")} <= found


@pytest.mark.django_db
def test_the_sweep_removes_only_old_files_no_record_refers_to(world, make_task, media, settings, caplog):  # noqa: F811
    settings.MEDIA_ORPHAN_MIN_AGE_SECONDS = DAY
    task = make_task(status="submitted")
    [evidence] = task.evidence.all()
    referenced = media / evidence.file.name
    age(referenced, 3 * DAY)  # an old file with its row: kept
    old_orphan = put(media, f"tasks/{task.pk}/202611/bien-ban-mo-coi.pdf", age_seconds=DAY + 60)
    old_finding_orphan = put(media, "findings/9/202611/anh.pdf", age_seconds=2 * DAY)
    fresh_orphan = put(media, f"tasks/{task.pk}/202612/dang-tai-len.pdf")  # may be an upload being committed
    not_ours = put(media, "khac/tep-khac.pdf", age_seconds=5 * DAY)  # no model uploads there

    with caplog.at_level(logging.INFO):
        report = remove_orphan_files()

    removed = sorted([old_orphan.relative_to(media).as_posix(), old_finding_orphan.relative_to(media).as_posix()])
    assert report == 2 and report.removed == 2 and sorted(report.details) == removed
    assert not old_orphan.exists() and not old_finding_orphan.exists()
    assert referenced.exists() and fresh_orphan.exists() and not_ours.exists()
    assert all(name in caplog.text for name in removed)
    assert evidence.file.name in files_under(media)

    # A second night finds nothing more.
    assert remove_orphan_files() == 0


@pytest.mark.django_db
def test_the_grace_period_is_a_setting(media, settings):
    orphan = put(media, "tasks/1/202612/mo-coi.pdf", age_seconds=2 * 3600)
    settings.MEDIA_ORPHAN_MIN_AGE_SECONDS = DAY
    assert remove_orphan_files() == 0 and orphan.exists()
    settings.MEDIA_ORPHAN_MIN_AGE_SECONDS = 3600
    assert remove_orphan_files() == 1 and not orphan.exists()


@pytest.mark.django_db
def test_the_scheduler_records_the_sweep(media, caplog):
    put(media, "tasks/1/202611/mo-coi.pdf", age_seconds=2 * DAY)
    with caplog.at_level(logging.INFO, logger="scheduler.runner"):
        run = job_run_slot(collect_jobs()["scheduler.remove_orphan_files"])
    run = JobRun.objects.get(pk=run.pk)
    assert run.outcome == JobRun.Outcome.SUCCESS and run.items_processed == 1
    assert "Job scheduler.remove_orphan_files: removed 1: tasks/1/202611/mo-coi.pdf" in caplog.text


# -- a real upload killed in the middle ------------------------------------------------------

UPLOAD = """
import django
django.setup()
from django.core.files.uploadedfile import SimpleUploadedFile
from tasks.models import Task
from tasks.services import task_report_progress
task = Task.objects.get(pk={task_id})
task_report_progress(actor=task.lead, task=task, percent=40, note="Biên bản",
                     files=[SimpleUploadedFile("bien-ban-hop.pdf", {pdf!r}, content_type="application/pdf")])
print("committed", flush=True)
"""


def wait_for(condition, seconds=30.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_upload_killed_before_its_commit_leaves_no_orphan_after_the_sweep(world, make_task, media, settings,  # noqa: F811
                                                                              tmp_path):
    """The process writes the file, then waits inside its transaction, before its commit: another
    connection holds a lock on the notifications table, so the notification's insert (after the
    evidence) waits on it. It is killed there, as a worker killed in the middle of an upload."""
    task = make_task(status="in_progress")
    before = files_under(media)
    db = settings.DATABASES["default"]
    env = {**os.environ, "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
           "SECRET_KEY": "test", "DEBUG": "false", "MEDIA_ROOT": str(media), "DJANGO_SETTINGS_MODULE": "config.settings"}
    blocker = psycopg.connect(host=db["HOST"], port=db["PORT"], user=db["USER"], dbname=db["NAME"])
    blocker.execute("LOCK TABLE notifications_notification IN SHARE MODE")  # inserts wait until it is released
    upload = subprocess.Popen([sys.executable, "-c", UPLOAD.format(task_id=task.pk, pdf=PDF)], cwd=settings.BASE_DIR,
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        assert wait_for(lambda: files_under(media) - before), "the upload never wrote its file"
        assert wait_for(lambda: blocker.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database() "
            "AND pid <> pg_backend_pid()").fetchone()[0] == 1)
        upload.send_signal(signal.SIGKILL)  # the fault
        upload.wait(10)
    finally:
        if upload.poll() is None:
            upload.kill()
        blocker.rollback()
        blocker.close()
    assert b"committed" not in upload.stdout.read()

    [orphan] = files_under(media) - before
    assert not Evidence.objects.filter(file=orphan).exists()  # the row died with the transaction
    assert Task.objects.get(pk=task.pk).progress_percent == 0

    assert remove_orphan_files() == 0  # a day's grace: it might have been an upload still committing
    age(media / orphan, DAY + 60)
    report = remove_orphan_files()
    assert report.details == [orphan]
    referenced = {e.file.name for e in Evidence.objects.all()} | {e.file.name for e in FindingEvidence.objects.all()}
    assert files_under(media) == referenced  # nothing left that no record refers to
