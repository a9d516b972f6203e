"""Seed the rating rule sets (DOMAIN.md §3) and the title rules (DOMAIN.md §4). Data: the
administrator edits them; re-running adds only what is missing."""

from django.db import migrations

from emulation.catalogue import ensure_seeded


def seed(apps, schema_editor):
    ensure_seeded(apps.get_model)


class Migration(migrations.Migration):
    dependencies = [("emulation", "0001_rating_and_title_rules")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
