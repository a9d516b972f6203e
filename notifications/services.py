"""Notifications: the one service other apps call to tell people about something."""

import logging
from collections.abc import Iterable

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils import timezone

from notifications.models import Notification

logger = logging.getLogger(__name__)


def notification_send(
    *,
    recipients: Iterable,
    verb: str,
    message: str,
    target=None,
    url: str = "",
    dedupe_key: str | None = None,
    email: bool = True,
) -> list[Notification]:
    """Record a notification for each active recipient; e-mail them once the transaction commits.

    Called inside the caller's transaction: if it rolls back, the notifications vanish with
    it and no e-mail leaves. With `dedupe_key`, a recipient who already has a notification
    with that key gets nothing new (scheduled jobs rely on this to be idempotent).
    """
    people = {person.pk: person for person in recipients if person is not None and person.is_active}
    if not people:
        return []
    if dedupe_key is not None:
        already = Notification.objects.filter(recipient_id__in=people, dedupe_key=dedupe_key).values_list(
            "recipient_id", flat=True
        )
        for recipient_id in list(already):
            people.pop(recipient_id, None)
        if not people:
            return []

    target_type = ContentType.objects.get_for_model(target) if target is not None else None
    created = Notification.objects.bulk_create(
        [
            Notification(
                recipient=person,
                verb=verb,
                message=message[:500],
                url=url,
                target_type=target_type,
                target_id=target.pk if target is not None else None,
                dedupe_key=dedupe_key,
            )
            for person in people.values()
        ]
    )
    if email:
        ids = [n.pk for n in created if n.recipient.email]
        if ids:
            transaction.on_commit(lambda: notification_email_pending(ids))
    return created


def notification_send_bulk(items: list[dict]) -> int:
    """Many notifications in one statement, for scheduled jobs.

    Each item: recipient_id, verb, message, url, dedupe_key (required), and optionally the
    target as target_model (a model class) and target_id.
    A recipient who already has the key gets nothing (the unique constraint decides, so two
    runs at once cannot duplicate either). E-mails are sent by the `send_pending_emails` job.
    """
    if not items:
        return 0
    keys = {item["dedupe_key"] for item in items}
    before = Notification.objects.filter(dedupe_key__in=keys).count()
    types = {}
    rows = []
    for item in items:
        model = item.get("target_model")
        if model is not None and model not in types:
            types[model] = ContentType.objects.get_for_model(model)
        rows.append(Notification(
            recipient_id=item["recipient_id"], verb=item["verb"], message=item["message"][:500], url=item.get("url", ""),
            target_type=types.get(model), target_id=item.get("target_id"), dedupe_key=item["dedupe_key"],
        ))
    Notification.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    return Notification.objects.filter(dedupe_key__in=keys).count() - before


def notification_email_pending(ids: list[int]) -> int:
    """Send the e-mails for these notifications, outside any transaction. Returns how many."""
    pending = list(
        Notification.objects.filter(pk__in=ids, emailed_at__isnull=True)
        .exclude(recipient__email="")
        .select_related("recipient")
    )
    if not pending:
        return 0
    sent_ids = []
    try:
        with get_connection() as connection:
            for note in pending:
                body = note.message
                if note.url:
                    body += f"\n\n{settings.SITE_URL.rstrip('/')}{note.url}" if settings.SITE_URL else f"\n\n{note.url}"
                EmailMessage(
                    subject=f"[Kỷ Cương] {note.message[:120]}",
                    body=body,
                    to=[note.recipient.email],
                    connection=connection,
                ).send()
                sent_ids.append(note.pk)
    except Exception:  # an SMTP outage must not break the action that already committed
        logger.exception("Sending notification e-mails failed after %d of %d", len(sent_ids), len(pending))
    if sent_ids:
        Notification.objects.filter(pk__in=sent_ids).update(emailed_at=timezone.now())
    return len(sent_ids)


def notification_mark_read(*, user, notification_id: int | None = None) -> int:
    """Mark one (or, without an id, all) of the user's unread notifications as read."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_id is not None:
        unread = unread.filter(pk=notification_id)
    return unread.update(read_at=timezone.now())


def unread_count(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
