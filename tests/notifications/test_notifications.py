import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse

from notifications.models import Notification
from notifications.services import notification_send


class Boom(Exception):
    pass


@pytest.mark.django_db(transaction=True)
def test_rolled_back_transaction_sends_no_email_and_leaves_nothing(world):
    with pytest.raises(Boom), transaction.atomic():
        notification_send(recipients=[world.head_dept], verb="test.rollback", message="Sẽ không được gửi")
        raise Boom
    assert mail.outbox == []
    assert not Notification.objects.filter(verb="test.rollback").exists()


@pytest.mark.django_db(transaction=True)
def test_committed_notification_is_emailed_after_commit(world):
    with transaction.atomic():
        notes = notification_send(
            recipients=[world.head_dept, world.staff_division], verb="test.commit", message="Có nhiệm vụ mới", url="/units/"
        )
        assert mail.outbox == []  # nothing leaves before the commit
    assert sorted(m.to[0] for m in mail.outbox) == sorted([world.head_dept.email, world.staff_division.email])
    assert "Có nhiệm vụ mới" in mail.outbox[0].subject
    assert all(n.emailed_at for n in Notification.objects.filter(pk__in=[n.pk for n in notes]))


@pytest.mark.django_db(transaction=True)
def test_mail_server_down_does_not_undo_the_action(world, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2  # nothing listens on port 1
    with transaction.atomic():
        notification_send(recipients=[world.head_dept], verb="test.smtp", message="Máy chủ thư ngừng")
    note = Notification.objects.get(verb="test.smtp")
    assert note.emailed_at is None  # kept, and can be retried


@pytest.mark.django_db
def test_dedupe_key_makes_repeats_silent(world):
    first = notification_send(recipients=[world.head_dept, world.council], verb="x", message="m", dedupe_key="k:1")
    again = notification_send(recipients=[world.head_dept, world.council, world.staff_division], verb="x", message="m", dedupe_key="k:1")
    assert len(first) == 2 and [n.recipient for n in again] == [world.staff_division]
    assert Notification.objects.filter(dedupe_key="k:1").count() == 3


@pytest.mark.django_db
def test_inactive_and_duplicate_recipients_are_skipped(world):
    world.colleague_division.is_active = False
    notes = notification_send(recipients=[world.head_dept, world.head_dept, world.colleague_division, None], verb="x", message="m")
    assert [n.recipient for n in notes] == [world.head_dept]


@pytest.mark.django_db
def test_target_is_recorded(world):
    note = notification_send(recipients=[world.head_dept], verb="x", message="m", target=world.dept)[0]
    assert Notification.objects.get(pk=note.pk).target == world.dept


# -- pages ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_bell_shows_the_unread_count(client, world):
    notification_send(recipients=[world.head_dept], verb="x", message="một", email=False)
    notification_send(recipients=[world.head_dept], verb="x", message="hai", email=False)
    client.force_login(world.head_dept)
    body = client.get(reverse("notifications:bell")).content.decode()
    assert 'data-testid="unread-count">2<' in body


@pytest.mark.django_db
def test_list_shows_only_my_notifications(client, world):
    notification_send(recipients=[world.head_dept], verb="x", message="Của thủ trưởng", email=False)
    notification_send(recipients=[world.staff_division], verb="x", message="Của chuyên viên", email=False)
    client.force_login(world.head_dept)
    body = client.get(reverse("notifications:list")).content.decode()
    assert "Của thủ trưởng" in body and "Của chuyên viên" not in body


@pytest.mark.django_db
def test_mark_read_follows_the_link_and_others_get_404(client, world):
    mine = notification_send(recipients=[world.head_dept], verb="x", message="m", url="/units/", email=False)[0]
    theirs = notification_send(recipients=[world.staff_division], verb="x", message="m", email=False)[0]
    client.force_login(world.head_dept)
    assert client.get(reverse("notifications:mark_read", args=[mine.pk])).status_code == 405
    response = client.post(reverse("notifications:mark_read", args=[mine.pk]))
    assert response.status_code == 302 and response["Location"] == "/units/"
    assert client.post(reverse("notifications:mark_read", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


@pytest.mark.django_db
def test_external_links_are_not_followed(client, world):
    note = notification_send(recipients=[world.head_dept], verb="x", message="m", url="https://evil.example/", email=False)[0]
    client.force_login(world.head_dept)
    response = client.post(reverse("notifications:mark_read", args=[note.pk]))
    assert response["Location"] == reverse("notifications:list")


@pytest.mark.django_db
def test_mark_all_read_with_htmx(client, world):
    notification_send(recipients=[world.head_dept], verb="x", message="m", email=False)
    client.force_login(world.head_dept)
    response = client.post(reverse("notifications:mark_all_read"), HTTP_HX_REQUEST="true")
    assert response["HX-Trigger"] == "notificationsRead" and "unread-count" not in response.content.decode()
    assert not Notification.objects.filter(recipient=world.head_dept, read_at__isnull=True).exists()
