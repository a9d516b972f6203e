"""Seed the violation catalogue (DOMAIN.md §5) and the discipline rules (DOMAIN.md §2).

The rows are data: the administrator edits them. Re-running changes nothing already present.
"""

from django.db import migrations

from inspections.catalogue import seed_initial


def seed(apps, schema_editor):
    seed_initial(apps.get_model)


class Migration(migrations.Migration):
    dependencies = [("inspections", "0001_inspections_findings_recommendations_discipline")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
