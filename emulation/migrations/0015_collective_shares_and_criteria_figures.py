"""The figures the scoring had in code become columns of the rules, set here to the values applied
until now: the shares of its members a collective title needs (Law 06/2022), and Decree 90/2020's
shares of tasks exceeding the requirement (HTXS) and below quality or late (HT)."""

from django.db import migrations, models


# As emulation.catalogue.COLLECTIVE_SHARES (copied: a migration does not import app code).
COLLECTIVE_SHARES = {
    "tt_ldtt": dict(members_ldtt_percent=50, members_ldtt_more_than=True),
    "tt_ldxs": dict(members_ldtt_percent=70, members_ldtt_more_than=False, members_cstdcs_at_least=1),
}


def set_collective_shares(apps, schema_editor):
    TitleRule = apps.get_model("emulation", "TitleRule")
    for title, shares in COLLECTIVE_SHARES.items():
        TitleRule.objects.filter(title=title).update(**shares)


class Migration(migrations.Migration):

    dependencies = [
        ('emulation', '0014_period_events_from_to'),
    ]

    operations = [
        migrations.AddField(
            model_name='historicalratingruleset',
            name='criteria_ht_short_percent',
            field=models.PositiveSmallIntegerField(default=20, verbose_name='criteria: HT with tasks below quality or late at most (percent)'),
        ),
        migrations.AddField(
            model_name='historicalratingruleset',
            name='criteria_htxs_exceeding_percent',
            field=models.PositiveSmallIntegerField(default=50, verbose_name='criteria: HTXS with tasks exceeding the requirement at least (percent)'),
        ),
        migrations.AddField(
            model_name='historicaltitlerule',
            name='members_cstdcs_at_least',
            field=models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='collective: members meeting CSTĐCS (at least)'),
        ),
        migrations.AddField(
            model_name='historicaltitlerule',
            name='members_ldtt_more_than',
            field=models.BooleanField(default=False, verbose_name='collective: more than that share (not: at least)'),
        ),
        migrations.AddField(
            model_name='historicaltitlerule',
            name='members_ldtt_percent',
            field=models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='collective: members meeting LĐTT (percent)'),
        ),
        migrations.AddField(
            model_name='ratingruleset',
            name='criteria_ht_short_percent',
            field=models.PositiveSmallIntegerField(default=20, verbose_name='criteria: HT with tasks below quality or late at most (percent)'),
        ),
        migrations.AddField(
            model_name='ratingruleset',
            name='criteria_htxs_exceeding_percent',
            field=models.PositiveSmallIntegerField(default=50, verbose_name='criteria: HTXS with tasks exceeding the requirement at least (percent)'),
        ),
        migrations.AddField(
            model_name='titlerule',
            name='members_cstdcs_at_least',
            field=models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='collective: members meeting CSTĐCS (at least)'),
        ),
        migrations.AddField(
            model_name='titlerule',
            name='members_ldtt_more_than',
            field=models.BooleanField(default=False, verbose_name='collective: more than that share (not: at least)'),
        ),
        migrations.AddField(
            model_name='titlerule',
            name='members_ldtt_percent',
            field=models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='collective: members meeting LĐTT (percent)'),
        ),
        migrations.RunPython(set_collective_shares, migrations.RunPython.noop),
    ]
