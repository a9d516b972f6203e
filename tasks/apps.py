from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class TasksConfig(AppConfig):
    name = "tasks"
    verbose_name = _("Tasks (5 rõ)")

    def ready(self):
        from tasks.tallies import ensure_triggers

        # The tallies' triggers are put back after every migrate: a new database has none, and on
        # SQLite a migration that rebuilds the task table drops them with the old table.
        post_migrate.connect(ensure_triggers, sender=self, dispatch_uid="tasks.tallies.ensure_triggers")
