from django.db import models
from django.utils.translation import gettext_lazy as _

from scheduler.registry import job_title


class JobRun(models.Model):
    """One run of one scheduled job for one time slot.

    A run first claims its slot by inserting this row; the unique (job, slot) constraint
    means a slot runs once even if two schedulers were ever active at the same time.
    """

    class Outcome(models.TextChoices):
        RUNNING = "running", _("running")
        SUCCESS = "success", _("success")
        FAILURE = "failure", _("failure")

    job_id = models.CharField(_("job"), max_length=100)
    scheduled_for = models.DateTimeField(_("slot"))
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.RUNNING)
    items_processed = models.PositiveIntegerField(_("items processed"), default=0)
    error = models.TextField(_("error"), blank=True)
    hostname = models.CharField(_("host"), max_length=255, blank=True)
    pid = models.PositiveIntegerField(_("process id"), null=True, blank=True)

    class Meta:
        verbose_name = _("job run")
        verbose_name_plural = _("job runs")
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["job_id", "scheduled_for"], name="jobrun_one_per_slot"),
        ]
        indexes = [models.Index(fields=["job_id", "-started_at"], name="jobrun_job_recent_idx")]

    @property
    def title(self) -> str:
        """The job's title, as people read it (the id stays in the row and the logs)."""
        return job_title(self.job_id)

    def __str__(self):
        return f"{self.job_id} @ {self.scheduled_for:%Y-%m-%d %H:%M:%S}"

    @property
    def duration(self):
        return self.finished_at - self.started_at if self.finished_at else None
