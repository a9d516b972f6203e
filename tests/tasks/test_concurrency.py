"""Two people acting at once on one task: one wins, the other gets a clear conflict, nothing lost."""

import threading

import pytest
from django.core.exceptions import PermissionDenied

from core.errors import ConflictError
from tasks import services
from tasks.models import Task, TaskEvent, TaskStatus
from tests.factories import RoleFactory


def race(n, action):
    """Run `action(i)` in n threads released together; return the outcomes."""
    barrier = threading.Barrier(n)
    outcomes = [None] * n

    def run(i):
        from django.db import connections

        try:
            barrier.wait(timeout=10)
            action(i)
            outcomes[i] = "ok"
        except ConflictError as conflict:
            outcomes[i] = ("conflict", conflict.message)
        except PermissionDenied:
            outcomes[i] = "forbidden"
        except Exception as error:  # noqa: BLE001 - reported by the assertion
            outcomes[i] = ("error", repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_fifty_simultaneous_approvals_one_wins(world, make_task):
    task = make_task(status="submitted")
    approvers = [world.head_dept] + [RoleFactory(unit=world.dept, role="deputy").user for _ in range(49)]
    outcomes = race(50, lambda i: services.task_approve(actor=approvers[i], task=Task.objects.get(pk=task.pk),
                                                        quality="good", note=f"by {i}"))
    assert sorted(o if isinstance(o, str) else o[0] for o in outcomes) == ["conflict"] * 49 + ["ok"], outcomes
    task.refresh_from_db()
    assert task.status == TaskStatus.COMPLETED
    assert TaskEvent.objects.filter(task=task, action="approve").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_fifty_simultaneous_extension_decisions_one_effect(world, make_task):
    from datetime import timedelta

    task = make_task(status="in_progress")
    request = services.task_request_extension(actor=world.staff_division, task=task,
                                              new_deadline=task.deadline + timedelta(days=4), reason="Lý do")
    deciders = [world.head_dept] + [RoleFactory(unit=world.dept, role="deputy").user for _ in range(49)]
    outcomes = race(50, lambda i: services.task_decide_extension(
        actor=deciders[i], request=type(request).objects.get(pk=request.pk), approve=i % 2 == 0, note="quyết định"))
    assert [o for o in outcomes if o == "ok"] == ["ok"], outcomes
    assert all(o == "ok" or o[0] == "conflict" for o in outcomes), outcomes
    assert TaskEvent.objects.filter(task=task, action__in=["extend", "refuse_extension"]).count() == 1
