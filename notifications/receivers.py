"""Notices that apps below notifications ask it to deliver (they cannot import it)."""

from django.dispatch import receiver

from accounts.two_factor import account_notice
from notifications.services import notification_send


@receiver(account_notice)
def _deliver_account_notice(sender, *, recipients, verb, message, url="", **kwargs):
    notification_send(recipients=recipients, verb=verb, message=message, url=url)
