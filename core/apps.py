"""The kernel's app, and third-party apps under the names the administration site shows (their own
configs have none, or an English one that their catalogues do not translate)."""

from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    default = True
    name = "core"
    verbose_name = _("Kernel")

    def ready(self):
        from core import lookups  # noqa: F401 - registers the `in_array` lookup


class SignInLockoutConfig(AxesAppConfig):
    verbose_name = _("Sign-in attempts and lockouts")
