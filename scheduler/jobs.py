"""Housekeeping jobs that belong to no domain app."""

from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone
from django.utils.translation import gettext_lazy

from scheduler.media import media_orphans_remove
from scheduler.models import JobRun
from scheduler.registry import JobReport, scheduled_job


@scheduled_job("scheduler.heartbeat", interval_seconds=lambda: settings.SCHEDULER_HEARTBEAT_SECONDS,
               title=gettext_lazy("Scheduler heartbeat"))
def heartbeat() -> int:
    """Record that the scheduler is alive (its JobRun row is the heartbeat)."""
    return 0


@scheduled_job("scheduler.clear_expired_sessions", cron="15 2 * * *", title=gettext_lazy("Clear expired sessions"))
def clear_expired_sessions() -> int:
    """Delete sessions that have expired."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted


@scheduled_job("scheduler.prune_job_runs", cron="30 2 * * *", title=gettext_lazy("Prune old job runs"))
def prune_job_runs() -> int:
    """Keep 90 days of job-run history (heartbeats: 2 days)."""
    now = timezone.now()
    old_heartbeats, _ = JobRun.objects.filter(
        job_id="scheduler.heartbeat", started_at__lt=now - timedelta(days=2)
    ).delete()
    old_runs, _ = JobRun.objects.filter(started_at__lt=now - timedelta(days=90)).delete()
    return old_heartbeats + old_runs


@scheduled_job("scheduler.remove_orphan_files", cron="45 2 * * *", title=gettext_lazy("Remove orphan uploaded files"))
def remove_orphan_files(now=None) -> JobReport:
    """Remove uploaded files that no record refers to, older than a day (uploads that died midway)."""
    removed = media_orphans_remove(now)
    return JobReport(removed=len(removed), details=removed)
