from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Units, people and roles")

    def ready(self):
        from accounts import security  # noqa: F401 - connects the sign-in and lockout log receivers
        from accounts import checks  # noqa: F401 - registers the deployment check of the proxy settings
        from accounts import signals
        from django.db.backends.signals import connection_created

        from accounts.collation import register_on_sqlite

        connection_created.connect(register_on_sqlite, dispatch_uid="accounts_vietnamese_collation")
        signals.connect()  # what a change of roles, grants, groups or the unit tree does to scopes
