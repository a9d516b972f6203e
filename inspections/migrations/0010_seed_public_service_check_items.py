from django.db import migrations


def seed(apps, schema_editor):
    from inspections.catalogue import ensure_check_items_seeded

    ensure_check_items_seeded(apps.get_model)


def unseed(apps, schema_editor):
    from inspections.catalogue import CHECK_ITEMS

    apps.get_model("inspections", "CheckItem").objects.filter(code__in=[row[0] for row in CHECK_ITEMS]).delete()


class Migration(migrations.Migration):
    dependencies = [("inspections", "0009_public_service_check_roll")]

    operations = [migrations.RunPython(seed, unseed)]
