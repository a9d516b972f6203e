"""Viên chức are disciplined under Decree 234/2026/NĐ-CP from 01/07/2026 (their Decree 112/2020 rows
end on 30/06/2026); Party discipline gets its own limitation, the forms of probationary members and
of Party organisations, and the days of the state follow-up; the state rule sets say how several
violations combine. Reversible while no decision names a row created here."""

from django.db import migrations

from inspections.catalogue import seed_rules_of_2026, unseed_rules_of_2026


def seed(apps, schema_editor):
    seed_rules_of_2026(apps.get_model)


def unseed(apps, schema_editor):
    unseed_rules_of_2026(apps.get_model)


class Migration(migrations.Migration):
    dependencies = [("inspections", "0005_party_discipline_and_rule_sets_by_group")]
    operations = [migrations.RunPython(seed, unseed)]
