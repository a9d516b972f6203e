from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tasks.models import Task
from tests.tasks.conftest import pdf

pytestmark = pytest.mark.django_db


def payload(world, **overrides):
    data = {
        "assigning_unit": world.dept.pk, "title": "Tổng hợp báo cáo công vụ",
        "content": "Tổng hợp kết quả kiểm tra công vụ của các phòng trong quý.", "lead": world.staff_division.pk,
        "deadline": (timezone.now() + timedelta(days=7)).isoformat(), "process_description": "Thu thập; tổng hợp; trình",
        "reporting_regime": "Hằng tuần", "responsibility": "Số liệu đầy đủ", "expected_result": "Báo cáo đúng hạn",
        "acceptance_criterion": "Lãnh đạo ký", "participants": [{"user": world.colleague_division.pk, "part": "Số liệu"}],
    }
    data.update(overrides)
    return data


def test_create_then_assign_through_the_api(client, world):
    client.force_login(world.head_dept)
    response = client.post(reverse("api:task-list"), payload(world), content_type="application/json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "draft" and all(c["ok"] for c in body["checklist"])
    assert body["participants"][0]["part"] == "Số liệu"
    response = client.post(reverse("api:task-assign", args=[body["id"]]))
    assert response.status_code == 200 and response.json()["status"] == "assigned"


def test_the_gate_says_which_dimensions_are_missing(client, world):
    client.force_login(world.head_dept)
    created = client.post(reverse("api:task-list"), payload(world, expected_result="", responsibility=""),
                          content_type="application/json").json()
    response = client.post(reverse("api:task-assign", args=[created["id"]]))
    assert response.status_code == 400
    body = response.json()
    assert set(k for k in body if k.startswith("clarity.")) == {"clarity.result", "clarity.responsibility"}
    assert body["clarity.result"]  # the reasons
    checklist = client.get(reverse("api:task-checklist", args=[created["id"]])).json()
    assert {c["dimension"] for c in checklist if not c["ok"]} == {"result", "responsibility"}


def test_writable_relations_are_scoped(client, world):
    client.force_login(world.head_dept)
    response = client.post(reverse("api:task-list"), payload(world, lead=world.outsider.pk), content_type="application/json")
    assert response.status_code == 400 and "lead" in response.json()
    response = client.post(reverse("api:task-list"), payload(world, assigning_unit=world.other_root.pk),
                           content_type="application/json")
    assert response.status_code == 400 and "assigning_unit" in response.json()
    response = client.post(reverse("api:task-list"), payload(world, participants=[{"user": world.outsider.pk, "part": "x"}]),
                           content_type="application/json")
    assert response.status_code == 400
    # visible but outside the assigning unit's subtree: refused by the service
    response = client.post(reverse("api:task-list"), payload(world, assigning_unit=world.sibling.pk), content_type="application/json")
    assert response.status_code == 400
    assert not Task.objects.exists()


def test_actions_wrong_actor_wrong_state_and_outsider(client, world, make_task):
    task = make_task(status="assigned")
    client.force_login(world.head_dept)
    assert client.post(reverse("api:task-accept", args=[task.pk])).status_code == 403  # only the lead accepts
    client.force_login(world.staff_division)
    assert client.post(reverse("api:task-accept", args=[task.pk])).status_code == 200
    response = client.post(reverse("api:task-accept", args=[task.pk]))
    assert response.status_code == 409 and response.json()["code"] == "wrong_state"
    client.force_login(world.outsider)
    assert client.post(reverse("api:task-accept", args=[task.pk])).status_code == 404
    assert client.get(reverse("api:task-detail", args=[task.pk])).status_code == 404


def test_progress_and_submit_with_files_over_multipart(client, world, make_task):
    task = make_task(status="in_progress")
    client.force_login(world.staff_division)
    response = client.post(reverse("api:task-progress", args=[task.pk]), {"percent": 60, "note": "ok", "files": [pdf()]})
    assert response.status_code == 200 and response.json()["progress_percent"] == 60
    response = client.post(reverse("api:task-submit", args=[task.pk]), {"note": "Hoàn thành", "files": [pdf("kq.pdf")]})
    assert response.status_code == 200 and response.json()["status"] == "submitted"
    assert task.evidence.count() == 2


def test_extension_and_decision_over_the_api(client, world, make_task):
    task = make_task(status="in_progress")
    client.force_login(world.staff_division)
    new = (task.deadline + timedelta(days=3)).isoformat()
    assert client.post(reverse("api:task-extension", args=[task.pk]), {"new_deadline": new, "reason": "Chờ số liệu"},
                       content_type="application/json").status_code == 200
    request_id = task.extension_requests.get().pk
    client.force_login(world.head_dept)
    response = client.post(reverse("api:task-decide-extension", args=[task.pk, request_id]), {"approve": True},
                           content_type="application/json")
    assert response.status_code == 200 and response.json()["extended"] is True
    assert client.post(reverse("api:task-decide-extension", args=[task.pk, request_id]), {"approve": False, "note": "x"},
                       content_type="application/json").status_code == 409


def test_list_filters(client, world, make_task):
    make_task(status="assigned", source_number="45/CT-TTg")
    make_task(status="completed", title="Đã xong")
    client.force_login(world.head_dept)
    url = reverse("api:task-list")
    assert client.get(url, {"directive": "45/CT"}).json()["count"] == 1
    assert [t["title"] for t in client.get(url, {"official": "done_on_time"}).json()["results"]] == ["Đã xong"]
    assert client.get(url, {"q": "da xong"}).json()["count"] == 1
    assert client.get(url, {"official": "nonsense"}).status_code == 400
    assert client.get(url, {"unit": world.sibling.pk}).status_code == 404


def test_patch_updates_a_draft_only(client, world, make_task):
    draft = make_task()
    client.force_login(world.head_dept)
    response = client.patch(reverse("api:task-detail", args=[draft.pk]), {"title": "Tên mới"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["title"] == "Tên mới"
    assigned = make_task(status="assigned")
    response = client.patch(reverse("api:task-detail", args=[assigned.pk]), {"title": "x"}, content_type="application/json")
    assert response.status_code == 409


def test_schema_documents_every_task_endpoint_without_warnings():
    import subprocess
    import sys

    from django.conf import settings

    result = subprocess.run([sys.executable, "manage.py", "spectacular", "--validate", "--fail-on-warn"],
                            cwd=settings.BASE_DIR, capture_output=True, text=True,
                            env={**__import__("os").environ, "DEBUG": "false", "SECRET_KEY": "x",
                                 "DJANGO_SETTINGS_MODULE": "config.settings"})
    assert result.returncode == 0, result.stderr[-2000:]
    for path in ("/api/v1/tasks/{id}/approve/", "/api/v1/tasks/{id}/extensions/{request_pk}/decide/"):
        assert path in result.stdout
