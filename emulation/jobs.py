"""Scheduled work on emulation: recomputes asked from the pages, the nightly recompute of every
period not yet frozen, and revocation flags for findings recorded after a period was frozen."""

from __future__ import annotations


from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Unit
from emulation import scoring, services
from emulation.models import COMPUTABLE_STATUSES, Award, Period, RecomputeRun, RecomputeStatus, RevocationFlag
from inspections.selectors import findings_in_period
from notifications.services import notification_send_bulk
from scheduler.registry import scheduled_job



@scheduled_job("emulation.run_requested_recomputes", interval_seconds=30,
               title=gettext_lazy("Run requested emulation recomputes"))
def run_requested_recomputes() -> int:
    """Run the recomputes asked from the pages, oldest first."""
    done = 0
    for run in RecomputeRun.objects.filter(status=RecomputeStatus.QUEUED).select_related("period").order_by("id"):
        services.recompute_run(run)
        done += 1
    return done


@scheduled_job("emulation.nightly_recompute", cron="30 1 * * *", title=gettext_lazy("Nightly emulation recompute"))
def nightly_recompute() -> int:
    """Recompute every period that is not frozen, so tomorrow's pages show last night's work."""
    done = 0
    for period in Period.objects.filter(status__in=COMPUTABLE_STATUSES):
        run = services.recompute_request(actor=None, period=period, check=False)
        services.recompute_run(run)
        done += 1
    return done


@scheduled_job("emulation.revocation_flags", cron="45 1 * * *", title=gettext_lazy("Flag awards to reconsider"))
def revocation_flags() -> int:
    """Flag awards whose achievement period holds a finding recorded after the period was frozen
    (Law 06/2022, ch. VII): the council decides whether to revoke. Each flag is raised once."""
    raised = 0
    for period in Period.objects.filter(frozen_at__isnull=False).select_related("unit"):
        awards = list(Award.objects.filter(period=period, revoked_at__isnull=True).select_related("unit"))
        if not awards:
            continue
        start, end = scoring.window(period)
        findings = findings_in_period(start, end, period.unit.path, recorded_after=period.frozen_at)
        if not findings:
            continue
        unit_paths = dict(Unit.objects.filter(path__startswith=period.unit.path).values_list("pk", "path"))
        flags = []
        for award in awards:
            for finding in findings:
                if award.person_id:
                    hit = finding["subject_person_id"] == award.person_id
                else:
                    hit = unit_paths.get(finding["subject_unit_id"], "").startswith(award.unit.path)
                if hit:
                    flags.append(RevocationFlag(award=award, finding_id=finding["id"]))
        before = RevocationFlag.objects.filter(award__period=period).count()
        RevocationFlag.objects.bulk_create(flags, ignore_conflicts=True)
        new = RevocationFlag.objects.filter(award__period=period).count() - before
        if new:
            raised += new
            notification_send_bulk([
                {"recipient_id": period.created_by_id, "verb": "emulation.revocation_flag",
                 "url": reverse("emulation:awards", args=[period.pk]),
                 "dedupe_key": f"emulation:{period.pk}:flags:{flag.award_id}:{flag.finding_id}",
                 "message": _("A finding falls inside the achievement period of an award: consider revoking it.")}
                for flag in flags])
    return raised
