"""Events written before they recorded their deadline get it back from the events themselves."""

import importlib
from datetime import timedelta

import pytest
from django.apps import apps

from tasks import services
from tasks.models import TaskEvent

pytestmark = pytest.mark.django_db
backfill = importlib.import_module("tasks.migrations.0008_task_event_deadline_backfill").backfill


def test_each_event_gets_the_deadline_in_force_after_it(world, make_task):
    task = make_task(status="in_progress")
    first = task.deadline
    request = services.task_request_extension(actor=world.staff_division, task=task,
                                              new_deadline=first + timedelta(days=7), reason="Chờ số liệu")
    services.task_decide_extension(actor=world.head_dept, request=request, approve=True)
    expected = list(TaskEvent.objects.filter(task=task).order_by("at", "id").values_list("action", "deadline"))
    assert expected[-1] == ("extend", first + timedelta(days=7)) and expected[0][1] == first
    TaskEvent.objects.update(deadline=None)
    backfill(apps, None)
    assert list(TaskEvent.objects.filter(task=task).order_by("at", "id").values_list("action", "deadline")) == expected
