"""E-mail delivery: one clean subject line, each message sent and failing alone, retried with a
growing pause, and given up for good when it cannot pass. Sent through Django's real locmem
backend, and through its SMTP backend to a real SMTP server on a loopback port."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from notifications.jobs import send_pending_emails
from notifications.models import EmailStatus, Notification
from notifications.services import notification_email_subject, notification_send, notification_send_bulk
from scheduler.models import JobRun
from scheduler.registry import collect_jobs
from scheduler.runner import job_run_slot
from tasks import services as task_services
from tests.factories import UserFactory
from tests.notifications.smtp_server import SMTPServer
from tests.tasks.conftest import make_task  # noqa: F401 (a fixture)

BAD_ADDRESS = "ke.gian@example.gov.vn\nBcc: moi.nguoi@example.gov.vn"  # an imported address with a line break


def six_notifications(bad_email=None, bad_position=2):
    people = [UserFactory(email=bad_email) if n == bad_position and bad_email else UserFactory() for n in range(6)]
    notification_send_bulk([
        {"recipient_id": person.pk, "verb": "test.batch", "message": f"Thông báo {n}", "dedupe_key": f"batch:{n}"}
        for n, person in enumerate(people)
    ])
    return people


@pytest.fixture
def smtp(settings):
    with SMTPServer() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", server.port, 5
        settings.EMAIL_USE_TLS = False
        yield server


# -- the subject -----------------------------------------------------------------------------


def test_the_subject_is_one_clean_line():
    subject = notification_email_subject("Cần làm lại:\r\nThiếu biên bản\t họp.\u2028Bổ sung\x00 chữ ký\x0b")
    assert subject == "[Kỷ Cương] Cần làm lại: Thiếu biên bản họp. Bổ sung chữ ký"


def test_a_long_subject_is_cut_at_a_word_with_an_ellipsis():
    subject = notification_email_subject("Yêu cầu bổ sung hồ sơ " * 20)
    assert len(subject) <= 140 and subject.endswith("…") and "\n" not in subject
    assert subject.removesuffix("…").endswith(("hồ sơ", "Yêu cầu", "bổ sung", "cầu", "sung", "hồ", "sơ", "Yêu", "bổ"))
    assert not subject.removesuffix("…").endswith(" ")


@pytest.mark.django_db(transaction=True)
def test_a_multi_line_send_back_reason_yields_a_one_line_subject_that_is_sent(world, make_task, settings, tmp_path):  # noqa: F811
    settings.MEDIA_ROOT = tmp_path
    task = make_task(status="submitted")
    mail.outbox.clear()
    with transaction.atomic():
        task_services.task_send_back(actor=world.head_dept, task=task,
                                     reason="Thiếu biên bản họp.\nBổ sung chữ ký của lãnh đạo.")
    [message] = [m for m in mail.outbox if m.to == [task.lead.email]]
    assert "\n" not in message.subject and "\r" not in message.subject
    assert "Thiếu biên bản họp. Bổ sung chữ ký của lãnh đạo." in message.subject
    assert "Thiếu biên bản họp.\nBổ sung chữ ký" in message.body  # the body keeps the lines
    note = Notification.objects.get(verb="task.sent_back")
    assert note.email_status == EmailStatus.SENT and note.emailed_at is not None


# -- a batch with one bad message (locmem) ---------------------------------------------------


@pytest.mark.django_db
def test_six_with_one_bad_address_sends_five_and_gives_up_on_the_bad_one():
    people = six_notifications(bad_email=BAD_ADDRESS)
    report = send_pending_emails()
    assert (report.sent, report.failed, report.given_up) == (5, 0, 1)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people if p.email != BAD_ADDRESS)
    bad = Notification.objects.get(recipient=people[2])
    assert bad.email_status == EmailStatus.FAILED and bad.emailed_at is None and bad.email_attempts == 1
    assert "newline" in bad.email_error
    assert Notification.objects.filter(email_status=EmailStatus.SENT, emailed_at__isnull=False).count() == 5

    # Never tried again, and nothing sent twice.
    again = send_pending_emails(now=timezone.now() + timedelta(hours=1))
    assert (again.sent, again.failed, again.given_up) == (0, 0, 0) and len(mail.outbox) == 5


@pytest.mark.django_db
def test_the_scheduler_records_what_the_job_did():
    six_notifications(bad_email=BAD_ADDRESS)
    run = job_run_slot(collect_jobs()["notifications.send_pending_emails"])
    run = JobRun.objects.get(pk=run.pk)
    assert run.outcome == JobRun.Outcome.SUCCESS and run.items_processed == 6 and len(mail.outbox) == 5


# -- through a real SMTP server -------------------------------------------------------------


@pytest.mark.django_db
def test_a_deferred_message_is_retried_with_back_off_then_given_up(smtp, settings):
    settings.NOTIFICATIONS_EMAIL_MAX_ATTEMPTS = 3
    settings.NOTIFICATIONS_EMAIL_RETRY_SECONDS = 60
    people = six_notifications()
    smtp.replies[people[2].email] = "451 4.2.1 Mailbox busy, try later"
    start = timezone.now()

    first = send_pending_emails(now=start)
    assert (first.sent, first.failed, first.given_up) == (5, 1, 0)
    assert sorted(smtp.recipients()) == sorted(p.email for p in people if p != people[2])
    deferred = Notification.objects.get(recipient=people[2])
    assert deferred.email_status == EmailStatus.PENDING and deferred.email_attempts == 1
    assert deferred.email_next_attempt_at == start + timedelta(seconds=60) and "451" in deferred.email_error

    # Not before its time, then after a pause that doubles.
    assert send_pending_emails(now=start + timedelta(seconds=59)) == 0
    second = send_pending_emails(now=start + timedelta(seconds=60))
    assert (second.sent, second.failed, second.given_up) == (0, 1, 0)
    deferred.refresh_from_db()
    assert deferred.email_attempts == 2
    assert deferred.email_next_attempt_at == start + timedelta(seconds=60 + 120)
    assert send_pending_emails(now=start + timedelta(seconds=179)) == 0

    # The last attempt allowed fails too: given up, and never tried again.
    third = send_pending_emails(now=start + timedelta(seconds=180))
    assert (third.sent, third.failed, third.given_up) == (0, 0, 1)
    deferred.refresh_from_db()
    assert deferred.email_status == EmailStatus.FAILED and deferred.email_attempts == 3
    assert send_pending_emails(now=start + timedelta(days=1)) == 0
    assert len(smtp.received) == 5


@pytest.mark.django_db
def test_an_address_the_server_refuses_is_given_up_at_once(smtp):
    people = six_notifications()
    smtp.replies[people[4].email] = "550 5.1.1 No such mailbox"
    report = send_pending_emails()
    assert (report.sent, report.failed, report.given_up) == (5, 0, 1)
    refused = Notification.objects.get(recipient=people[4])
    assert refused.email_status == EmailStatus.FAILED and "550" in refused.email_error


@pytest.mark.django_db
def test_while_the_server_is_away_every_message_backs_off_and_all_go_once_it_is_back(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2  # nothing listens on port 1
    settings.NOTIFICATIONS_EMAIL_RETRY_SECONDS = 60
    six_notifications()
    start = timezone.now()
    away = send_pending_emails(now=start)
    assert (away.sent, away.failed, away.given_up) == (0, 6, 0)
    assert set(Notification.objects.values_list("email_status", "email_attempts")) == {(EmailStatus.PENDING, 1)}
    assert send_pending_emails(now=start + timedelta(seconds=30)) == 0  # no hammering, no log every minute

    with SMTPServer() as server:
        settings.EMAIL_PORT = server.port
        back = send_pending_emails(now=start + timedelta(seconds=60))
        assert (back.sent, back.failed, back.given_up) == (6, 0, 0) and len(server.received) == 6
    assert not Notification.objects.exclude(email_status=EmailStatus.SENT).exists()


# -- what is not sent -----------------------------------------------------------------------


@pytest.mark.django_db
def test_read_in_the_app_is_not_emailed_and_too_old_is_given_up(world):
    read, old = (notification_send(recipients=[world.head_dept], verb="x", message=m, email=False)[0]
                 for m in ("đã đọc", "quá cũ"))
    Notification.objects.filter(pk=read.pk).update(read_at=timezone.now())
    Notification.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=3))
    report = send_pending_emails()
    assert (report.sent, report.given_up) == (0, 1) and mail.outbox == []
    assert Notification.objects.get(pk=read.pk).email_status == EmailStatus.SKIPPED
    old.refresh_from_db()
    assert old.email_status == EmailStatus.FAILED and old.email_error


@pytest.mark.django_db
def test_the_admin_shows_a_given_up_email_and_sends_it_again_once_mended(admin_client):
    people = six_notifications(bad_email=BAD_ADDRESS)
    send_pending_emails()
    bad = Notification.objects.get(recipient=people[2])
    listing = admin_client.get("/admin/notifications/notification/?email_status=failed").content.decode()
    assert "newlines" in listing and listing.count('name="_selected_action"') == 1

    type(people[2]).objects.filter(pk=people[2].pk).update(email="ke.gian@example.gov.vn")  # the address mended
    admin_client.post("/admin/notifications/notification/", {"action": "email_again", "_selected_action": [bad.pk]})
    bad.refresh_from_db()
    assert bad.email_status == EmailStatus.PENDING and bad.email_attempts == 0
    assert send_pending_emails().sent == 1 and mail.outbox[-1].to == ["ke.gian@example.gov.vn"]
