"""Leave a tenth of every page of the task table free on PostgreSQL (fillfactor 90).

The overdue job sets `overdue_marked_at`, a column in no index: with room on the row's own page,
PostgreSQL writes the new row version there as a heap-only tuple (HOT) and touches none of the
table's indexes. On full pages — a freshly loaded table — every mark is a new row version
written into every index, which at a million tasks made the first marking three times slower.

The setting applies to pages written from now on (new rows, and pages refilled after VACUUM);
an existing large table gets it everywhere at its next rewrite (VACUUM FULL, pg_repack) in a
maintenance window. SQLite has no such setting: nothing to do there.
"""

from django.db import migrations


def _alter(fillfactor):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        table = schema_editor.quote_name(apps.get_model("tasks", "Task")._meta.db_table)
        if fillfactor is None:
            schema_editor.execute(f"ALTER TABLE {table} RESET (fillfactor)")
        else:
            schema_editor.execute(f"ALTER TABLE {table} SET (fillfactor = {int(fillfactor)})")
    return run


class Migration(migrations.Migration):
    dependencies = [("tasks", "0011_task_tallies")]
    operations = [migrations.RunPython(_alter(90), _alter(None), elidable=False)]
