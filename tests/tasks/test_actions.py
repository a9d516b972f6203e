"""Every action: happy path, wrong actor, wrong state — and the history it leaves."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core.errors import ConflictError
from notifications.models import Notification
from tasks import services
from tasks.access import available_actions
from tasks.models import ExtensionStatus, Task, TaskEvent, TaskOwner, TaskStatus
from tests.tasks.conftest import clear_data, pdf

pytestmark = pytest.mark.django_db


def actions(task):
    return list(TaskEvent.objects.filter(task=task).values_list("action", flat=True))


def test_full_lifecycle_leaves_a_history_and_notifies(world, make_task):
    task = make_task(status="completed")
    assert task.status == TaskStatus.COMPLETED and task.quality == "good" and task.progress_percent == 100
    assert actions(task) == ["create", "assign", "accept", "submit", "approve"]
    verbs = set(Notification.objects.filter(target_id=task.pk).values_list("verb", flat=True))
    assert {"task.assigned", "task.accepted", "task.submitted", "task.approved"} <= verbs
    assert task.code.startswith("NV") and task.evidence.count() == 1


def test_assign_is_for_the_assigning_authority_only(world, make_task):
    task = make_task()
    with pytest.raises(PermissionDenied):
        services.task_assign(actor=world.staff_division, task=task)
    services.task_assign(actor=world.head_dept, task=task)
    with pytest.raises(ConflictError):
        services.task_assign(actor=world.head_dept, task=task)  # already assigned


def test_a_head_assigns_only_within_their_subtree(world):
    with pytest.raises(ValidationError) as error:
        services.task_create_draft(actor=world.head_dept, assigning_unit=world.sibling, data=clear_data(world))
    assert "assigning_unit" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.task_create_draft(actor=world.head_dept, assigning_unit=world.dept,
                                   data=clear_data(world, lead=world.member_sibling))
    assert "lead" in error.value.message_dict


def test_a_guardian_grant_delegates_the_right_to_assign(world):
    from guardian.shortcuts import assign_perm

    with pytest.raises(ValidationError):
        services.task_create_draft(actor=world.member_sibling, assigning_unit=world.dept, data=clear_data(world))
    assign_perm("accounts.assign_in_unit", world.member_sibling, world.dept)
    task = services.task_create_draft(actor=world.member_sibling, assigning_unit=world.dept, data=clear_data(world))
    assert task.assigner == world.member_sibling


def test_accept_and_return_are_for_the_lead(world, make_task):
    task = make_task(status="assigned")
    with pytest.raises(PermissionDenied):
        services.task_accept(actor=world.colleague_division, task=task)
    with pytest.raises(ValidationError):
        services.task_return(actor=world.staff_division, task=task, reason="  ")
    services.task_return(actor=world.staff_division, task=task, reason="Không thuộc chức năng của phòng")
    assert task.status == TaskStatus.RETURNED
    with pytest.raises(ConflictError):
        services.task_accept(actor=world.staff_division, task=task)
    # The assigner fixes it and assigns again.
    services.task_update_draft(actor=world.head_dept, task=task, data={"lead": world.colleague_division})
    services.task_assign(actor=world.head_dept, task=task)
    task.refresh_from_db()
    assert task.lead == world.colleague_division and task.status == TaskStatus.ASSIGNED


def test_report_progress_with_evidence(world, make_task):
    task = make_task(status="in_progress")
    event = services.task_report_progress(actor=world.staff_division, task=task, percent=50, note="Đã thống kê",
                                          files=[pdf()])
    task.refresh_from_db()
    assert task.progress_percent == 50 and event.evidence.count() == 1
    with pytest.raises(ValidationError):
        services.task_report_progress(actor=world.staff_division, task=task, percent=150)
    with pytest.raises(PermissionDenied):
        services.task_report_progress(actor=world.head_dept, task=task, percent=60)


def test_evidence_is_checked_for_type_and_content(world, make_task):
    task = make_task(status="in_progress")
    fake = SimpleUploadedFile("bao-cao.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError) as error:
        services.task_report_progress(actor=world.staff_division, task=task, percent=10, files=[fake])
    assert "not really" in str(error.value) or "không" in str(error.value)
    script = SimpleUploadedFile("x.exe", b"MZ", content_type="application/octet-stream")
    with pytest.raises(ValidationError):
        services.task_submit_result(actor=world.staff_division, task=task, note="", files=[script])
    assert task.evidence.count() == 0


def test_submit_needs_evidence(world, make_task):
    task = make_task(status="in_progress")
    with pytest.raises(ValidationError) as error:
        services.task_submit_result(actor=world.staff_division, task=task, note="Xong")
    assert "files" in error.value.message_dict


def test_a_progress_file_is_not_the_evidence_of_the_result(world, make_task):
    task = make_task(status="in_progress")
    services.task_report_progress(actor=world.staff_division, task=task, percent=60, note="Giữa kỳ", files=[pdf("tien-do.pdf")])
    with pytest.raises(ValidationError) as error:
        services.task_submit_result(actor=world.staff_division, task=task, note="Xong")
    assert "files" in error.value.message_dict
    services.task_submit_result(actor=world.staff_division, task=task, note="Xong", files=[pdf("ket-qua.pdf")])
    assert task.status == TaskStatus.SUBMITTED


def test_send_back_then_approve(world, make_task):
    task = make_task(status="submitted")
    with pytest.raises(PermissionDenied):
        services.task_approve(actor=world.staff_division, task=task, quality="good")
    services.task_send_back(actor=world.head_dept, task=task, reason="Thiếu danh mục phụ lục")
    assert task.status == TaskStatus.IN_PROGRESS and task.submitted_at is None
    with pytest.raises(ConflictError):
        services.task_approve(actor=world.head_dept, task=task, quality="good")
    services.task_submit_result(actor=world.staff_division, task=task, note="Đã bổ sung")  # its earlier result evidence counts
    services.task_approve(actor=world.head_dept, task=task, quality="excellent", note="Tốt")
    assert task.status == TaskStatus.COMPLETED


def test_a_failing_quality_is_not_an_approval(world, make_task):
    task = make_task(status="submitted")
    with pytest.raises(ValidationError):
        services.task_approve(actor=world.head_dept, task=task, quality="fail")


def test_cancel_needs_a_reason_and_the_authority(world, make_task):
    task = make_task(status="in_progress")
    with pytest.raises(PermissionDenied):
        services.task_cancel(actor=world.staff_division, task=task, reason="x")
    with pytest.raises(ValidationError):
        services.task_cancel(actor=world.head_dept, task=task, reason="")
    services.task_cancel(actor=world.head_dept, task=task, reason="Chủ trương thay đổi")
    assert task.status == TaskStatus.CANCELLED
    with pytest.raises(ConflictError):
        services.task_cancel(actor=world.head_dept, task=task, reason="again")


def test_extension_request_and_decision_keep_every_deadline(world, make_task):
    task = make_task(status="in_progress")
    original = task.deadline
    new = original + timedelta(days=5)
    with pytest.raises(ValidationError):
        services.task_request_extension(actor=world.staff_division, task=task, new_deadline=original - timedelta(days=1),
                                        reason="Chờ số liệu")
    request = services.task_request_extension(actor=world.staff_division, task=task, new_deadline=new, reason="Chờ số liệu")
    with pytest.raises(ConflictError):
        services.task_request_extension(actor=world.staff_division, task=task, new_deadline=new, reason="again")
    with pytest.raises(PermissionDenied):
        services.task_decide_extension(actor=world.staff_division, request=request, approve=True)
    services.task_decide_extension(actor=world.head_dept, request=request, approve=True)
    task.refresh_from_db()
    assert task.deadline == new and task.original_deadline == original and task.extended
    assert request.status == ExtensionStatus.APPROVED
    with pytest.raises(ConflictError):
        services.task_decide_extension(actor=world.head_dept, request=request, approve=False, note="x")
    assert "extend" in actions(task)


def test_extension_refused_needs_a_reason(world, make_task):
    task = make_task(status="in_progress")
    request = services.task_request_extension(actor=world.staff_division, task=task,
                                              new_deadline=task.deadline + timedelta(days=3), reason="Lý do")
    with pytest.raises(ValidationError):
        services.task_decide_extension(actor=world.head_dept, request=request, approve=False)
    services.task_decide_extension(actor=world.head_dept, request=request, approve=False, note="Không đủ căn cứ")
    task.refresh_from_db()
    assert not task.extended and request.status == ExtensionStatus.REFUSED


def test_extension_must_be_asked_before_the_deadline(world, make_task):
    from tasks.models import Task

    task = make_task(status="in_progress")
    Task.objects.filter(pk=task.pk).update(deadline=timezone.now() - timedelta(minutes=1))
    task.refresh_from_db()
    with pytest.raises(ValidationError):
        services.task_request_extension(actor=world.staff_division, task=task,
                                        new_deadline=timezone.now() + timedelta(days=3), reason="Muộn")


def test_subtasks_roll_up_and_block_approval_without_reason(world, make_task):
    parent = make_task(status="in_progress")
    lead = world.staff_division
    child_data = clear_data(world, lead=world.staff_division, title="Phần việc 1")
    child = services.task_create_draft(actor=lead, assigning_unit=world.dept, data=child_data, parent=parent)
    assert child.assigning_unit == world.division  # the lead delegates from their own unit
    services.task_assign(actor=lead, task=child)
    services.task_accept(actor=lead, task=child)
    services.task_report_progress(actor=lead, task=child, percent=40)
    parent.refresh_from_db()
    assert parent.progress_percent == 40
    services.task_submit_result(actor=lead, task=parent, note="Xong phần chính", files=[pdf()])
    with pytest.raises(ValidationError) as error:
        services.task_approve(actor=world.head_dept, task=parent, quality="good")
    assert "open_subtasks_reason" in error.value.message_dict
    services.task_approve(actor=world.head_dept, task=parent, quality="good", open_subtasks_reason="Phần còn lại chuyển kỳ sau")
    assert TaskEvent.objects.get(task=parent, action="approve").data["open_subtasks"] == 1


def test_only_the_lead_of_an_open_task_delegates(world, make_task):
    parent = make_task(status="assigned")  # not accepted yet
    with pytest.raises(PermissionDenied):
        services.task_create_draft(actor=world.staff_division, assigning_unit=world.dept,
                                   data=clear_data(world), parent=parent)


def test_participants_outside_the_remit_are_refused(world):
    with pytest.raises(ValidationError):
        services.task_create_draft(actor=world.head_dept, assigning_unit=world.dept, data=clear_data(world),
                                   participants=[{"user": world.outsider, "part": "Phối hợp"}])


def test_a_task_owned_by_a_record_is_cancelled_and_returned_only_through_its_owner(world, make_task):
    """A task another app's record manages (Task.managed_by): the task engine's own cancel and
    return refuse it with a clear message; the owner's services cancel it."""
    task = make_task(status="assigned")
    assert "cancel" in available_actions(world.head_dept, task) and "return" in available_actions(task.lead, task)
    Task.objects.filter(pk=task.pk).update(managed_by=TaskOwner.RECOMMENDATION)
    task.refresh_from_db()
    # No button offers what the services refuse; the lead still accepts.
    assert "cancel" not in available_actions(world.head_dept, task)
    assert available_actions(task.lead, task) & {"accept", "return"} == {"accept"}
    with pytest.raises(ConflictError) as refused:
        services.task_cancel(actor=world.head_dept, task=task, reason="Không cần nữa")
    assert refused.value.code == "managed"
    assert refused.value.message == "Nhiệm vụ này do kiến nghị tương ứng quản lý; hãy thao tác trên kiến nghị."
    with pytest.raises(ConflictError):
        services.task_return(actor=task.lead, task=task, reason="Không đúng chức năng")
    with pytest.raises(ConflictError):  # another owner's key is no key
        services.task_cancel(actor=world.head_dept, task=task, reason="x", owner="someone_else")
    task.refresh_from_db()
    assert task.status == TaskStatus.ASSIGNED
    services.task_cancel(actor=world.head_dept, task=task, reason="Kiến nghị đã thu hồi", owner=TaskOwner.RECOMMENDATION)
    assert task.status == TaskStatus.CANCELLED and actions(task)[-1] == "cancel"


def test_a_task_owned_by_no_record_is_cancelled_and_returned_as_before(world, make_task):
    returned = make_task(status="assigned")
    services.task_return(actor=returned.lead, task=returned, reason="Không đúng chức năng")
    cancelled = make_task(status="assigned")
    services.task_cancel(actor=world.head_dept, task=cancelled, reason="Không cần nữa")
    assert (returned.status, cancelled.status) == (TaskStatus.RETURNED, TaskStatus.CANCELLED)
