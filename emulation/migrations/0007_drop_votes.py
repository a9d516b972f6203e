"""Drop the per-vote rows, now counted into the tallies (0006): their order paired them with the
ballot receipts. On SQLite the dropped table's pages would keep their bytes in the file — and in
every backup copied from it — until reused: they are zeroed as they are freed (secure_delete, the
default of some SQLite builds only, so asked for here). PostgreSQL removes the table's files."""

from django.db import migrations


def zero_freed_pages(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("PRAGMA secure_delete = ON")


class Migration(migrations.Migration):
    dependencies = [("emulation", "0006_count_votes_into_tallies")]
    operations = [
        migrations.RunPython(zero_freed_pages, zero_freed_pages),
        migrations.DeleteModel(name="Vote"),
    ]
