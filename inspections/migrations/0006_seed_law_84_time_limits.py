from django.db import migrations
from django.utils import timezone


def seed(apps, schema_editor):
    from inspections.catalogue import ensure_time_limits_seeded

    ensure_time_limits_seeded(apps.get_model)
    # A draft conclusion already recorded was received by the head that day.
    Inspection = apps.get_model("inspections", "Inspection")
    for inspection in Inspection.objects.filter(draft_conclusion_at__isnull=False, draft_received_on__isnull=True) \
            .only("id", "draft_conclusion_at").iterator():
        Inspection.objects.filter(pk=inspection.pk).update(
            draft_received_on=timezone.localtime(inspection.draft_conclusion_at).date())


def unseed(apps, schema_editor):
    """The seeded rows go (rows an administrator added, and the dates filled in, go with the schema
    migration's reversal)."""
    from inspections.catalogue import LAW_84_START, TIME_LIMITS

    TimeLimit = apps.get_model("inspections", "ConclusionTimeLimit")
    for step, days, working, basis in TIME_LIMITS:
        TimeLimit.objects.filter(step=step, days=days, working_days=working, valid_from=LAW_84_START,
                                 legal_basis=basis, issuing_unit__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("inspections", "0005_law_84_conclusion_time_limits_and_their_dates")]

    operations = [migrations.RunPython(seed, unseed)]
