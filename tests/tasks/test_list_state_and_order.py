"""The task list filters by workflow state and puts open work — so overdue work — before finished work."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tasks.models import Task

pytestmark = pytest.mark.django_db


def titles(client, **params):
    return [task.title for task in client.get(reverse("tasks:list"), params).context["page"]]


def test_overdue_tasks_come_before_finished_ones(client, world, make_task):
    finished = make_task(status="completed", title="Đã xong từ lâu")
    Task.objects.filter(pk=finished.pk).update(deadline=timezone.now() - timedelta(days=30))
    overdue = make_task(status="in_progress", title="Quá hạn")
    Task.objects.filter(pk=overdue.pk).update(deadline=timezone.now() - timedelta(days=2))
    make_task(status="assigned", title="Còn hạn")
    client.force_login(world.staff_division)
    assert titles(client, tab="lead") == ["Quá hạn", "Còn hạn", "Đã xong từ lâu"]


def test_the_list_filters_by_workflow_state(client, world, make_task):
    make_task(status="assigned", title="Chờ tiếp nhận")
    make_task(status="submitted", title="Chờ đánh giá")
    make_task(status="completed", title="Hoàn thành")
    client.force_login(world.head_dept)
    assert titles(client, tab="assigned", status="submitted") == ["Chờ đánh giá"]
    assert titles(client, tab="assigned", status="assigned") == ["Chờ tiếp nhận"]
    # Not a state: refused with a message on the field, never passed to the database.
    response = client.get(reverse("tasks:list"), {"tab": "assigned", "status": "x'; drop"})
    assert response.status_code == 200 and "status" in response.context["form"].errors


def test_the_api_lists_in_the_same_order_and_filters_by_state(world, make_task):
    from tests.clients import Client

    finished = make_task(status="completed", title="Đã xong từ lâu")
    Task.objects.filter(pk=finished.pk).update(deadline=timezone.now() - timedelta(days=30))
    make_task(status="in_progress", title="Đang làm")
    client = Client()
    client.force_login(world.staff_division)
    rows = client.get("/api/v1/tasks/", {"tab": "lead"}).json()["results"]
    assert [row["title"] for row in rows] == ["Đang làm", "Đã xong từ lâu"]
    rows = client.get("/api/v1/tasks/", {"tab": "lead", "status": "completed"}).json()["results"]
    assert [row["title"] for row in rows] == ["Đã xong từ lâu"]
    assert client.get("/api/v1/tasks/", {"status": "nope"}).status_code == 400
