"""Existing remediation tasks become owned by their recommendation (Task.managed_by), so the task
engine's own cancel and return refuse them from now on. A recommendation already stranded by a task
cancelled before this change is repaired through its services: withdrawn, or given a new task."""

from django.db import migrations


def own_remediation_tasks(apps, schema_editor):
    Task = apps.get_model("tasks", "Task")
    Recommendation = apps.get_model("inspections", "Recommendation")
    Task.objects.filter(pk__in=Recommendation.objects.filter(task__isnull=False).values("task_id")).update(
        managed_by="recommendation")


def release_remediation_tasks(apps, schema_editor):
    apps.get_model("tasks", "Task").objects.filter(managed_by="recommendation").update(managed_by="")


class Migration(migrations.Migration):

    dependencies = [
        ("inspections", "0003_client_token_unique_per_recorder"),
        ("tasks", "0004_task_managed_by_owner"),
    ]

    operations = [migrations.RunPython(own_remediation_tasks, release_remediation_tasks)]
