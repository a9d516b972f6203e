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
from scheduler.registry import JobDefinition

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

        try:
            items = job.func()
        except Exception:
            logger.exception("Job %s failed", job.id)
            run.outcome = JobRun.Outcome.FAILURE
            run.error = traceback.format_exc()[-10_000:]
        else:
            run.outcome = JobRun.Outcome.SUCCESS
            run.items_processed = max(int(items or 0), 0)
        run.finished_at = timezone.now()
        JobRun.objects.filter(pk=run.pk).update(
            outcome=run.outcome, error=run.error, items_processed=run.items_processed, finished_at=run.finished_at
        )
        return run
    finally:
        _close_stale_connections()


def _close_stale_connections():
    # Never inside a caller's transaction (tests call jobs inside one): closing would break it.
    if not connection.in_atomic_block:
        close_old_connections()
