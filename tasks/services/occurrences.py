"""The occurrences of a recurring task: a copy of the template, assigned by its assigner."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from core.codes import next_code
from tasks.models import Task
from tasks.recurrence import period_label
from tasks.services.assignment import task_assign
from tasks.services._common import _event
from tasks.services.drafts import EDITABLE_FIELDS, _save_parts


@transaction.atomic
def task_create_occurrence(*, rule, period: str, due_at: datetime) -> Task:
    """One period's task of a recurrence: a copy of the template, assigned by the template's assigner."""
    template = rule.template
    data = {name: getattr(template, name) for name in EDITABLE_FIELDS}
    data["deadline"] = due_at
    task = Task.objects.create(code=next_code(Task, "NV"), assigner=template.assigner,
                               assigning_unit=template.assigning_unit, recurrence=rule, period=period, **data)
    participants = [{"user": p.user, "unit": p.unit, "part": p.part} for p in template.participants.all()]
    steps = [{"name": s.name, "responsible": s.responsible} for s in template.steps.all()]
    _save_parts(task, participants, steps)
    _event(task, action="create", actor=None, note=_("Recurring task for %(period)s") % {"period": period_label(period)})
    return task_assign(actor=template.assigner, task=task)
