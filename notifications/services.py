"""Notifications: the one service other apps call to tell people about something."""

import logging
import smtplib
import unicodedata
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from notifications.models import EmailStatus, Notification
from scheduler.registry import JobReport

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
                email_status=EmailStatus.PENDING if person.email else EmailStatus.SKIPPED,
            )
            for person in people.values()
        ]
    )
    if email:
        ids = [n.pk for n in created if n.recipient.email]
        if ids:
            # robust: whatever happens while sending, the action has committed and its response stands.
            transaction.on_commit(lambda: notification_email_pending(ids), robust=True)
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


SUBJECT_PREFIX = "[Kỷ Cương] "
SUBJECT_MAX_CHARS = 120  # after the prefix
# A sender claims a message for this long: if it dies while sending, the message is tried again then.
CLAIM_SECONDS = 600
# Errors of the connection or of the server as a whole, not of one message: the rest of the batch is
# not tried on that connection but backs off like the message that met it.
_SERVER_ERRORS = (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, smtplib.SMTPHeloError,
                  smtplib.SMTPAuthenticationError, smtplib.SMTPSenderRefused, smtplib.SMTPNotSupportedError)


def notification_email_subject(message: str) -> str:
    """The one place a notification e-mail's subject is made: one line, whatever the message.

    Every run of whitespace (line breaks, tabs, Unicode line separators) becomes one space,
    other control and format characters go, and a long one is cut at a word with an ellipsis.
    A line break in a header is refused by Django (BadHeaderError), and is how headers are injected.
    """
    kept = "".join(ch for ch in message if ch.isspace() or not unicodedata.category(ch).startswith("C"))
    line = " ".join(kept.split())
    if len(line) > SUBJECT_MAX_CHARS:
        cut = line[: SUBJECT_MAX_CHARS - 1]
        if " " in cut[SUBJECT_MAX_CHARS // 2:]:
            cut = cut.rsplit(" ", 1)[0]
        line = cut.rstrip(" ,;:.-") + "…"
    return SUBJECT_PREFIX + line


def _email_body(note: Notification) -> str:
    if not note.url:
        return note.message
    return f"{note.message}\n\n{settings.SITE_URL.rstrip('/')}{note.url}" if settings.SITE_URL else f"{note.message}\n\n{note.url}"


def _email_due(now) -> Q:
    return Q(email_next_attempt_at__isnull=True) | Q(email_next_attempt_at__lte=now)


def _is_permanent(error: Exception) -> bool:
    """An error that trying again cannot mend: a malformed header or address, or a 5xx refusal."""
    if isinstance(error, ValueError):  # BadHeaderError, an address that does not parse, bad encoding
        return True
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _message in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException) and not isinstance(error, _SERVER_ERRORS):
        return error.smtp_code >= 500
    return False


def _is_server_error(error: Exception) -> bool:
    return isinstance(error, _SERVER_ERRORS) or (
        isinstance(error, OSError) and not isinstance(error, smtplib.SMTPException))


def _retry_delay(attempts: int) -> timedelta:
    seconds = settings.NOTIFICATIONS_EMAIL_RETRY_SECONDS * 2 ** min(max(attempts - 1, 0), 30)
    return timedelta(seconds=min(seconds, settings.NOTIFICATIONS_EMAIL_RETRY_MAX_SECONDS))


def _email_claim(note: Notification, now) -> bool:
    """Take the message for this sender (conditional UPDATE): two senders never send one twice."""
    claimed = (
        Notification.objects.filter(pk=note.pk, email_status=EmailStatus.PENDING, emailed_at__isnull=True)
        .filter(_email_due(now))
        .update(email_attempts=F("email_attempts") + 1, email_next_attempt_at=now + timedelta(seconds=CLAIM_SECONDS))
    )
    note.email_attempts += 1
    return claimed == 1


def _email_record(note: Notification, error: Exception | None, now) -> str:
    """Store how the try went; returns sent, failed (will be tried again) or given_up."""
    row = Notification.objects.filter(pk=note.pk)
    if error is None:
        row.update(email_status=EmailStatus.SENT, emailed_at=timezone.now(), email_next_attempt_at=None, email_error="")
        return "sent"
    text = f"{type(error).__name__}: {error}"[:500]
    if _is_permanent(error) or note.email_attempts >= settings.NOTIFICATIONS_EMAIL_MAX_ATTEMPTS:
        row.update(email_status=EmailStatus.FAILED, email_next_attempt_at=None, email_error=text)
        logger.warning("Notification %s: e-mail to %s given up after %d attempt(s): %s", note.pk,
                       note.recipient.email, note.email_attempts, text)
        return "given_up"
    row.update(email_next_attempt_at=now + _retry_delay(note.email_attempts), email_error=text)
    return "failed"


def notification_email_pending(ids: list[int], *, now=None) -> JobReport:
    """Send the e-mails of these notifications that are due, outside any transaction.

    Each message is sent and fails alone: a bad one is recorded (to be tried again after a pause
    that doubles, or given up for good) and the others go on. When the server itself cannot be
    reached, the rest of the batch is not tried against it and backs off the same way.
    Returns what it did: sent, failed (to be tried again), given_up.
    """
    now = now or timezone.now()
    done = {"sent": 0, "failed": 0, "given_up": 0}
    notes = list(
        Notification.objects.filter(pk__in=ids, email_status=EmailStatus.PENDING, emailed_at__isnull=True)
        .filter(_email_due(now)).exclude(recipient__email="").select_related("recipient").order_by("id")
    )
    if not notes:
        return JobReport(**done)
    connection = get_connection()
    opened = False
    server_error = None
    try:
        for note in notes:
            if not _email_claim(note, now):
                continue  # another sender has it
            error = server_error
            if error is None:
                try:
                    if not opened:
                        connection.open()  # one connection for the batch
                        opened = True
                    message = EmailMessage(subject=notification_email_subject(note.message), body=_email_body(note),
                                           to=[note.recipient.email], connection=connection)
                    if not message.send():
                        raise ValueError("The message has no recipient.")
                except Exception as exc:  # noqa: BLE001 (each message fails alone; what it was is recorded)
                    error = exc
                    if _is_server_error(exc):
                        server_error = exc
                        logger.warning("Mail server unreachable; the remaining e-mails back off: %s", exc)
            done[_email_record(note, error, now)] += 1
    finally:
        try:
            connection.close()
        except Exception:  # noqa: BLE001 (closing a broken connection may fail again; nothing is lost)
            logger.debug("Closing the mail connection failed", exc_info=True)
    if done["failed"] or done["given_up"]:
        logger.warning("Notification e-mails: %(sent)d sent, %(failed)d to try again, %(given_up)d given up", done)
    return JobReport(**done)


def notification_mark_read(*, user, notification_id: int | None = None) -> int:
    """Mark one (or, without an id, all) of the user's unread notifications as read."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_id is not None:
        unread = unread.filter(pk=notification_id)
    return unread.update(read_at=timezone.now())


def unread_count(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
