from datetime import timedelta

from django.utils import timezone

from notifications.models import Notification
from notifications.services import notification_email_pending
from scheduler.registry import scheduled_job


@scheduled_job("notifications.send_pending_emails", cron="* * * * *")
def send_pending_emails() -> int:
    """E-mail notifications not yet e-mailed (bulk ones from jobs, and retries after an outage)."""
    since = timezone.now() - timedelta(days=2)  # older ones are stale news: in-app only
    ids = list(
        Notification.objects.filter(emailed_at__isnull=True, created_at__gte=since, read_at__isnull=True)
        .exclude(recipient__email="").order_by("id").values_list("id", flat=True)[:500]
    )
    return notification_email_pending(ids) if ids else 0
