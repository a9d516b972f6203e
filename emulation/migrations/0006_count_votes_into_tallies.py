"""Count every session's votes into its tallies: one row per (session, nomination, choice), made in
that order — never in the order the votes were cast — with zero where nobody chose it. The votes
themselves go with their table in 0007. Backwards, each tally becomes that many vote rows again."""

import uuid

from django.db import migrations
from django.db.models import Count

CHOICES = ("yes", "no")  # emulation.models.Choice, as it was


def count_votes(apps, schema_editor):
    CouncilSession = apps.get_model("emulation", "CouncilSession")
    Vote = apps.get_model("emulation", "Vote")
    BallotTally = apps.get_model("emulation", "BallotTally")
    counts = {(row["session_id"], row["nomination_id"], row["choice"]): row["n"]
              for row in Vote.objects.values("session_id", "nomination_id", "choice").annotate(n=Count("id"))
              .order_by()}
    for session in CouncilSession.objects.order_by("pk"):
        nominations = sorted(set(session.nominations.values_list("pk", flat=True))
                             | {n for s, n, _c in counts if s == session.pk})
        BallotTally.objects.bulk_create([
            BallotTally(session_id=session.pk, nomination_id=nomination, choice=choice,
                        count=counts.get((session.pk, nomination, choice), 0))
            for nomination in nominations for choice in CHOICES], ignore_conflicts=True)


def expand_tallies(apps, schema_editor):
    Vote = apps.get_model("emulation", "Vote")
    BallotTally = apps.get_model("emulation", "BallotTally")
    Vote.objects.bulk_create([Vote(id=uuid.uuid4(), session_id=t.session_id, nomination_id=t.nomination_id,
                                   choice=t.choice)
                              for t in BallotTally.objects.order_by("pk") for _ in range(t.count)])
    BallotTally.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("emulation", "0005_seed_council_rule")]
    operations = [migrations.RunPython(count_votes, expand_tallies)]
