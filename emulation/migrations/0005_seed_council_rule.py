"""Seed the default council rule: the fewest ballots a council session is counted on. Data: the
administrator replaces it with the body's regulation; re-running adds nothing if one exists."""

from django.db import migrations

# As first seeded (emulation/catalogue.py keeps the same for the tests' re-seeding).
DEFAULT = dict(quorum_numerator=2, quorum_denominator=3, min_ballots=3, legal_basis=(
    "Quy chế hoạt động của Hội đồng Thi đua – Khen thưởng do cơ quan ban hành (mặc định: ít nhất 2/3 tổng số "
    "thành viên và không dưới 3 phiếu, để giữ bí mật lá phiếu)"))


def seed(apps, schema_editor):
    CouncilRule = apps.get_model("emulation", "CouncilRule")
    if not CouncilRule.objects.exists():
        CouncilRule.objects.create(**DEFAULT)


class Migration(migrations.Migration):
    dependencies = [("emulation", "0004_council_rules_and_ballot_tallies")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
