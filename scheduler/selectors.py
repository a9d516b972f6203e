from django.db.models import Max

from scheduler.models import JobRun


def job_run_recent(limit: int = 8):
    return list(JobRun.objects.exclude(job_id="scheduler.heartbeat")[:limit])


def scheduler_last_heartbeat():
    return JobRun.objects.filter(job_id="scheduler.heartbeat").aggregate(last=Max("started_at"))["last"]
