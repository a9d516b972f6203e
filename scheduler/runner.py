"""Running one job for one slot: claim the slot, run, record the outcome."""

from __future__ import annotations

import logging
import os
import socket
import traceback
from datetime import datetime

from django.db import IntegrityError, close_old_connections, connection, transaction
from django.utils import timezone

from scheduler.models import JobRun
from scheduler.registry import JobDefinition, JobReport

logger = logging.getLogger(__name__)


def job_run_slot(job: JobDefinition, now: datetime | None = None) -> JobRun | None:
    """Run `job` for the slot that `now` falls in, unless that slot was already claimed.

    Returns the JobRun, or None when another run had claimed the slot. Database
    connections are closed before and after, so a long-lived scheduler process never
    works on a connection the server has dropped.
    """
    _close_stale_connections()
    try:
        now = now or timezone.now()
        slot = job.slot_at(now)
        try:
            with transaction.atomic():
                run = JobRun.objects.create(
                    job_id=job.id,
                    scheduled_for=slot,
                    started_at=timezone.now(),
                    hostname=socket.gethostname()[:255],
                    pid=os.getpid(),
                )
        except IntegrityError:
            logger.info("Job %s slot %s already claimed; skipped", job.id, slot.isoformat())
            return None

        _execute(job, run)
        return run
    finally:
        _close_stale_connections()


def _execute(job: JobDefinition, run: JobRun) -> None:
    try:
        items = job.func()
    except Exception:
        logger.exception("Job %s failed", job.id)
        run.outcome = JobRun.Outcome.FAILURE
        run.error = (run.error + traceback.format_exc())[-10_000:]
    else:
        run.outcome = JobRun.Outcome.SUCCESS
        run.items_processed = max(int(items or 0), 0)
        if isinstance(items, JobReport):
            logger.info("Job %s: %s", job.id, items.summary())
    run.finished_at = timezone.now()
    JobRun.objects.filter(pk=run.pk).update(
        outcome=run.outcome, error=run.error, items_processed=run.items_processed, finished_at=run.finished_at
    )


def rerun_interrupted(jobs: dict[str, JobDefinition]) -> list[JobRun]:
    """Runs again, in their own slots, the runs a scheduler process claimed but never finished.

    Only the leader calls this, before it starts its jobs, so no live process owns such a run:
    its process died (killed, or its machine lost) in the middle. Every job does its work in one
    transaction, which died with it, and sends notifications only on commit; running it again is
    therefore neither a duplicate nor a gap."""
    _close_stale_connections()
    rerun = []
    for run in JobRun.objects.filter(outcome=JobRun.Outcome.RUNNING).order_by("scheduled_for"):
        note = f"Interrupted: process {run.pid} on {run.hostname} stopped during the run; run again.\n"
        job = jobs.get(run.job_id)
        if job is None:
            JobRun.objects.filter(pk=run.pk).update(outcome=JobRun.Outcome.FAILURE, error=note + "No such job now.",
                                                    finished_at=timezone.now())
            continue
        logger.warning("Job %s slot %s was interrupted; running it again", job.id, run.scheduled_for.isoformat())
        run.error, run.started_at, run.pid, run.hostname = note, timezone.now(), os.getpid(), socket.gethostname()[:255]
        JobRun.objects.filter(pk=run.pk).update(error=run.error, started_at=run.started_at, pid=run.pid,
                                                hostname=run.hostname)
        _execute(job, run)
        rerun.append(run)
    _close_stale_connections()
    return rerun


def _close_stale_connections():
    # Never inside a caller's transaction (tests call jobs inside one): closing would break it.
    if not connection.in_atomic_block:
        close_old_connections()
