from tests.emulation.conftest import period, secretary  # noqa: F401 (shared fixtures)
from tests.inspections.conftest import inspectorate, make_inspection, record  # noqa: F401 (shared fixtures)
from tests.tasks.conftest import make_task  # noqa: F401 (shared fixture)


# -- a history of tasks for the periodic report --------------------------------------------------

from dataclasses import dataclass as _dataclass  # noqa: E402
from datetime import timedelta as _td  # noqa: E402

import pytest as _pytest  # noqa: E402
from django.db.models import F as _F  # noqa: E402
from django.utils import timezone as _tz  # noqa: E402

from accounts.models import Role as _Role  # noqa: E402
from tasks import services as _services  # noqa: E402
from tasks.models import ExtensionRequest as _ExtensionRequest  # noqa: E402
from tasks.models import Task as _Task  # noqa: E402
from tasks.models import TaskEvent as _TaskEvent  # noqa: E402
from tests.factories import RoleFactory as _RoleFactory  # noqa: E402
from tests.factories import UserFactory as _UserFactory  # noqa: E402
from tests.tasks.conftest import clear_data as _clear_data  # noqa: E402
from tests.tasks.conftest import pdf as _pdf  # noqa: E402


def age(days: int, tasks=None) -> None:
    """Move the whole recorded history of `tasks` (all by default) `days` into the past, so work done
    a moment ago reads as done then: every date of the tasks, their events and extension requests."""
    shift = _td(days=days)
    ids = [t.pk for t in tasks] if tasks is not None else list(_Task.objects.values_list("pk", flat=True))
    task_fields = ("assigned_at", "submitted_at", "completed_at", "deadline", "original_deadline", "created_at")
    _Task.objects.filter(pk__in=ids).update(**{name: _F(name) - shift for name in task_fields})
    _TaskEvent.objects.filter(task_id__in=ids).update(at=_F("at") - shift, deadline=_F("deadline") - shift)
    _ExtensionRequest.objects.filter(task_id__in=ids).update(**{name: _F(name) - shift for name in (
        "requested_at", "current_deadline", "requested_deadline", "decided_at", "granted_deadline")})


@_dataclass
class History:
    on_time: object
    late: object
    extended: object
    completes_after: object
    extends_after: object
    cancelled_after: object
    redeadlined_after: object
    directive: object
    draft: object
    within: object
    cut_off: object  # a datetime, after stage B, before stage C
    period_day: object


@_pytest.fixture
def history(world):
    """Seven tasks assigned 80 days ago, lived through two stages, and a cut-off 10 days ago.
    The moves after the cut-off (stage C) are left to the test: `move_after_cut_off(history)`."""
    head = world.head_dept
    dept_official = _UserFactory(full_name="Đỗ Văn Sở", unit=world.dept)
    _RoleFactory(user=dept_official, unit=world.dept, role=_Role.STAFF)
    team_official = _UserFactory(full_name="Mai Thị Tổ", unit=world.sub_division)
    _RoleFactory(user=team_official, unit=world.sub_division, role=_Role.STAFF)

    def make(lead, title, accept=True, **extra):
        task = _services.task_create_draft(actor=head, assigning_unit=world.dept,
                                           data=_clear_data(world, lead=lead, title=title, **extra))
        _services.task_assign(actor=head, task=task)
        if accept:
            _services.task_accept(actor=lead, task=task)
        return task

    def finish(task):
        _services.task_submit_result(actor=task.lead, task=task, note="Đã xong", files=[_pdf()])
        _services.task_approve(actor=head, task=task, quality="good")

    # Stage A: everything is assigned (80 days before now, once aged).
    on_time = make(world.staff_division, "Đúng hạn")
    finish(on_time)
    late = make(world.staff_division, "Trễ hạn")
    extended = make(dept_official, "Gia hạn rồi hoàn thành")
    request = _services.task_request_extension(actor=dept_official, task=extended,
                                               new_deadline=extended.deadline + _td(days=90), reason="Chờ Bộ")
    _services.task_decide_extension(actor=head, request=request, approve=True)
    completes_after = make(team_official, "Hoàn thành sau ngày chốt")
    extends_after = make(world.staff_division, "Gia hạn sau ngày chốt")
    _services.task_report_progress(actor=world.staff_division, task=extends_after, percent=40,
                                   note="Chờ số liệu của các xã")
    _services.task_request_extension(actor=world.staff_division, task=extends_after,
                                     new_deadline=extends_after.deadline + _td(days=5), reason="Thiếu số liệu xã")
    cancelled_after = make(world.staff_division, "Hủy sau ngày chốt")
    redeadlined_after = make(world.staff_division, "Giao lại với hạn mới", accept=False)
    directive = make(dept_official, "Theo chỉ thị", source_number="15/CT-UBND")
    within = make(dept_official, "Còn trong hạn", deadline=_tz.now() + _td(days=100))
    draft = _services.task_create_draft(actor=head, assigning_unit=world.dept, data=_clear_data(world, title="Nháp"))
    age(60)
    # Stage B: results 20 days before now, once aged.
    finish(late)
    finish(extended)
    age(20)
    now = _tz.now()
    cut_off = now - _td(days=10)
    for task in (on_time, late, extended, completes_after, extends_after, cancelled_after, redeadlined_after,
                 directive, draft, within):
        task.refresh_from_db()
    return History(on_time, late, extended, completes_after, extends_after, cancelled_after, redeadlined_after,
                   directive, draft, within, cut_off, _tz.localdate(on_time.assigned_at))


def move_after_cut_off(world, h: History) -> None:
    """Stage C, after the cut-off: complete, extend, cancel, give back and re-deadline."""
    head = world.head_dept
    h.completes_after.refresh_from_db()
    _services.task_submit_result(actor=h.completes_after.lead, task=h.completes_after, note="Xong", files=[_pdf()])
    _services.task_approve(actor=head, task=h.completes_after, quality="good")
    request = h.extends_after.extension_requests.get(status="pending")
    _services.task_decide_extension(actor=head, request=request, approve=True,
                                    granted_deadline=_tz.now() + _td(days=30))
    _services.task_cancel(actor=head, task=h.cancelled_after, reason="Không còn cần thiết")
    task = h.redeadlined_after
    _services.task_return(actor=task.lead, task=task, reason="Chưa đủ người")
    _services.task_update_draft(actor=head, task=task, data={"deadline": _tz.now() + _td(days=30)})
    _services.task_assign(actor=head, task=task)
