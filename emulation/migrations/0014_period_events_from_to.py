"""The period's history rows gain the kernel's from/to columns; the moves recorded so far kept the
steps in `data`, which fills them."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def fill_from_to(apps, schema_editor):
    PeriodEvent = apps.get_model("emulation", "PeriodEvent")
    for event in PeriodEvent.objects.filter(action__startswith="to_").only("id", "data"):
        data = event.data or {}
        PeriodEvent.objects.filter(pk=event.pk).update(from_status=str(data.get("from", ""))[:25],
                                                       to_status=str(data.get("to", ""))[:25])


class Migration(migrations.Migration):

    dependencies = [
        ('emulation', '0013_reform_class_conditions_of_collective_titles'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='periodevent',
            name='from_status',
            field=models.CharField(blank=True, max_length=25, verbose_name='from'),
        ),
        migrations.AddField(
            model_name='periodevent',
            name='to_status',
            field=models.CharField(blank=True, max_length=25, verbose_name='to'),
        ),
        migrations.AlterField(
            model_name='periodevent',
            name='actor',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by'),
        ),
        migrations.RunPython(fill_from_to, migrations.RunPython.noop),
    ]
