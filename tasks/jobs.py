"""Scheduled work on tasks. Each job is set-based (no Python loop over the whole table), does
its marking and its notifications in one transaction (a crash loses or duplicates nothing),
and is idempotent: the dedupe keys make a second run send nothing twice."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connections, transaction
from django.db.models.sql import UpdateQuery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation import override

from accounts.selectors import head_ids_by_unit
from notifications.services import notification_send_bulk
from scheduler.registry import JobReport, scheduled_job
from tasks.access import can_assign_in
from tasks.models import OPEN_STATUSES, Recurrence, Task, TaskStatus
from tasks.recurrence import due_dates
from tasks.services import task_create_occurrence
from tasks.status import overdue_q
from tasks.tallies import reconcile

logger = logging.getLogger(__name__)

REMINDER_DAYS = getattr(settings, "TASK_REMINDER_DAYS", 3)


def _when(value) -> str:
    return timezone.localtime(value).strftime("%H:%M %d/%m/%Y")


NOTIFIED_COLUMNS = ("id", "code", "title", "deadline", "lead_id", "lead_unit_id")


def _mark_returning(candidates, now) -> list[dict]:
    """The ORM's own UPDATE of the candidates, with RETURNING the columns the notices need: the
    marked rows come back from the statement itself, not from a second pass over the table (at a
    million tasks a scan, overdue_marked_at being in no index — which keeps the mark a HOT update)."""
    query = candidates.query.chain(UpdateQuery)
    query.clear_ordering(force=True)
    query.add_update_values({"overdue_marked_at": now})
    connection = connections[candidates.db]
    compiler = query.get_compiler(candidates.db)
    compiler.pre_sql_setup()
    statement, params = compiler.as_sql()
    fields = [Task._meta.get_field(name) for name in NOTIFIED_COLUMNS]
    columns = [connection.ops.quote_name(field.column) for field in fields]
    # Values as the ORM would read them (on SQLite a time comes back as text).
    expressions = [field.get_col(Task._meta.db_table) for field in fields]
    converters = [connection.ops.get_db_converters(col) + col.get_db_converters(connection) for col in expressions]
    with connection.cursor() as cursor:
        cursor.execute(f"{statement} RETURNING {', '.join(columns)}", params)
        rows = cursor.fetchall()
    marked = []
    for row in rows:
        values = {}
        for name, value, col, field_converters in zip(NOTIFIED_COLUMNS, row, expressions, converters):
            for converter in field_converters:
                value = converter(value, col, connection)
            values[name] = value
        marked.append(values)
    marked.sort(key=lambda task: (task["deadline"], task["id"]))  # the order the notices were always made in
    return marked


@scheduled_job("tasks.mark_overdue", interval_seconds=lambda: settings.TASKS_OVERDUE_CHECK_SECONDS,
               title=gettext_lazy("Mark overdue tasks"))
def mark_overdue(now=None) -> int:
    """Mark newly overdue tasks in one UPDATE; tell each lead and escalate to the lead unit's head."""
    now = now or timezone.now()
    with transaction.atomic(), override(settings.LANGUAGE_CODE):
        newly = _mark_returning(Task.objects.filter(overdue_q(now), overdue_marked_at__isnull=True), now)
        marked = len(newly)
        if not marked:
            return 0
        heads = head_ids_by_unit({t["lead_unit_id"] for t in newly})
        items = []
        for task in newly:
            key = f"task:{task['id']}:overdue:{task['deadline'].isoformat()}"
            url = reverse("tasks:detail", args=[task["id"]])
            target = {"target_model": Task, "target_id": task["id"]}
            items.append({"recipient_id": task["lead_id"], "verb": "task.overdue", "url": url, "dedupe_key": key, **target,
                          "message": _("Overdue since %(when)s: %(code)s %(title)s")
                          % {"when": _when(task["deadline"]), "code": task["code"], "title": task["title"]}})
            for head_id in heads.get(task["lead_unit_id"], []):
                if head_id != task["lead_id"]:
                    items.append({"recipient_id": head_id, "verb": "task.escalated", "url": url, **target,
                                  "dedupe_key": key + ":head",
                                  "message": _("Overdue in your unit: %(code)s %(title)s")
                                  % {"code": task["code"], "title": task["title"]}})
        notification_send_bulk(items)
    return marked


@scheduled_job("tasks.deadline_reminders", cron="0 * * * *", title=gettext_lazy("Remind leads of coming deadlines"))
def deadline_reminders(now=None) -> int:
    """Remind leads a few days before the deadline and on the day — once each per deadline."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    soon = now + timedelta(days=REMINDER_DAYS)
    tasks = Task.objects.filter(status__in=(TaskStatus.ASSIGNED, TaskStatus.IN_PROGRESS), deadline__gte=now,
                                deadline__lte=soon).values("id", "code", "title", "deadline", "lead_id")
    items = []
    with override(settings.LANGUAGE_CODE):
        for task in tasks.iterator(chunk_size=2000):
            due_today = timezone.localdate(task["deadline"]) == today
            kind = "today" if due_today else "soon"
            message = (_("Due today at %(time)s: %(code)s %(title)s") if due_today else _("Due on %(time)s: %(code)s %(title)s")) % {
                "time": _when(task["deadline"]), "code": task["code"], "title": task["title"]}
            items.append({"recipient_id": task["lead_id"], "verb": f"task.reminder_{kind}",
                          "target_model": Task, "target_id": task["id"],
                          "url": reverse("tasks:detail", args=[task["id"]]), "message": message,
                          "dedupe_key": f"task:{task['id']}:remind-{kind}:{task['deadline'].isoformat()}"})
    with transaction.atomic():
        return notification_send_bulk(items)


@scheduled_job("tasks.generate_recurring", cron="10 * * * *", title=gettext_lazy("Create recurring tasks"))
def generate_recurring(today=None) -> int:
    """Create (and assign) each recurring task once per period, `assign_days_before` its due date."""
    today = today or timezone.localdate()
    created = 0
    rules = Recurrence.objects.filter(active=True, starts_on__lte=today + timedelta(days=366)).select_related(
        "template__assigner", "template__assigning_unit"
    )
    for rule in rules:  # one loop per rule (a handful), never per task
        end = today + timedelta(days=rule.assign_days_before)
        if rule.ends_on:
            end = min(end, rule.ends_on)
        wanted = due_dates(rule, max(today, rule.starts_on), end)
        done = set(rule.occurrences.filter(period__in=[p for p, _ in wanted]).values_list("period", flat=True))
        for period, due_at in wanted:
            if period in done:
                continue
            if not can_assign_in(rule.template.assigner, rule.template.assigning_unit):
                logger.warning("Recurrence %s: %s may no longer assign in %s; skipped", rule.pk,
                               rule.template.assigner, rule.template.assigning_unit)
                break
            try:
                with override(settings.LANGUAGE_CODE):
                    task_create_occurrence(rule=rule, period=period, due_at=due_at)
            except IntegrityError:
                continue  # another run created it a moment ago
            except (PermissionDenied, ValidationError) as error:
                logger.warning("Recurrence %s period %s not generated: %s", rule.pk, period, error)
                continue
            created += 1
    return created


@scheduled_job("tasks.reconcile_tallies", cron="40 1 * * *", title=gettext_lazy("Recount the task tallies"))
def reconcile_tallies() -> JobReport:
    """Recount the overviews' task tallies from the tasks; report and mend any cell that drifted."""
    drift = reconcile()
    return JobReport(drifted=len(drift.drifted), details=drift.drifted)
