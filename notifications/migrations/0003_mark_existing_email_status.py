from datetime import timedelta

from django.db import migrations
from django.utils import timezone


def mark(apps, schema_editor):
    """E-mails already sent are `sent`; the ones the old sender would never have sent (read in
    the app, or older than its two days) are `skipped`; the rest stay pending."""
    Notification = apps.get_model("notifications", "Notification")
    Notification.objects.filter(emailed_at__isnull=False).update(email_status="sent")
    stale = timezone.now() - timedelta(days=2)
    Notification.objects.filter(emailed_at__isnull=True, read_at__isnull=False).update(email_status="skipped")
    Notification.objects.filter(emailed_at__isnull=True, created_at__lt=stale).update(email_status="skipped")


class Migration(migrations.Migration):

    dependencies = [
        ("notifications", "0002_email_delivery_status_and_retries"),
    ]

    operations = [
        migrations.RunPython(mark, migrations.RunPython.noop),
    ]
