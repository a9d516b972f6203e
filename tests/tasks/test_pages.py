import io
from datetime import timedelta

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from tasks import services
from tasks.models import Task, TaskStatus
from tests.tasks.conftest import clear_data, pdf

pytestmark = pytest.mark.django_db


def form_data(world, **overrides):
    data = clear_data(world, **overrides)
    post = {k: v for k, v in data.items() if k not in ("lead", "deadline")}
    post["lead"] = data["lead"].pk if data["lead"] else ""
    post["deadline"] = timezone.localtime(data["deadline"]).strftime("%Y-%m-%dT%H:%M") if data["deadline"] else ""
    post.update({"assigning_unit": world.dept.pk, "p-TOTAL_FORMS": "1", "p-INITIAL_FORMS": "0", "p-MIN_NUM_FORMS": "0",
                 "p-MAX_NUM_FORMS": "20", "p-0-user": "", "p-0-unit": "", "p-0-part": ""})
    return post


def test_create_and_assign_from_the_form(client, world):
    client.force_login(world.head_dept)
    response = client.post(reverse("tasks:create"), {**form_data(world), "assign": "1"})
    task = Task.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("tasks:detail", args=[task.pk])
    assert task.status == TaskStatus.ASSIGNED and task.lead == world.staff_division


def test_a_refused_save_and_assign_keeps_nothing_and_the_form_says_what_is_missing(client, world):
    """Only "Lưu nháp" saves a draft: a refused "Lưu và giao" leaves no junk draft behind."""
    client.force_login(world.head_dept)
    response = client.post(reverse("tasks:create"), {**form_data(world, expected_result=""), "assign": "1"})
    assert response.status_code == 200 and not Task.objects.exists()
    body = response.content.decode()
    assert "Chưa rõ" in body and "Chưa lưu gì" in body
    assert 'data-dimension="result"' in body
    assert response.context["form"]["title"].value() == "Rà soát thủ tục hành chính quý IV"  # what was typed stays
    client.post(reverse("tasks:create"), form_data(world, expected_result=""))  # "Lưu nháp"
    assert Task.objects.get().status == TaskStatus.DRAFT


def test_a_saved_draft_defaults_its_lead_unit_like_a_new_one_and_the_checklist_agrees(client, world, make_task):
    """On an edited draft the lead unit defaults from the lead, as on create: the live checklist shows
    green and "Lưu và giao" assigns — the checklist and the gate follow one rule."""
    draft = make_task(lead=None)
    assert draft.lead_unit is None
    client.force_login(world.head_dept)
    post = {**form_data(world), "lead_unit": "", "task": draft.pk}
    checklist = client.post(reverse("tasks:checklist"), post, HTTP_HX_REQUEST="true").content.decode()
    assert 'class="missing"' not in checklist
    response = client.post(reverse("tasks:edit", args=[draft.pk]), {**post, "assign": "1"})
    draft.refresh_from_db()
    assert response.status_code == 302, response.content.decode()[:2000]
    assert draft.status == TaskStatus.ASSIGNED and draft.lead_unit == world.division


def test_a_refused_save_and_assign_of_a_draft_leaves_the_draft_as_it_was(client, world, make_task):
    draft = make_task(title="Tiêu đề cũ")
    client.force_login(world.head_dept)
    response = client.post(reverse("tasks:edit", args=[draft.pk]),
                           {**form_data(world, title="Tiêu đề mới", responsibility=""), "assign": "1"})
    assert response.status_code == 200 and "Chưa lưu gì" in response.content.decode()
    draft.refresh_from_db()
    assert draft.title == "Tiêu đề cũ" and draft.status == TaskStatus.DRAFT and draft.responsibility


def test_the_checklist_of_another_heads_draft_is_not_found(client, world, make_task):
    draft = make_task()
    client.force_login(world.head_sibling)
    post = {**form_data(world), "task": draft.pk}
    assert client.post(reverse("tasks:checklist"), post, HTTP_HX_REQUEST="true").status_code == 404


def test_the_approval_form_preselects_no_quality_and_asks_a_reason_only_for_open_subtasks(client, world, make_task):
    task = make_task(status="submitted")
    client.force_login(world.head_dept)
    form = client.get(reverse("tasks:detail", args=[task.pk])).context["forms"]["approve"]
    assert form["quality"].value() in (None, "") and "open_subtasks_reason" not in form.fields
    body = client.get(reverse("tasks:detail", args=[task.pk])).content.decode()
    assert 'value="excellent" selected' not in body and "approve-open_subtasks_reason" not in body
    client.post(reverse("tasks:approve", args=[task.pk]), {"approve-note": "Tốt"})  # no quality chosen
    task.refresh_from_db()
    assert task.status == TaskStatus.SUBMITTED
    client.post(reverse("tasks:approve", args=[task.pk]), {"approve-quality": "good"})
    task.refresh_from_db()
    assert task.status == TaskStatus.COMPLETED and task.quality == "good"


def test_the_reason_for_open_subtasks_is_asked_when_there_are_some(client, world, make_task):
    parent = make_task(status="in_progress")
    child = services.task_create_draft(actor=world.staff_division, assigning_unit=world.dept, parent=parent,
                                       data=clear_data(world, title="Phần việc 1"))
    services.task_assign(actor=world.staff_division, task=child)
    services.task_submit_result(actor=world.staff_division, task=parent, note="Xong", files=[pdf()])
    client.force_login(world.head_dept)
    form = client.get(reverse("tasks:detail", args=[parent.pk])).context["forms"]["approve"]
    assert "open_subtasks_reason" in form.fields


def test_live_checklist_fragment(client, world):
    client.force_login(world.head_dept)
    response = client.post(reverse("tasks:checklist"), form_data(world, responsibility=""), HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert '<li class="missing" data-dimension="responsibility">' in body
    assert '<li class="ok" data-dimension="person">' in body and "<html" not in body
    assert not Task.objects.exists()  # the checklist saves nothing


def test_lead_outside_the_subtree_is_refused_by_the_form(client, world):
    client.force_login(world.head_dept)
    response = client.post(reverse("tasks:create"), form_data(world, lead=world.member_sibling))
    assert response.status_code == 200 and "lead" in response.context["form"].errors
    assert not Task.objects.exists()


def test_staff_cannot_open_the_create_page(client, world):
    client.force_login(world.staff_division)
    assert client.get(reverse("tasks:create")).status_code == 404
    client.force_login(world.head_dept)
    assert client.get(reverse("tasks:create"), {"unit": world.sibling.pk}).status_code == 404


def test_list_tabs_and_scope(client, world, make_task):
    mine = make_task(status="assigned")
    make_task(status="assigned", title="Việc khác", lead=world.colleague_division)
    client.force_login(world.staff_division)
    body = client.get(reverse("tasks:list"), {"tab": "lead"}).content.decode()
    assert mine.code in body and "Việc khác" not in body
    client.force_login(world.head_sibling)
    assert mine.code not in client.get(reverse("tasks:list"), {"tab": "unit"}).content.decode()
    client.force_login(world.head_dept)
    body = client.get(reverse("tasks:list"), {"tab": "assigned", "q": "ra soat thu tuc"}).content.decode()
    assert mine.code in body


def test_drafts_are_hidden_from_the_lead(client, world, make_task):
    draft = make_task()
    client.force_login(world.staff_division)
    assert client.get(reverse("tasks:detail", args=[draft.pk])).status_code == 404
    client.force_login(world.head_dept)
    assert client.get(reverse("tasks:detail", args=[draft.pk])).status_code == 200


def test_detail_shows_checklist_and_timeline(client, world, make_task):
    task = make_task(status="in_progress")
    client.force_login(world.staff_division)
    body = client.get(reverse("tasks:detail", args=[task.pk])).content.decode()
    assert 'data-testid="checklist"' in body and 'data-testid="timeline"' in body
    assert reverse("tasks:progress", args=[task.pk]) in body
    assert reverse("tasks:approve", args=[task.pk]) not in body  # the lead does not judge


@pytest.mark.parametrize("name", ["assign", "accept", "return", "progress", "extension", "submit", "approve", "send_back", "cancel"])
def test_action_endpoints_are_post_only_and_404_for_outsiders(client, world, make_task, name):
    task = make_task(status="in_progress")
    url = reverse(f"tasks:{name}", args=[task.pk])
    client.force_login(world.staff_division)
    assert client.get(url).status_code == 405
    client.force_login(world.outsider)
    assert client.post(url, {"reason": "x", "percent": 10, "note": "x", "quality": "good"}).status_code == 404


def test_wrong_actor_gets_403(client, world, make_task):
    task = make_task(status="submitted")
    client.force_login(world.staff_division)  # the lead, who may see it but not judge it
    assert client.post(reverse("tasks:approve", args=[task.pk]), {"approve-quality": "good"}).status_code == 403
    task.refresh_from_db()
    assert task.status == TaskStatus.SUBMITTED


def test_wrong_state_is_a_clear_message(client, world, make_task):
    task = make_task(status="assigned")
    client.force_login(world.head_dept)
    response = client.post(reverse("tasks:approve", args=[task.pk]), {"approve-quality": "good"}, follow=True)
    assert any("cannot" in str(m) or "không thể" in str(m) for m in response.context["messages"])


def test_progress_with_a_file_through_the_page(client, world, make_task):
    task = make_task(status="in_progress")
    client.force_login(world.staff_division)
    client.post(reverse("tasks:progress", args=[task.pk]), {"progress-percent": 50, "progress-note": "Nửa chặng", "files": [pdf()]})
    task.refresh_from_db()
    assert task.progress_percent == 50 and task.evidence.count() == 1
    evidence = task.evidence.get()
    assert client.get(reverse("tasks:evidence", args=[evidence.pk])).status_code == 200
    client.force_login(world.head_sibling)
    assert client.get(reverse("tasks:evidence", args=[evidence.pk])).status_code == 404


def test_overview_counts_by_official_status(client, world, make_task):
    make_task(status="completed")
    overdue = make_task(status="in_progress", title="Quá hạn")
    Task.objects.filter(pk=overdue.pk).update(deadline=timezone.now() - timedelta(hours=1))
    make_task(status="assigned", title="Trong hạn")
    client.force_login(world.head_dept)
    response = client.get(reverse("tasks:overview"))
    totals = response.context["totals"]
    assert (totals["done_on_time"], totals["open_overdue"], totals["open_within"]) == (1, 1, 1)
    assert [t.title for t in response.context["overdue"]] == ["Quá hạn"]
    assert {row["unit"].code: row["total"] for row in response.context["children"]} == {"D1A": 3}
    client.force_login(world.staff_division)
    assert client.get(reverse("tasks:overview")).status_code == 404


def test_register_export_opens_back_without_formulas(client, world, make_task):
    make_task(status="assigned", title="=HYPERLINK(\"http://evil\",\"x\")", source_number="+1-2")
    make_task(status="completed", title="Việc bình thường")
    client.force_login(world.head_dept)
    response = client.get(reverse("tasks:export"), {"tab": "assigned"})
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = book.active
    rows = list(sheet.iter_rows(min_row=4, values_only=True))
    assert len(rows) == 2
    titles = {r[2] for r in rows}
    assert '=HYPERLINK("http://evil","x")' in titles
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    assert sheet["A3"].value == "STT"


def test_evidence_whose_file_is_gone_is_not_found(client, world, make_task):
    task = make_task(status="in_progress")
    client.force_login(world.staff_division)
    client.post(reverse("tasks:progress", args=[task.pk]), {"progress-percent": 10, "files": [pdf()]})
    evidence = task.evidence.get()
    evidence.file.storage.delete(evidence.file.name)
    assert client.get(reverse("tasks:evidence", args=[evidence.pk])).status_code == 404


def test_progress_action_loads_the_task_once_whatever_its_steps(client, world, make_task):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tasks.models import TaskStep

    def queries_for(task):
        with CaptureQueriesContext(connection) as captured:
            response = client.post(reverse("tasks:progress", args=[task.pk]), {"progress-percent": 20})
        assert response.status_code == 302
        return len(captured)

    client.force_login(world.staff_division)
    plain = make_task(status="in_progress")
    with_steps = make_task(status="in_progress", title="Có quy trình")
    TaskStep.objects.bulk_create([TaskStep(task=with_steps, order=i, name=f"Bước {i}") for i in range(1, 6)])
    assert queries_for(plain) == queries_for(with_steps)
    plain.refresh_from_db()
    assert plain.progress_percent == 20


def test_home_shows_each_led_units_overdue_count(client, world, make_task):
    from datetime import timedelta

    late = make_task(status="in_progress")
    Task.objects.filter(pk=late.pk).update(deadline=timezone.now() - timedelta(hours=1))
    make_task(status="assigned", title="Còn hạn")
    client.force_login(world.head_dept)
    body = client.get(reverse("home")).content.decode()
    assert 'data-testid="overdue-D1">1<' in body
