"""Checks the web entry points make before serving anything."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def require_secret_key() -> None:
    """A server never starts without a real SECRET_KEY. Offline commands (migrations, checks)
    do not need one, so the settings leave it empty rather than refusing to load."""
    try:
        settings.SECRET_KEY  # Django refuses an empty key on access
    except ImproperlyConfigured:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.") from None
