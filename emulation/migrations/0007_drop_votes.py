"""Drop the per-vote rows, now counted into the tallies (0006): their order paired them with the
ballot receipts."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("emulation", "0006_count_votes_into_tallies")]
    operations = [migrations.DeleteModel(name="Vote")]
