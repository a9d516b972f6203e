import pytest
from django.urls import reverse

from tasks import services
from tasks.models import ProcessTemplate, ProcessTemplateStep, Task, TaskStatus
from tests.tasks.conftest import clear_data
from tests.tasks.test_pages import form_data

pytestmark = pytest.mark.django_db


def test_the_lead_delegates_a_sub_task_from_the_page(client, world, make_task):
    parent = make_task(status="in_progress")
    client.force_login(world.staff_division)
    page = client.get(reverse("tasks:detail", args=[parent.pk])).content.decode()
    assert f"?parent={parent.pk}" in page
    post = {**form_data(world, lead=world.colleague_division, title="Phần việc thống kê"), "parent": parent.pk,
            "assigning_unit": "", "assign": "1"}
    response = client.post(reverse("tasks:create"), post)
    child = Task.objects.get(parent=parent)
    assert response.status_code == 302 and child.status == TaskStatus.ASSIGNED
    assert child.assigner == world.staff_division and child.assigning_unit == world.division
    # the live checklist works for the delegating lead too
    assert client.post(reverse("tasks:checklist"), {**post, "assign": ""}).status_code == 200


def test_only_the_lead_of_an_open_task_may_delegate_it(client, world, make_task):
    parent = make_task(status="assigned")
    client.force_login(world.staff_division)
    assert client.get(reverse("tasks:create"), {"parent": parent.pk}).status_code == 403
    client.force_login(world.outsider)
    assert client.get(reverse("tasks:create"), {"parent": parent.pk}).status_code == 404


def test_delegation_through_the_api(client, world, make_task):
    parent = make_task(status="in_progress")
    client.force_login(world.staff_division)
    body = {"parent": parent.pk, "title": "Phần việc", "content": "Thống kê số liệu của phòng trong quý này",
            "lead": world.colleague_division.pk}
    response = client.post(reverse("api:task-list"), body, content_type="application/json")
    assert response.status_code == 201 and response.json()["parent"] == parent.pk
    client.force_login(world.head_sibling)
    assert client.post(reverse("api:task-list"), body, content_type="application/json").status_code == 400


def test_steps_advance_with_progress_reports(client, world):
    template = ProcessTemplate.objects.create(organisation=world.dept.organisation, name="Xử lý văn bản đến")
    for order, name in enumerate(["Tiếp nhận", "Tham mưu", "Trình ký"], 1):
        ProcessTemplateStep.objects.create(template=template, order=order, name=name, responsible="Chuyên viên")
    task = services.task_create_draft(actor=world.head_dept, assigning_unit=world.dept,
                                      data=clear_data(world, process_template=template, process_description=""))
    services.task_assign(actor=world.head_dept, task=task)
    services.task_accept(actor=world.staff_division, task=task)
    client.force_login(world.staff_division)
    page = client.get(reverse("tasks:detail", args=[task.pk])).content.decode()
    assert '<li class="current" aria-current="step">' in page and "→ Tiếp nhận" in page
    client.post(reverse("tasks:progress", args=[task.pk]), {"progress-percent": 30, "progress-steps_done": ["1"]})
    page = client.get(reverse("tasks:detail", args=[task.pk])).content.decode()
    assert "✓ Tiếp nhận" in page and "→ Tham mưu" in page
    response = client.post(reverse("api:task-progress", args=[task.pk]), {"percent": 60, "steps_done": [2]},
                           content_type="application/json")
    assert response.status_code == 200
    assert list(task.steps.filter(done_at__isnull=False).values_list("order", flat=True)) == [1, 2]
