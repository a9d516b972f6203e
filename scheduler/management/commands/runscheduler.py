"""`manage.py runscheduler`: the one process that runs every app's scheduled jobs.

Never start a scheduler inside web workers (each worker would run every job). Run this
command once per deployment; start it on more machines if you like: only the process
holding the leader lock runs jobs, the others wait as hot standbys.
"""

import logging
import signal
import sys
import threading

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.blocking import BlockingScheduler
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections

from scheduler.leader import leader_lock
from scheduler.registry import collect_jobs
from scheduler.runner import job_run_slot, rerun_interrupted

logger = logging.getLogger("scheduler")


class Command(BaseCommand):
    help = "Run the scheduled jobs of every app (one active process per database)."

    def add_arguments(self, parser):
        parser.add_argument("--list", action="store_true", help="List the registered jobs and exit.")

    def handle(self, *args, **options):
        jobs = collect_jobs()
        if options["list"]:
            for job in jobs.values():
                when = job.cron or f"every {job.interval_seconds() if callable(job.interval_seconds) else job.interval_seconds}s"
                self.stdout.write(f"{job.id:40} {when:20} {job.description}")
            return

        stop = threading.Event()

        def request_stop(signum, frame):
            stop.set()
            if scheduler is not None and scheduler.running:
                scheduler.shutdown(wait=False)

        scheduler = None
        signal.signal(signal.SIGTERM, request_stop)
        signal.signal(signal.SIGINT, request_stop)

        lock = leader_lock()
        announced = False
        while not stop.is_set():
            close_old_connections()
            if lock.try_acquire():
                break
            if not announced:
                self.stdout.write("Another scheduler is active; waiting as standby.", self.style.WARNING)
                announced = True
            stop.wait(settings.SCHEDULER_STANDBY_POLL_SECONDS)
        if stop.is_set():
            lock.release()
            return
        self.stdout.write(self.style.SUCCESS(f"Scheduler active with {len(jobs)} jobs."))
        for run in rerun_interrupted(jobs):
            self.stdout.write(f"Ran again the interrupted {run.job_id} of {run.scheduled_for.isoformat()}: {run.outcome}.")
        sys.stdout.flush()

        scheduler = BlockingScheduler(
            timezone=settings.TIME_ZONE,
            executors={"default": ThreadPoolExecutor(max_workers=4)},
            job_defaults={
                "coalesce": True,
                "max_instances": 1,
                "misfire_grace_time": settings.SCHEDULER_MISFIRE_GRACE_SECONDS,
            },
        )
        for job in jobs.values():
            scheduler.add_job(job_run_slot, trigger=job.trigger(), args=[job], id=job.id, name=job.id)

        def watch_lock():
            if not lock.still_held():
                logger.error("Scheduler lost its leader lock; stopping so a standby can take over.")
                stop.set()
                scheduler.shutdown(wait=False)

        scheduler.add_job(
            watch_lock, "interval", seconds=settings.SCHEDULER_STANDBY_POLL_SECONDS, id="_leader_watch"
        )
        try:
            scheduler.start()
        finally:
            lock.release()
        self.stdout.write("Scheduler stopped.")
