from datetime import date, datetime

import pytest
from django.utils import timezone

from accounts.models import Role
from emulation import services
from emulation.models import Period
from tasks.models import Task, TaskEvent, TaskStatus
from tests.factories import RoleFactory
from tests.inspections.conftest import inspectorate, make_inspection, record  # noqa: F401 (shared fixtures)

YEAR = 2026


def at(month: int, day: int, hour: int = 17, minute: int = 0, year: int = YEAR) -> datetime:
    return timezone.make_aware(datetime(year, month, day, hour, minute))


AFTER_THE_YEAR = at(1, 10, year=YEAR + 1)

_codes = iter(range(1, 10**6))


def task_row(person, *, deadline, status=TaskStatus.COMPLETED, submitted=None, quality="good", extended=False,
             send_backs=0, assigner=None, title=None) -> Task:
    """A task as the task engine leaves it (the engine itself is tested in tests/tasks): the rows
    the emulation selectors read."""
    n = next(_codes)
    done = status == TaskStatus.COMPLETED
    task = Task.objects.create(
        code=f"NV-E{n:05d}", status=status, assigner=assigner or person, assigning_unit=person.unit, lead=person,
        lead_unit=person.unit, title=title or f"Nhiệm vụ số {n}", deadline=deadline, original_deadline=deadline,
        assigned_at=deadline.replace(day=1), submitted_at=(submitted or deadline) if done else None,
        completed_at=(submitted or deadline) if done else None, quality=quality if done else "", extended=extended)
    for _ in range(send_backs):
        TaskEvent.objects.create(task=task, action="send_back", from_status="submitted", to_status="in_progress",
                                 data={"quality": "fail"})
    return task


@pytest.fixture
def secretary(world):
    """The council's secretary at the department (runs the period)."""
    RoleFactory(user=world.council, unit=world.dept, role=Role.COUNCIL_SECRETARY)
    return world.council


@pytest.fixture
def period(world, secretary) -> Period:
    return services.period_open(actor=secretary, unit=world.dept, year=YEAR)


def day(month, d, year=YEAR):
    return date(year, month, d)


@pytest.fixture
def provincial_regulation(world):
    """The province's own emulation regulation (a local regulation, not a national text)."""
    from accounts.models import LocalRegulation

    return LocalRegulation.objects.create(
        organisation=world.province.organisation, number="15/2024/QĐ-UBND", issued_on=date(2024, 3, 20),
        issuer="UBND tỉnh", title="Quy định về công tác thi đua, khen thưởng trên địa bàn tỉnh")


@pytest.fixture
def overdue_withholds(world, provincial_regulation):
    """The province turned on "an overdue task withholds commendation" by its own regulation."""
    from emulation.models import LocalRule, LocalRuleKind

    return LocalRule.objects.create(organisation=world.province.organisation, kind=LocalRuleKind.WITHHOLD_OVERDUE_TASK,
                                    regulation=provincial_regulation)
