"""The deadline in force after each event already written, read back from the events themselves:
the current deadline after the last extension, and before each extension the deadline it replaced
(its "from"). A deadline changed by editing a returned task before this column existed is not
recorded anywhere, so the events of such a task carry the deadline that followed."""

from datetime import datetime

from django.db import migrations

BATCH = 2000


def backfill(apps, schema_editor):
    Task = apps.get_model("tasks", "Task")
    TaskEvent = apps.get_model("tasks", "TaskEvent")
    task_ids = TaskEvent.objects.filter(deadline__isnull=True).values_list("task_id", flat=True).distinct()
    ids = sorted(set(task_ids))
    for start in range(0, len(ids), BATCH):
        part = ids[start:start + BATCH]
        deadlines = dict(Task.objects.filter(pk__in=part).values_list("pk", "deadline"))
        changed = []
        events = TaskEvent.objects.filter(task_id__in=part).order_by("task_id", "-at", "-id")
        current_task, deadline = None, None
        for event in events.iterator(chunk_size=BATCH):
            if event.task_id != current_task:
                current_task, deadline = event.task_id, deadlines.get(event.task_id)
            if event.deadline is None:
                event.deadline = deadline
                changed.append(event)
            if event.action == "extend" and event.data.get("from"):
                deadline = datetime.fromisoformat(event.data["from"])
        TaskEvent.objects.bulk_update(changed, ["deadline"], batch_size=BATCH)


class Migration(migrations.Migration):
    dependencies = [("tasks", "0007_task_event_deadline")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
