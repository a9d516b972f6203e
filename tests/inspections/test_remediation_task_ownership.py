"""A remediation task belongs to its recommendation: the task engine's own cancel and return refuse
it, and the inspection's services withdraw the recommendation or replace its task in one
transaction, so the recommendation is never stranded "being remedied" and the inspection closes."""

import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from core.errors import ConflictError
from inspections import services
from inspections.models import InspectionStatus, RecommendationStatus
from tasks import services as task_services
from tasks.models import Task, TaskEvent, TaskOwner, TaskStatus
from tests.tasks.conftest import pdf

pytestmark = pytest.mark.django_db


def as_user(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def followed(make_inspection):
    """An inspection following up one recommendation, its remediation task assigned."""
    inspection = make_inspection(InspectionStatus.FOLLOW_UP)
    recommendation = inspection.recommendations.get()
    return inspection, recommendation, recommendation.task


def test_the_task_engine_refuses_to_cancel_or_return_a_remediation_task(world, inspectorate, followed):
    inspection, recommendation, task = followed
    assert task.managed_by == TaskOwner.RECOMMENDATION
    with pytest.raises(ConflictError) as refused:
        task_services.task_cancel(actor=inspectorate.leader, task=task, reason="Không cần nữa")
    assert refused.value.code == "managed" and "kiến nghị" in refused.value.message
    with pytest.raises(ConflictError) as refused:
        task_services.task_return(actor=world.head_dept, task=task, reason="Không phải việc của Sở")
    assert refused.value.code == "managed"
    # Over the API: a clear 409, nothing changed.
    response = as_user(inspectorate.leader).post(f"/api/v1/tasks/{task.pk}/cancel/", {"reason": "x"}, format="json")
    assert response.status_code == 409 and "kiến nghị" in response.content.decode()
    response = as_user(world.head_dept).post(f"/api/v1/tasks/{task.pk}/return/", {"reason": "x"}, format="json")
    assert response.status_code == 409
    task.refresh_from_db()
    recommendation.refresh_from_db()
    assert task.status == TaskStatus.ASSIGNED and recommendation.status == RecommendationStatus.IN_REMEDIATION


def test_the_task_page_offers_no_cancel_or_return_of_a_remediation_task(client, world, inspectorate, followed):
    _inspection, _recommendation, task = followed
    client.force_login(inspectorate.leader)
    page = client.get(reverse("tasks:detail", args=[task.pk])).content.decode()
    assert reverse("tasks:cancel", args=[task.pk]) not in page
    client.force_login(world.head_dept)
    page = client.get(reverse("tasks:detail", args=[task.pk])).content.decode()
    assert reverse("tasks:accept", args=[task.pk]) in page  # the lead still works on it
    assert reverse("tasks:return", args=[task.pk]) not in page


def test_withdrawing_a_signed_recommendation_cancels_its_task_and_the_inspection_closes(world, inspectorate,
                                                                                       followed):
    inspection, recommendation, task = followed
    for not_directing in (inspectorate.member, world.head_dept):
        with pytest.raises(PermissionDenied):
            services.recommendation_withdraw(actor=not_directing, recommendation=recommendation, reason="x")
    services.recommendation_withdraw(actor=inspectorate.leader, recommendation=recommendation,
                                     reason="Đơn vị đã giải thể")
    recommendation.refresh_from_db()
    task.refresh_from_db()
    assert recommendation.status == RecommendationStatus.WITHDRAWN and task.status == TaskStatus.CANCELLED
    assert TaskEvent.objects.filter(task=task, action="cancel", note="Đơn vị đã giải thể").exists()
    event = recommendation.events.get(action="withdraw")
    assert event.from_status == RecommendationStatus.IN_REMEDIATION and event.data["code"] == task.code
    services.inspection_close(actor=inspectorate.leader, inspection=inspection)
    assert inspection.status == InspectionStatus.CLOSED


def test_a_completed_remedy_is_verified_not_withdrawn(world, inspectorate, followed):
    _inspection, recommendation, task = followed
    task_services.task_accept(actor=world.head_dept, task=task)
    task_services.task_submit_result(actor=world.head_dept, task=task, note="Xong", files=[pdf()])
    task_services.task_approve(actor=inspectorate.leader, task=task, quality="pass")
    with pytest.raises(ConflictError):
        services.recommendation_withdraw(actor=inspectorate.leader, recommendation=recommendation, reason="x")
    recommendation.refresh_from_db()
    assert recommendation.status == RecommendationStatus.IN_REMEDIATION


def test_replacing_the_task_cancels_the_old_one_and_the_new_one_is_followed_to_the_end(world, inspectorate,
                                                                                       followed):
    inspection, recommendation, old = followed
    with pytest.raises(ValidationError) as error:
        services.recommendation_replace_task(actor=inspectorate.leader, recommendation=recommendation, reason="x",
                                             deadline=timezone.localdate())
    assert "deadline" in error.value.message_dict
    later = recommendation.deadline + timedelta(days=30)
    services.recommendation_replace_task(actor=inspectorate.leader, recommendation=recommendation,
                                         reason="Lãnh đạo Sở thay đổi", deadline=later)
    recommendation.refresh_from_db()
    old.refresh_from_db()
    new = recommendation.task
    assert old.status == TaskStatus.CANCELLED and new.pk != old.pk
    assert new.status == TaskStatus.ASSIGNED and new.managed_by == TaskOwner.RECOMMENDATION
    assert recommendation.status == RecommendationStatus.IN_REMEDIATION and recommendation.deadline == later
    assert timezone.localtime(new.deadline).date() == later
    assert recommendation.events.get(action="replace_task").data["old_code"] == old.code
    task_services.task_accept(actor=world.head_dept, task=new)
    task_services.task_submit_result(actor=world.head_dept, task=new, note="Đã chấn chỉnh", files=[pdf()])
    services.recommendation_verify(actor=inspectorate.leader, recommendation=recommendation, accepted=True)
    services.inspection_close(actor=inspectorate.leader, inspection=inspection)
    assert inspection.status == InspectionStatus.CLOSED


def test_a_recommendation_stranded_before_the_mend_is_repaired(client, world, inspectorate, followed):
    """A task cancelled through the task engine before tasks were owned: its recommendation can be
    withdrawn (or re-tasked) and the inspection closes."""
    inspection, recommendation, task = followed
    Task.objects.filter(pk=task.pk).update(status=TaskStatus.CANCELLED, managed_by="")
    client.force_login(inspectorate.leader)
    page = client.get(reverse("inspections:detail", args=[inspection.pk])).content.decode()
    assert reverse("inspections:recommendation_withdraw", args=[recommendation.pk]) in page
    assert reverse("inspections:recommendation_replace_task", args=[recommendation.pk]) in page
    response = client.post(reverse("inspections:recommendation_withdraw", args=[recommendation.pk]),
                           {"reason-reason": "Nhiệm vụ đã bị hủy nhầm"})
    assert response.status_code == 302
    recommendation.refresh_from_db()
    assert recommendation.status == RecommendationStatus.WITHDRAWN
    services.inspection_close(actor=inspectorate.leader, inspection=inspection)


def test_the_data_migration_gives_existing_remediation_tasks_to_their_recommendations(followed):
    _inspection, _recommendation, task = followed
    Task.objects.filter(pk=task.pk).update(managed_by="")
    migration = importlib.import_module("inspections.migrations.0004_remediation_tasks_owned_by_recommendations")
    migration.own_remediation_tasks(apps, None)
    task.refresh_from_db()
    assert task.managed_by == TaskOwner.RECOMMENDATION


def test_withdraw_and_replace_over_the_api(world, inspectorate, followed):
    inspection, recommendation, old = followed
    url = f"/api/v1/recommendations/{recommendation.pk}/"
    for outsider in (world.outsider, world.member_sibling):
        assert as_user(outsider).post(f"{url}replace-task/", {"reason": "x"}, format="json").status_code == 404
    assert as_user(inspectorate.member).post(f"{url}replace-task/", {"reason": "x"},
                                             format="json").status_code == 403
    assert as_user(inspectorate.leader).get(f"{url}replace-task/").status_code == 405
    replaced = as_user(inspectorate.leader).post(f"{url}replace-task/", {"reason": "Giao lại"}, format="json")
    assert replaced.status_code == 200, replaced.content
    assert replaced.json()["task"] != old.pk and replaced.json()["task_status"] == TaskStatus.ASSIGNED
    refused = as_user(inspectorate.leader).post(f"{url}withdraw/", {}, format="json")
    assert refused.status_code == 400 and "reason" in refused.json()
    withdrawn = as_user(inspectorate.leader).post(f"{url}withdraw/", {"reason": "Không còn cần thiết"}, format="json")
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == RecommendationStatus.WITHDRAWN
    assert withdrawn.json()["task_status"] == TaskStatus.CANCELLED
    again = as_user(inspectorate.leader).post(f"{url}withdraw/", {"reason": "Lần nữa"}, format="json")
    assert again.status_code == 409


def test_the_task_api_says_which_record_manages_the_task_and_why_cancel_is_not_offered(world, inspectorate,
                                                                                       followed):
    _inspection, _recommendation, task = followed
    detail = as_user(world.head_dept).get(f"/api/v1/tasks/{task.pk}/").json()
    assert detail["managed_by"] == TaskOwner.RECOMMENDATION
    assert "kiến nghị" in detail["managed_note"]
    assert "cancel" not in detail["actions"] and "return" not in detail["actions"]
    own = task_services.task_create_draft(actor=world.head_dept, assigning_unit=world.dept, data={"title": "Việc thường"})
    plain = as_user(world.head_dept).get(f"/api/v1/tasks/{own.pk}/").json()
    assert plain["managed_by"] == "" and plain["managed_note"] == ""


def test_the_head_of_the_inspecting_body_withdraws_though_the_task_is_not_theirs(inspectorate, followed):
    """The recommendation's authority governs its task: the head of the inspecting body is no
    authority of the task (assigned from the province), yet withdrawing cancels it."""
    _inspection, recommendation, task = followed
    with pytest.raises(PermissionDenied):
        task_services.task_cancel(actor=inspectorate.chief, task=task, reason="x")
    services.recommendation_withdraw(actor=inspectorate.chief, recommendation=recommendation, reason="Theo chỉ đạo")
    task.refresh_from_db()
    assert task.status == TaskStatus.CANCELLED
