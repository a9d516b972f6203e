from datetime import timedelta

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from notifications.models import EmailStatus, Notification
from notifications.services import notification_email_pending
from scheduler.registry import JobReport, scheduled_job

STALE_AFTER = timedelta(days=2)  # an e-mail not sent by then is stale news: in-app only


@scheduled_job("notifications.send_pending_emails", cron="* * * * *",
               title=gettext_lazy("Send pending notification e-mails"))
def send_pending_emails(now=None) -> JobReport:
    """E-mail the notifications waiting for it (bulk ones from jobs, and retries that are due)."""
    now = now or timezone.now()
    pending = Notification.objects.filter(email_status=EmailStatus.PENDING)
    pending.filter(emailed_at__isnull=False).update(email_status=EmailStatus.SENT, email_next_attempt_at=None)
    pending.filter(Q(read_at__isnull=False) | Q(recipient__email="")).update(
        email_status=EmailStatus.SKIPPED, email_next_attempt_at=None)
    # Never tried and too old (the scheduler was down): retries already under way run to their end.
    stale = pending.filter(created_at__lt=now - STALE_AFTER, email_attempts=0, email_next_attempt_at__isnull=True).update(
        email_status=EmailStatus.FAILED, email_next_attempt_at=None,
        email_error=f"Not sent within {STALE_AFTER.days} days; shown in the app only.")
    ids = list(
        pending.filter(Q(email_next_attempt_at__isnull=True) | Q(email_next_attempt_at__lte=now))
        .order_by("id").values_list("id", flat=True)[:500]
    )
    report = notification_email_pending(ids, now=now) if ids else JobReport(sent=0, failed=0, given_up=0)
    return JobReport(sent=report.sent, failed=report.failed, given_up=report.given_up + stale)
