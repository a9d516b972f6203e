"""Task lists and the register export: a fixed number of queries whatever the size."""

import io

import openpyxl
import pytest
from django.urls import reverse

from tasks.models import Participant, Task

pytestmark = pytest.mark.django_db


@pytest.fixture
def many(world, make_task):
    first = make_task(status="assigned", participants=[{"user": world.colleague_division, "part": "Phối hợp"}])
    base = Task.objects.filter(pk=first.pk).values()[0]
    base.pop("id")
    rows = []
    for i in range(120):
        rows.append(Task(**{**base, "code": f"NV-T{i:04d}", "title": f"Nhiệm vụ {i}"}))
    created = Task.objects.bulk_create(rows)
    Participant.objects.bulk_create([Participant(task=t, user=world.colleague_division, part="Phối hợp") for t in created])
    return world


# session, user (with the stamp of the scope the session keeps), the managed units' ids, count, page
@pytest.mark.parametrize("size", [20, 100])
def test_task_list_page_queries(client, many, django_assert_num_queries, size):
    client.force_login(many.head_dept)
    with django_assert_num_queries(5):
        response = client.get(reverse("tasks:list"), {"tab": "assigned", "size": size}, HTTP_HX_REQUEST="true")
    assert response.content.decode().count("<tr>") == size + 1


@pytest.mark.parametrize("size", [20, 100])
def test_task_list_api_queries(client, many, django_assert_num_queries, size):
    client.force_login(many.head_dept)
    with django_assert_num_queries(5):
        response = client.get(reverse("api:task-list"), {"page_size": size})
    assert len(response.json()["results"]) == size


@pytest.mark.parametrize("tab", ["assigned", "lead"])
def test_register_export_queries_do_not_grow_with_rows(client, many, django_assert_num_queries, tab):
    client.force_login(many.head_dept if tab == "assigned" else many.staff_division)
    # session, user (with the stamp of the scope the session keeps), the managed units' ids (a head
    # only), the tasks (one chunk), their participants (one query per chunk)
    with django_assert_num_queries(5 if tab == "assigned" else 4):
        response = client.get(reverse("tasks:export"), {"tab": tab})
        content = b"".join(response.streaming_content)
    sheet = openpyxl.load_workbook(io.BytesIO(content), read_only=True).active
    assert sum(1 for _ in sheet.iter_rows(min_row=4)) == 121
