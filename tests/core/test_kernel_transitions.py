"""The kernel's state change (core.transitions.advance): a conditional UPDATE on the state read,
refusing a wrong state and, of two people acting at once, letting only one win."""

import threading

import pytest
from django.db import connections, transaction
from django.urls import reverse

from core.errors import ConflictError
from core.transitions import CHANGED_MEANWHILE, advance, locked
from tasks import services
from tasks.models import Task, TaskStatus
from tests.tasks.conftest import clear_data

pytestmark = pytest.mark.django_db

WRONG = "State “%(status)s” does not allow it."


def draft(world):
    """A draft with its lead and deadline, so that any state may be written on it."""
    return services.task_create_draft(actor=world.head_dept, assigning_unit=world.dept, data=clear_data(world))


def test_advance_moves_the_record_and_tells_the_state_it_left(world):
    task = draft(world)
    left = advance(task, allowed=(TaskStatus.DRAFT,), to=TaskStatus.CANCELLED, wrong_state=WRONG,
                   evaluation_note="bỏ")
    assert left == TaskStatus.DRAFT
    assert (task.status, task.evaluation_note) == (TaskStatus.CANCELLED, "bỏ")
    task.refresh_from_db()
    assert (task.status, task.evaluation_note) == (TaskStatus.CANCELLED, "bỏ")


def test_advance_refuses_a_wrong_state(world):
    task = draft(world)
    with pytest.raises(ConflictError) as refused:
        advance(task, allowed=(TaskStatus.SUBMITTED,), to=TaskStatus.COMPLETED, wrong_state=WRONG)
    assert refused.value.code == "wrong_state"
    assert refused.value.message == WRONG % {"status": task.get_status_display()}
    task.refresh_from_db()
    assert task.status == TaskStatus.DRAFT


def test_a_wrong_state_is_a_409_with_its_code_on_the_api(client, world):
    task = draft(world)
    services.task_assign(actor=world.head_dept, task=task)
    client.force_login(world.staff_division)
    assert client.post(reverse("api:task-accept", args=[task.pk])).status_code == 200
    response = client.post(reverse("api:task-accept", args=[task.pk]))
    assert response.status_code == 409 and response.json()["code"] == "wrong_state", response.json()


def test_a_stale_copy_loses_to_the_change_made_meanwhile(world):
    task = draft(world)
    stale = Task.objects.get(pk=task.pk)
    advance(task, allowed=(TaskStatus.DRAFT,), to=TaskStatus.CANCELLED, wrong_state=WRONG)
    with pytest.raises(ConflictError) as refused:
        advance(stale, allowed=(TaskStatus.DRAFT,), to=TaskStatus.ASSIGNED, wrong_state=WRONG)
    assert refused.value.message == str(CHANGED_MEANWHILE) and refused.value.code == "conflict"
    assert Task.objects.get(pk=task.pk).status == TaskStatus.CANCELLED


def test_locked_rereads_the_current_row(world):
    task = draft(world)
    stale = Task.objects.get(pk=task.pk)
    Task.objects.filter(pk=task.pk).update(status=TaskStatus.CANCELLED)
    with transaction.atomic():
        assert locked(stale) is stale and stale.status == TaskStatus.CANCELLED


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_of_two_simultaneous_advances_on_one_row_one_wins(world):
    task = draft(world)
    barrier = threading.Barrier(2)
    outcomes = [None, None]
    targets = (TaskStatus.CANCELLED, TaskStatus.RETURNED)

    def act(i):
        try:
            with transaction.atomic():
                copy = Task.objects.get(pk=task.pk)  # both read "draft" before either writes
                barrier.wait(timeout=10)
                advance(copy, allowed=(TaskStatus.DRAFT,), to=targets[i], wrong_state=WRONG)
            outcomes[i] = "ok"
        except ConflictError as conflict:
            outcomes[i] = conflict.message
        except Exception as error:  # noqa: BLE001 - reported by the assertion
            outcomes[i] = repr(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=act, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == sorted(["ok", str(CHANGED_MEANWHILE)]), outcomes
    task.refresh_from_db()
    assert task.status == targets[outcomes.index("ok")]
