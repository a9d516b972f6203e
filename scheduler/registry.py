"""The registry of scheduled jobs. Each app declares its jobs in `<app>/jobs.py`:

    from scheduler.registry import scheduled_job

    @scheduled_job("tasks.mark_overdue", cron="*/5 * * * *", title=gettext_lazy("Mark overdue tasks"))
    def mark_overdue() -> int:
        ...                      # returns how many items it processed

A job is a plain function, so tests call it directly; `runscheduler` runs it on time. Its id
names it in logs and in the JobRun rows (it never changes); its title is what people read.
A job that does several kinds of thing returns a `JobReport` (an int, the total, that also
names its parts): the run records the total and logs the parts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from django.conf import settings
from django.utils.module_loading import autodiscover_modules

# Interval jobs are aligned on a fixed epoch, so every scheduler process computes the same
# slots whenever it started; that is what makes the slot claim meaningful.
_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


class JobReport(int):
    """What a run did: the total items (an int, recorded on the JobRun) and its named parts.

        JobReport(sent=5, failed=1, given_up=0)            # == 6; report.sent == 5
        JobReport(removed=2, details=["tasks/7/a.pdf", ...])
    """

    def __new__(cls, *, details: list[str] | tuple[str, ...] = (), **parts: int):
        report = super().__new__(cls, sum(parts.values()))
        report.parts = parts
        report.details = list(details)
        return report

    def __getnewargs_ex__(self):  # copy and pickle rebuild it from its parts
        return (), {"details": self.details, **self.parts}

    def __getattr__(self, name):
        try:
            return self.__dict__["parts"][name]
        except KeyError:
            raise AttributeError(name) from None

    def summary(self) -> str:
        text = ", ".join(f"{name.replace('_', ' ')} {count}" for name, count in self.parts.items())
        shown = ", ".join(self.details[:50]) + (f" and {len(self.details) - 50} more" if len(self.details) > 50 else "")
        return text + (": " + shown if self.details else "")


@dataclass(frozen=True)
class JobDefinition:
    id: str
    func: Callable[[], int | None]
    cron: str | None = None
    interval_seconds: int | Callable[[], int] | None = None
    description: str = ""
    title: str = ""  # translatable; the id when none is given

    def trigger(self) -> BaseTrigger:
        if self.cron:
            return CronTrigger.from_crontab(self.cron, timezone=settings.TIME_ZONE)
        seconds = self.interval_seconds() if callable(self.interval_seconds) else self.interval_seconds
        return IntervalTrigger(seconds=seconds, start_date=_EPOCH, timezone=settings.TIME_ZONE)

    def slot_at(self, now: datetime) -> datetime:
        """The latest fire time not after `now`: the slot a run at `now` belongs to."""
        trigger = self.trigger()
        grace = timedelta(seconds=settings.SCHEDULER_MISFIRE_GRACE_SECONDS)
        fire = trigger.get_next_fire_time(None, now - grace)
        latest = None
        while fire is not None and fire <= now:
            latest = fire
            fire = trigger.get_next_fire_time(fire, fire + timedelta(microseconds=1))
        return latest or now.replace(microsecond=0)


_registry: dict[str, JobDefinition] = {}


def scheduled_job(
    job_id: str,
    *,
    cron: str | None = None,
    interval_seconds: int | Callable[[], int] | None = None,
    description: str = "",
    title: str = "",
):
    if (cron is None) == (interval_seconds is None):
        raise ValueError(f"Job {job_id}: give exactly one of cron= or interval_seconds=.")

    def register(func):
        if job_id in _registry and _registry[job_id].func is not func:
            raise ValueError(f"Job id {job_id} is declared twice.")
        _registry[job_id] = JobDefinition(
            id=job_id,
            func=func,
            cron=cron,
            interval_seconds=interval_seconds,
            description=description or (func.__doc__ or "").strip().split("\n")[0],
            title=title or job_id,
        )
        return func

    return register


def job_title(job_id: str) -> str:
    """What people read for a job: its title, or its id for a job no longer declared."""
    job = collect_jobs().get(job_id)
    return str(job.title) if job else job_id


def collect_jobs() -> dict[str, JobDefinition]:
    """Import every installed app's `jobs` module and return the registered jobs."""
    autodiscover_modules("jobs")
    return dict(sorted(_registry.items()))
