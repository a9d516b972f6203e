"""The task tallies (tasks.tallies): kept by the database in the statement that writes a task,
read by the overviews, recounted nightly.

Each test compares the counts read from the tallies with the plain definition — the official
status of every task in the subtree, grouped in Python — and the recount with what the triggers
kept (zero drift), after whatever wrote the tasks: the services, the register's history import,
bulk writes as the demo makes them, a deletion, the overdue job, and the passing of time."""

import random
import threading
import time
from collections import Counter
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections, transaction
from django.utils import timezone

from accounts.models import Role, RoleAssignment, Unit
from tasks import services, tallies
from tasks.history import import_task_history
from tasks.jobs import mark_overdue
from tasks.models import Task, TaskStatus, TaskTally
from tasks.selectors import unit_overview
from tasks.status import OFFICIAL_ORDER, OPEN_OVERDUE, OPEN_WITHIN, official_status
from tests.tasks.conftest import pdf
from tests.tasks.test_history_import import (  # noqa: F401 (the fixture is used by name)
    empty_organisation,
    exported_register,
    register_of_every_kind,
)

pytestmark = pytest.mark.django_db


def plain_counts(unit: Unit, now, months: int = 12):
    """What the overview must say, from the definition: each task led in the subtree, its official
    status in Python, counted for the subtree, each direct sub-unit and each month of deadline."""
    total, by_child, by_month = Counter(), {}, {}
    child_len = len(unit.path) + Unit.steplen
    for task in Task.objects.filter(lead_unit__path__startswith=unit.path).select_related("lead_unit"):
        status = official_status(task, now)
        if status not in OFFICIAL_ORDER:
            continue
        total[status] += 1
        if task.lead_unit.depth > unit.depth:
            by_child.setdefault(task.lead_unit.path[:child_len], Counter())[status] += 1
        month = timezone.localdate(task.deadline).replace(day=1)
        by_month.setdefault(month, Counter())[status] += 1
    return total, by_child, by_month


def assert_overview_is_the_definition(user, unit, now=None):
    now = now or timezone.now()
    overview = unit_overview(user, unit, now=now, months=24)
    total, by_child, by_month = plain_counts(unit, now)
    assert {k: v for k, v in overview["totals"].items() if v} == dict(total)
    for row in overview["children"]:
        assert {k: v for k, v in row["counts"].items() if v} == dict(by_child.get(row["unit"].path, {})), row["unit"]
    assert {row["unit"].path for row in overview["children"]} == {path for path, c in by_child.items() if c}
    for month in overview["trend"]:
        assert {k: v for k, v in month["counts"].items() if v} == dict(by_month.get(month["month"], {})), month["month"]
    overdue = [task.pk for task in overview["overdue"]]
    assert overdue == sorted(overdue, key=lambda pk: (Task.objects.get(pk=pk).deadline, pk))
    assert len(overdue) == min(total[OPEN_OVERDUE], 50)
    return overview


def assert_no_drift():
    drift = tallies.reconcile()
    assert drift.drifted == []


def test_every_kind_of_task_is_counted_in_its_official_status(world, make_task):
    register_of_every_kind(world, make_task)
    assert tallies.triggers_installed()
    assert TaskTally.objects.exists()
    assert_no_drift()
    overview = assert_overview_is_the_definition(world.head_dept, world.dept)
    assert overview["totals"][OPEN_OVERDUE] == 1 and overview["totals"][OPEN_WITHIN] >= 2


def test_time_turns_open_tasks_overdue_without_any_write(world, make_task):
    """No job moves a tally when a deadline passes: the open cells are split by the clock."""
    task = make_task(status="in_progress", deadline=timezone.now() + timedelta(hours=2))
    later_this_month = task.deadline + timedelta(minutes=1)
    next_year = task.deadline + timedelta(days=400)
    before = unit_overview(world.head_dept, world.dept)
    assert before["totals"][OPEN_WITHIN] == 1 and before["totals"][OPEN_OVERDUE] == 0
    for moment in (task.deadline - timedelta(minutes=1), later_this_month, next_year):
        assert_overview_is_the_definition(world.head_dept, world.dept, now=moment)
    assert unit_overview(world.head_dept, world.dept, now=later_this_month)["totals"][OPEN_OVERDUE] == 1


def test_zero_drift_after_a_random_mix_of_actions_imports_and_the_overdue_job(world, make_task, client,
                                                                                empty_organisation):  # noqa: F811
    rng = random.Random(20261204)
    now = timezone.now()
    made = []
    for index in range(24):
        status = rng.choice(["draft", "assigned", "in_progress", "submitted", "completed"])
        lead = rng.choice([world.staff_division, world.colleague_division])
        made.append(make_task(status=status, lead=lead, title=f"Việc {index}",
                              deadline=now + timedelta(days=rng.randint(1, 60), hours=rng.randint(0, 23))))
    for task in made:
        task.refresh_from_db()
        move = rng.choice(["extend", "send_back", "cancel", "return", "backdate", "overdue", "relead", "none"])
        if move == "extend" and task.status in (TaskStatus.IN_PROGRESS, TaskStatus.ASSIGNED):
            request = services.task_request_extension(actor=task.lead, task=task, reason="Chờ số liệu",
                                                      new_deadline=task.deadline + timedelta(days=20))
            services.task_decide_extension(actor=world.head_dept, request=request, approve=rng.random() < 0.7)
        elif move == "send_back" and task.status == TaskStatus.SUBMITTED:
            services.task_send_back(actor=world.head_dept, task=task, reason="Bổ sung số liệu")
            if rng.random() < 0.5:
                services.task_submit_result(actor=task.lead, task=task, note="Đã bổ sung", files=[pdf()])
        elif move == "cancel" and task.status in (TaskStatus.IN_PROGRESS, TaskStatus.ASSIGNED):
            services.task_cancel(actor=world.head_dept, task=task, reason="Không còn cần")
        elif move == "return" and task.status == TaskStatus.ASSIGNED:
            services.task_return(actor=task.lead, task=task, reason="Không thuộc thẩm quyền")
        elif move == "backdate":  # as the demo and a correction by the administrator write a row
            Task.objects.filter(pk=task.pk).update(deadline=now - timedelta(days=rng.randint(31, 400)))
        elif move == "overdue":  # a deadline days ago, in this month or the last
            Task.objects.filter(pk=task.pk).update(deadline=now - timedelta(days=rng.randint(0, 20), hours=1))
        elif move == "relead" and task.status != TaskStatus.DRAFT:
            Task.objects.filter(pk=task.pk).update(lead_unit=rng.choice([world.division, world.sub_division]))
    Task.objects.filter(pk=made[0].pk).delete()
    task = made[1]
    task.refresh_from_db()
    task.deadline = now - timedelta(days=3)
    task.save()  # a whole-row save, as the admin does
    assert_no_drift()

    for unit in (world.dept, world.division):
        assert_overview_is_the_definition(world.head_dept, unit)
        assert_overview_is_the_definition(world.head_dept, unit, now=now + timedelta(days=45))

    # Deleted, every count goes back to nothing.
    Task.objects.all().delete()
    assert_no_drift()
    assert not TaskTally.objects.exclude(n=0).exists()

    # A register of every kind of task, as downloaded from org A, into the empty org B (another
    # installation: org A's tasks, and their codes, are deleted first); then the overdue job.
    register_of_every_kind(world, make_task)
    content = exported_register(client, world.head_dept)
    Task.objects.all().delete()
    result = import_task_history(SimpleUploadedFile("so-theo-doi.xlsx", content), actor=world.admin_b, assigning_unit=empty_organisation)
    assert result.ok and result.imported
    mark_overdue(now + timedelta(days=90))
    assert_no_drift()
    head_b = RoleAssignment.objects.get(unit__code="QD1", role=Role.HEAD).user
    for moment in (now, now + timedelta(days=45)):
        assert_overview_is_the_definition(head_b, Unit.objects.get(code="QD1"), now=moment)


def test_reconcile_reports_a_drifted_cell_and_mends_it(world, make_task):
    make_task(status="in_progress")
    cell = TaskTally.objects.get(n=1)
    TaskTally.objects.filter(pk=cell.pk).update(n=5)
    TaskTally.objects.create(unit=world.sibling, month=cell.month, bucket=cell.bucket, n=2)
    drift = tallies.reconcile()
    assert len(drift.drifted) == 2
    assert any(f"unit {cell.unit_id}" in line and "5 → 1" in line for line in drift.drifted)
    assert any(f"unit {world.sibling.pk}" in line and "2 → 0" in line for line in drift.drifted)
    assert_no_drift()
    assert not TaskTally.objects.filter(unit=world.sibling).exists()


def test_a_write_rolled_back_counts_nothing(world, make_task):
    make_task(status="in_progress")
    before = sorted(TaskTally.objects.values_list("unit_id", "month", "bucket", "n"))
    with pytest.raises(RuntimeError), transaction.atomic():
        make_task(status="completed")
        raise RuntimeError("the transaction fails after the task was written")
    assert sorted(TaskTally.objects.values_list("unit_id", "month", "bucket", "n")) == before


def test_triggers_lost_with_a_rebuilt_table_come_back_after_migrate(world, make_task):
    make_task(status="in_progress")
    with connection.cursor() as cursor:
        for name in tallies.TRIGGERS:
            cursor.execute(f"DROP TRIGGER {name} ON tasks_task" if connection.vendor == "postgresql"
                           else f"DROP TRIGGER {name}")
    assert not tallies.triggers_installed()
    make_task(status="completed")  # written while no trigger counts it
    tallies.ensure_triggers()  # what post_migrate runs
    assert tallies.triggers_installed()
    assert_no_drift()
    make_task(status="submitted")
    assert_no_drift()
    assert_overview_is_the_definition(world.head_dept, world.dept)


def test_whoever_does_not_see_the_whole_subtree_counts_only_what_they_see(world, make_task):
    mine = make_task(status="in_progress", lead=world.staff_division)
    make_task(status="in_progress", lead=world.colleague_division)
    overview = unit_overview(world.staff_division, world.dept)
    assert overview["totals"][OPEN_WITHIN] == 1  # the colleague's task is not theirs to see
    assert unit_overview(world.head_dept, world.dept)["totals"][OPEN_WITHIN] == 2
    assert mine.lead == world.staff_division


def test_the_head_reads_the_overview_in_the_same_queries_however_many_tasks(world, make_task,
                                                                             django_assert_num_queries):
    unit_overview(world.head_dept, world.dept)  # the scope is read once per request
    for count in (1, 6):
        while Task.objects.count() < count:
            make_task(status=["in_progress", "completed", "submitted"][Task.objects.count() % 3])
        # The cells by sub-unit and by month, this month's overdue, the sub-units, and the overdue
        # list (the units the head manages, then the tasks).
        with django_assert_num_queries(6):
            overview = unit_overview(world.head_dept, world.dept)
            list(overview["overdue"])
        assert overview["total"] == count


def test_the_nightly_job_reports_the_drift_it_mended(world, make_task):
    from tasks.jobs import reconcile_tallies

    make_task(status="completed")
    assert reconcile_tallies() == 0
    TaskTally.objects.update(n=3)
    report = reconcile_tallies()
    assert report == 1 and report.parts == {"drifted": 1} and "3 → 1" in report.details[0]
    assert reconcile_tallies() == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_tasks_crossing_between_the_same_cells_at_once_neither_deadlock_nor_drift(world, make_task):
    """Each trigger writes its two cells in key order: two tasks moving between the same months in
    opposite directions at the same moment wait for each other instead of deadlocking."""
    soon, later = timezone.now() + timedelta(days=5), timezone.now() + timedelta(days=70)
    tasks = [make_task(status="in_progress", deadline=soon), make_task(status="in_progress", deadline=later)]
    barrier = threading.Barrier(2)
    errors = []

    def swap(index):
        try:
            for round_ in range(10):
                there = later if (index + round_) % 2 == 0 else soon  # the two always cross
                barrier.wait(timeout=20)
                with transaction.atomic():
                    Task.objects.filter(pk=tasks[index].pk).update(deadline=there)
                    time.sleep(0.02)  # hold the first cell while the other task takes its own
        except Exception as error:  # noqa: BLE001 - reported by the assertion
            errors.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=swap, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert_no_drift()
