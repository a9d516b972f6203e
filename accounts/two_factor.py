"""Two-step sign-in: after the password, a six-digit time-based code (TOTP, RFC 6238) from an
authenticator app on the official's phone.

Required of superusers, staff of the admin site, administrators, inspectors and council members
— the people who can change or decide legal records — and optional for everyone else; whoever
has turned it on must use it. Until the second step is done, a signed-in session reaches only
the two-step pages and logout (SecondFactorMiddleware). API tokens are separate credentials
issued by an administrator and are not affected.

Whether a session owes the step is decided on every request, from the roles and the device the
signed-in user has now (a role granted or a phone enrolled in another session counts from the next
request). The facts come with the per-request load of the user (accounts.backends), in the same
query, so the decision costs no query of its own.

The key being set up lives only in the session that asked for it: every session gets its own, a
key shown in one is never accepted from another, and the device row is written only when a code
from the key confirms it — so someone holding the password alone cannot read the key the owner
is about to enrol."""

import logging
import math
import time
from base64 import b32encode
from dataclasses import dataclass
from datetime import UTC, datetime

import segno
from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.dispatch import Signal
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from accounts.access import scope_for
from accounts.models import Role, RoleAssignment, User
from accounts.security import client_address, where

log = logging.getLogger("kycuong.security")

# Roles that make the second step compulsory (with superusers and staff of the admin site).
REQUIRING_ROLES = (Role.ADMIN, Role.INSPECTOR, Role.COUNCIL_MEMBER, Role.COUNCIL_SECRETARY)
# The key being set up in this session, and its wrong tries: {"user", "key", "failures", "failed_at"}.
PENDING_KEY = "_second_factor_pending"

# Sent inside the transaction of a change the person must hear of (two-step sign-in turned on or
# reset), with recipients, verb, message (one line, Vietnamese) and url. The notifications app
# delivers it — in the app and by e-mail once the transaction commits; accounts, below it, cannot
# call it directly.
account_notice = Signal()
# What an unverified session may still reach.
OPEN_VIEWS = frozenset({
    "accounts:two_factor_verify", "accounts:two_factor_setup", "accounts:logout", "accounts:login", "set_language",
})
DEVICE_NAME = "authenticator"


def with_second_step_facts(users):
    """`users` annotated with what decides whether they owe the second step: a current role that
    requires it, and a confirmed device. Two EXISTS on indexed foreign keys, inside the query that
    loads the user anyway."""
    return users.annotate(
        holds_role_requiring_second_step=Exists(
            RoleAssignment.objects.current().filter(user=OuterRef("pk"), role__in=REQUIRING_ROLES)
        ),
        has_second_step_device=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)),
    )


def second_factor_required(user) -> bool:
    """Whether the user's roles make the second step compulsory."""
    if not user.is_authenticated:
        return False
    if user.is_superuser or user.is_staff:
        return True
    by_role = getattr(user, "holds_role_requiring_second_step", None)
    if by_role is not None:  # loaded with the user for this request
        return by_role
    scope = scope_for(user)
    return scope.is_admin or scope.is_inspector or scope.is_council


def has_device(user) -> bool:
    known = getattr(user, "has_second_step_device", None)
    if known is not None:
        return known
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def pending_device(request) -> TOTPDevice:
    """The device this session is setting up, not saved: its key (and its wrong tries) live in
    this session only, kept across reloads so that the app the official has already set up keeps
    working. The row is written when a code from the key confirms it (check_code)."""
    user = request.user
    state = request.session.get(PENDING_KEY)
    if not state or state.get("user") != user.pk:
        state = {"user": user.pk, "key": random_hex(20), "failures": 0, "failed_at": None}
        request.session[PENDING_KEY] = state
    failed_at = datetime.fromtimestamp(state["failed_at"], UTC) if state["failed_at"] else None
    return TOTPDevice(user=user, name=DEVICE_NAME, key=state["key"], confirmed=False,
                      throttling_failure_count=state["failures"], throttling_failure_timestamp=failed_at)


def owes_second_step(request) -> bool:
    """A signed-in session that has not done a second step it must do now: OTPMiddleware tells
    whether it is verified; the user's roles and device, as loaded for this request, whether the
    step is owed."""
    user = request.user
    if not user.is_authenticated or user.is_verified():
        return False
    return second_factor_required(user) or has_device(user)


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
    """Verifies `code` against the device and marks the session verified; for this session's
    pending device (not saved), enrols it. Raises CodeRejected with the reason. The device row is
    locked so that two requests with the same code cannot both succeed (a code is good once)."""
    if device.pk is None:
        return _enrol(request, device, code)
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        allowed, state = device.verify_is_allowed()
        if allowed:
            accepted = device.verify_token(code)  # records the failure (and the next wait) itself
    _refuse_unless(request, allowed, state, accepted if allowed else False)
    otp_login(request, device)
    user = request.user
    log.info("second factor passed user=%s id=%s %s", user.get_username(), user.pk, where(request))
    return device


def _refuse_unless(request, allowed: bool, state, accepted: bool) -> None:
    user = request.user
    if not allowed:
        locked_until = (state or {}).get("locked_until")
        wait = max(1, math.ceil((locked_until - timezone.now()).total_seconds())) if locked_until else 1
        log.warning("second factor throttled user=%s %s", user.get_username(), where(request))
        raise CodeRejected(_("Too many wrong codes. Wait %(seconds)s seconds, then try again.") % {"seconds": wait})
    if not accepted:
        log.warning("second factor failed user=%s %s", user.get_username(), where(request))
        raise CodeRejected(_("The code is wrong or has already been used. Enter the code your app shows now."))


def _matches(device: TOTPDevice, code: str) -> bool:
    """TOTPDevice.verify_token without its save: the same check, on a device not yet written."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if not totp.verify(int(code), device.tolerance, device.last_t + 1):
        return False
    device.last_t = totp.t()  # the confirming code cannot be used again to sign in
    if getattr(settings, "OTP_TOTP_SYNC", True):
        device.drift = totp.drift
    return True


def _enrol(request, device: TOTPDevice, code: str) -> TOTPDevice:
    """Confirms this session's pending device with a code from its key: writes the device (the
    first confirmed one of the account wins; the user row is locked so that two sessions cannot
    both enrol), verifies the session and tells the person by e-mail."""
    user = request.user
    allowed, state = device.verify_is_allowed()
    accepted = allowed and _matches(device, code)
    if allowed and not accepted:
        device.throttle_increment(commit=False)
        request.session[PENDING_KEY] = {
            **request.session[PENDING_KEY],
            "failures": device.throttling_failure_count,
            "failed_at": device.throttling_failure_timestamp.timestamp(),
        }
    _refuse_unless(request, allowed, state, accepted)
    with transaction.atomic():
        User.objects.select_for_update().only("pk").get(pk=user.pk)
        if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            raise CodeRejected(_("Two-step sign-in has just been set up for your account in another session. "
                                 "Sign in with a code from that phone, or ask your administrator for a reset."))
        TOTPDevice.objects.filter(user=user).delete()  # unconfirmed rows written by earlier versions
        device.confirmed = True
        device.throttle_reset(commit=False)
        device.set_last_used_timestamp(commit=False)
        device.save()
        with translation.override(settings.LANGUAGE_CODE):
            message = _("Two-step sign-in was turned on for your account at %(time)s from %(address)s. "
                        "If this was not you, tell your administrator at once.") % {
                "time": _when(), "address": client_address(request) or "-"}
        account_notice.send(sender=TOTPDevice, recipients=[user], verb="account.two_step_on", message=message,
                            url=reverse("accounts:two_factor"))
    del request.session[PENDING_KEY]
    user.has_second_step_device = True
    otp_login(request, device)
    log.info("second factor turned on user=%s id=%s %s", user.get_username(), user.pk, where(request))
    log.info("second factor passed user=%s id=%s %s", user.get_username(), user.pk, where(request))
    return device


def _when() -> str:
    return timezone.localtime().strftime("%H:%M %d/%m/%Y")


def turn_off(request) -> None:
    """For a user whose roles do not require it, after they proved they hold the device."""
    user = request.user
    TOTPDevice.objects.filter(user=user).delete()
    request.session.pop(DEVICE_ID_SESSION_KEY, None)
    user.has_second_step_device = False
    log.info("second factor turned off user=%s %s", user.get_username(), where(request))


def reset_for(users, by, request=None) -> int:
    """An administrator's reset for officials who lost their phone: they set up again at their
    next sign-in (and, if their roles require it, cannot do anything before). Each person whose
    device was removed is told by e-mail, once the reset is committed."""
    with transaction.atomic():
        had_device = set(TOTPDevice.objects.filter(user__in=users, confirmed=True).values_list("user_id", flat=True))
        deleted, _details = TOTPDevice.objects.filter(user__in=users).delete()
        with translation.override(settings.LANGUAGE_CODE):
            message = _("Your two-step sign-in was reset by the administrator %(admin)s at %(time)s: set it up again "
                        "at your next sign-in. If you did not ask for this, tell your organisation at once.") % {
                "admin": by.full_name or by.get_username(), "time": _when()}
        account_notice.send(sender=TOTPDevice, recipients=[user for user in users if user.pk in had_device],
                            verb="account.two_step_reset", message=message, url=reverse("accounts:two_factor"))
    for user in users:
        log.warning("second factor reset user=%s by=%s %s", user.get_username(), by.get_username(), where(request))
    return deleted


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
        target = "accounts:two_factor_verify" if has_device(request.user) else "accounts:two_factor_setup"
        url = f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}"
        response = redirect(url)
        if getattr(request, "htmx", False):
            response["HX-Redirect"] = url
        return response
