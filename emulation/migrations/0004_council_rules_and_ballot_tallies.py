"""Council rules (the fewest ballots a session is counted on) and ballot tallies, which replace the
per-vote rows: the votes are counted into the tallies by 0006 and their table dropped by 0007."""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('emulation', '0003_periods_ratings_councils'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='BallotTally',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('choice', models.CharField(choices=[('yes', 'Agree'), ('no', 'Disagree')], max_length=3)),
                ('count', models.PositiveIntegerField(default=0)),
                ('nomination', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='tallies', to='emulation.nomination')),
                ('session', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='tallies', to='emulation.councilsession')),
            ],
            options={
                'ordering': ['session', 'nomination', 'choice'],
            },
        ),
        migrations.CreateModel(
            name='CouncilRule',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('valid_from', models.DateField(blank=True, null=True, verbose_name='valid from')),
                ('valid_to', models.DateField(blank=True, null=True, verbose_name='valid to')),
                ('quorum_numerator', models.PositiveSmallIntegerField(default=2, verbose_name='ballots needed: numerator of the share of all members')),
                ('quorum_denominator', models.PositiveSmallIntegerField(default=3, verbose_name='ballots needed: denominator of the share of all members')),
                ('min_ballots', models.PositiveSmallIntegerField(default=3, verbose_name="fewest ballots counted, whatever the council's size")),
                ('legal_basis', models.CharField(max_length=300, verbose_name='legal basis')),
            ],
            options={
                'verbose_name': 'council rule',
                'verbose_name_plural': 'council rules',
                'ordering': ['valid_from'],
                'constraints': [models.CheckConstraint(condition=models.Q(('quorum_denominator__gte', 1), ('quorum_numerator__lte', models.F('quorum_denominator'))), name='council_quorum_is_a_share'), models.CheckConstraint(condition=models.Q(('min_ballots__gte', 2)), name='council_never_counts_a_lone_ballot')],
            },
        ),
        migrations.CreateModel(
            name='HistoricalCouncilRule',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('valid_from', models.DateField(blank=True, null=True, verbose_name='valid from')),
                ('valid_to', models.DateField(blank=True, null=True, verbose_name='valid to')),
                ('quorum_numerator', models.PositiveSmallIntegerField(default=2, verbose_name='ballots needed: numerator of the share of all members')),
                ('quorum_denominator', models.PositiveSmallIntegerField(default=3, verbose_name='ballots needed: denominator of the share of all members')),
                ('min_ballots', models.PositiveSmallIntegerField(default=3, verbose_name="fewest ballots counted, whatever the council's size")),
                ('legal_basis', models.CharField(max_length=300, verbose_name='legal basis')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'historical council rule',
                'verbose_name_plural': 'historical council rules',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.AddConstraint(
            model_name='ballottally',
            constraint=models.UniqueConstraint(fields=('session', 'nomination', 'choice'), name='one_tally_per_nomination_choice'),
        ),
    ]
