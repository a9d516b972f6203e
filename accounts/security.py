"""Who signed in, failed, was locked out or refused — and when a session ends by itself.

Every event goes to the `kycuong.security` logger as one line with who, when (the log record's
time) and where (client address, method and path), for the log collector to keep (ASVS V16)."""

import functools
import ipaddress
import logging
import time

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.contrib.auth.views import redirect_to_login
from django.dispatch import receiver
from django.http import JsonResponse
from django.utils.translation import gettext as _

from accounts.access import bind_session

log = logging.getLogger("kycuong.security")

LOGIN_AT = "_login_at"
SEEN_AT = "_seen_at"
# The last-activity stamp is rewritten at most this often, so that reading pages does not write
# the session on every request; the idle timeout is precise to within this many seconds.
SEEN_RESOLUTION_SECONDS = 60


@functools.lru_cache(maxsize=4)
def _networks(trusted: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in trusted)


def _address(text: str):
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def client_address(request) -> str | None:
    """The one rule for where a request comes from, used by the login lockout (django-axes, through
    AXES_CLIENT_IP_CALLABLE) and by every line of the security log.

    X-Forwarded-For is believed only when the direct peer (REMOTE_ADDR) is one of our proxies
    (TRUSTED_PROXIES); then the address is its right-most entry that is not one of our proxies —
    what our outermost proxy saw. Entries to the left of it were written by the client and can say
    anything. Whoever reaches the app servers directly is known by their own address, whatever
    header they send."""
    if request is None:
        return None
    remote = request.META.get("REMOTE_ADDR") or None
    trusted = _networks(tuple(settings.TRUSTED_PROXIES))
    peer = _address(remote or "")
    if peer is None or not any(peer in network for network in trusted):
        return remote
    hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    client = peer
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:  # not what our proxy writes: believe nothing of the header
            return remote
        client = address
        if not any(address in network for network in trusted):
            break
    return str(client)


def where(request) -> str:
    if request is None:
        return "from=-"
    return f"from={client_address(request) or '-'} {request.method} {request.path}"


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[LOGIN_AT] = now
        request.session[SEEN_AT] = now
    log.info("login user=%s id=%s %s", user.get_username(), user.pk, where(request))


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    log.info("logout user=%s %s", user.get_username() if user else "-", where(request))


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    log.warning("login failed user=%s %s", credentials.get("username", "-"), where(request))


@receiver(user_locked_out)
def _locked_out(sender, request, username, ip_address, **kwargs):
    log.warning("lockout user=%s from=%s", username or "-", ip_address)


class SessionTimeoutMiddleware:
    """Ends a signed-in session after SESSION_IDLE_SECONDS without a request, and in any case
    SESSION_ABSOLUTE_SECONDS after the login. API tokens are not sessions and are not affected.
    A live session then keeps its user's access scope from one request to the next
    (accounts.access.bind_session)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            if LOGIN_AT not in request.session:  # a session from before the timeouts: its clock starts now
                request.session[LOGIN_AT] = request.session[SEEN_AT] = now
            idle = now - request.session[SEEN_AT]
            age = now - request.session[LOGIN_AT]
            if idle > settings.SESSION_IDLE_SECONDS or age > settings.SESSION_ABSOLUTE_SECONDS:
                reason = "idle" if idle > settings.SESSION_IDLE_SECONDS else "absolute"
                log.info("session expired (%s) user=%s %s", reason, request.user.get_username(), where(request))
                logout(request)
                return self._expired(request)
            if idle >= SEEN_RESOLUTION_SECONDS:
                request.session[SEEN_AT] = now
            bind_session(request)
        return self.get_response(request)

    @staticmethod
    def _expired(request):
        message = _("Your session has ended. Please sign in again.")
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": message}, status=401)
        messages.info(request, message)
        response = redirect_to_login(request.get_full_path())
        if getattr(request, "htmx", False):
            response["HX-Redirect"] = response["Location"]
        return response


class DenialLogMiddleware:
    """Logs every refusal (401, 403, and the 404 a signed-in user gets for a record outside their
    scope) with who and where: repeated refusals are how probing shows up."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code in (401, 403) or (response.status_code == 404 and request.user.is_authenticated):
            user = request.user.get_username() if request.user.is_authenticated else "-"
            log.warning("denied %s user=%s %s", response.status_code, user, where(request))
        return response
