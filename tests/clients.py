"""The test client the suite signs in with."""

import time

import django.test
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor


class Client(django.test.Client):
    """`force_login` leaves the session as a full sign-in would. For someone who owes the second
    step (their roles require it, or they turned it on), the step is done with a device of
    theirs, as force_login itself skips the password. The sign-in pages themselves, password
    and code, are tested in tests/accounts/test_two_factor.py and the browser tests."""

    def force_login(self, user, backend=None):
        super().force_login(user, backend)
        if two_factor.second_factor_required(user) or two_factor.has_device(user):
            device = two_factor.confirmed_device(user) or TOTPDevice.objects.create(
                user=user, name=two_factor.DEVICE_NAME, confirmed=True)
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()


def current_code(device: TOTPDevice) -> str:
    """The code the official's authenticator app shows now — or, if that one was already used,
    the next one, which the server also accepts (one step of tolerance)."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if totp.t() <= device.last_t:
        totp.time += (device.last_t + 1 - totp.t()) * device.step
    return f"{totp.token():0{device.digits}d}"
