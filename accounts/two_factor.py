"""Two-step sign-in: after the password, a six-digit time-based code (TOTP, RFC 6238) from an
authenticator app on the official's phone.

Required of superusers, staff of the admin site, administrators, inspectors and council members
— the people who can change or decide legal records — and optional for everyone else; whoever
has turned it on must use it. Until the second step is done, a signed-in session reaches only
the two-step pages and logout (SecondFactorMiddleware). API tokens are separate credentials
issued by an administrator and are not affected."""

import logging
import math
from base64 import b32encode
from dataclasses import dataclass

import segno
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.dispatch import receiver
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.access import scope_for
from accounts.security import where

log = logging.getLogger("kycuong.security")

# Whether this session must pass the second step, decided at sign-in (roles change rarely, and
# deciding on every request would cost a query on every page).
REQUIRED_KEY = "_second_factor"
# What an unverified session may still reach.
OPEN_VIEWS = frozenset({
    "accounts:two_factor_verify", "accounts:two_factor_setup", "accounts:logout", "accounts:login", "set_language",
})
DEVICE_NAME = "authenticator"


def second_factor_required(user) -> bool:
    """Whether the user's roles make the second step compulsory."""
    if not user.is_authenticated:
        return False
    if user.is_superuser or user.is_staff:
        return True
    scope = scope_for(user)
    return scope.is_admin or scope.is_inspector or scope.is_council


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def pending_device(user) -> TOTPDevice:
    """The not yet confirmed device being set up, made on first visit to the set-up page and kept
    until confirmed so that reloading the page does not change the secret."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def mark_session(request, user) -> None:
    request.session[REQUIRED_KEY] = second_factor_required(user) or confirmed_device(user) is not None


def owes_second_step(request) -> bool:
    """A signed-in session that has not done a second step it must do (OTPMiddleware tells
    whether it is verified; the need was decided at sign-in)."""
    user = request.user
    if not user.is_authenticated or user.is_verified():
        return False
    if REQUIRED_KEY not in request.session:  # a session from before two-step sign-in existed
        mark_session(request, user)
    return request.session[REQUIRED_KEY]


@dataclass(frozen=True)
class Enrolment:
    secret: str  # base32, grouped by four for typing into an app by hand
    qr_svg: str


def enrolment(device: TOTPDevice) -> Enrolment:
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return Enrolment(
        secret=" ".join(secret[i:i + 4] for i in range(0, len(secret), 4)),
        qr_svg=segno.make(device.config_url, error="m").svg_inline(scale=4, title=_("Two-step sign-in QR code")),
    )


class CodeRejected(Exception):
    pass


def check_code(request, device: TOTPDevice, code: str) -> TOTPDevice:
    """Verifies `code` against the device and marks the session verified; confirms a pending
    device. Raises CodeRejected with the reason. The device row is locked so that two requests
    with the same code cannot both succeed (a code is good once)."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        allowed, state = device.verify_is_allowed()
        if allowed:
            accepted = device.verify_token(code)  # records the failure (and the next wait) itself
            if accepted and not device.confirmed:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                TOTPDevice.objects.filter(user=device.user_id).exclude(pk=device.pk).delete()
    user = request.user
    if not allowed:
        locked_until = (state or {}).get("locked_until")
        wait = max(1, math.ceil((locked_until - timezone.now()).total_seconds())) if locked_until else 1
        log.warning("second factor throttled user=%s %s", user.get_username(), where(request))
        raise CodeRejected(_("Too many wrong codes. Wait %(seconds)s seconds, then try again.") % {"seconds": wait})
    if not accepted:
        log.warning("second factor failed user=%s %s", user.get_username(), where(request))
        raise CodeRejected(_("The code is wrong or has already been used. Enter the code your app shows now."))
    otp_login(request, device)
    request.session[REQUIRED_KEY] = True
    log.info("second factor passed user=%s id=%s %s", user.get_username(), user.pk, where(request))
    return device


def turn_off(request) -> None:
    """For a user whose roles do not require it, after they proved they hold the device."""
    user = request.user
    TOTPDevice.objects.filter(user=user).delete()
    request.session.pop(DEVICE_ID_SESSION_KEY, None)
    request.session[REQUIRED_KEY] = False
    log.info("second factor turned off user=%s %s", user.get_username(), where(request))


def reset_for(users, by, request=None) -> int:
    """An administrator's reset for officials who lost their phone: they set up again at their
    next sign-in (and, if their roles require it, cannot do anything before)."""
    deleted, _details = TOTPDevice.objects.filter(user__in=users).delete()
    for user in users:
        log.warning("second factor reset user=%s by=%s %s", user.get_username(), by.get_username(), where(request))
    return deleted


@receiver(user_logged_in)
def _decide_at_sign_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        mark_session(request, user)


class SecondFactorMiddleware:
    """Holds a signed-in session that still owes its second step at the two-step pages. Must
    come after django_otp's OTPMiddleware (which tells whether the session is verified) and
    after the session timeouts (an expired session goes to the login page instead)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.resolver_match.view_name in OPEN_VIEWS or not owes_second_step(request):
            return None
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": _("Finish the two-step sign-in first.")}, status=403)
        target = "accounts:two_factor_verify" if confirmed_device(request.user) else "accounts:two_factor_setup"
        url = f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}"
        response = redirect(url)
        if getattr(request, "htmx", False):
            response["HX-Redirect"] = url
        return response
