"""Third-party apps under the names the administration site shows (their own configs have none,
or an English one that their catalogues do not translate)."""

from axes.apps import AppConfig as AxesAppConfig
from django.utils.translation import gettext_lazy as _


class SignInLockoutConfig(AxesAppConfig):
    verbose_name = _("Sign-in attempts and lockouts")
