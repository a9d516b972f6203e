"""LĐTT's months of work in the period (Circular 01/2024) become a column of the title rules, every
row set to the 6 applied until now."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('emulation', '0015_collective_shares_and_criteria_figures'),
    ]

    operations = [
        migrations.AddField(
            model_name='historicaltitlerule',
            name='min_service_months',
            field=models.PositiveSmallIntegerField(default=6, verbose_name='months worked in the period at least'),
        ),
        migrations.AddField(
            model_name='titlerule',
            name='min_service_months',
            field=models.PositiveSmallIntegerField(default=6, verbose_name='months worked in the period at least'),
        ),
    ]
