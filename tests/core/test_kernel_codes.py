"""Record codes from the kernel's sequence (core.codes): consecutive per prefix and year, after
the highest code already written, past a code an import took, and a rolled-back record gives its
number back."""

import threading

import pytest
from django.db import connections, transaction
from django.utils import timezone

from core.codes import code_for, next_code
from core.models import CodeSequence
from tasks import services
from tasks.models import Task

pytestmark = pytest.mark.django_db


def draft(world, title="Việc thử mã"):
    return services.task_create_draft(actor=world.head_dept, assigning_unit=world.dept, data={"title": title})


def imported(world, code):
    """A task written with its own code, as the register import writes it (tasks.history)."""
    return Task.objects.create(code=code, title="Việc nhập từ sổ", assigner=world.head_dept,
                               assigning_unit=world.dept)


def year():
    return timezone.localdate().year


def number(code):
    return int(code.rsplit("-", 1)[1])


def test_codes_are_consecutive_per_prefix_and_year(world):
    codes = [draft(world).code for _ in range(3)]
    assert codes == [code_for("NV", year(), n) for n in (1, 2, 3)]
    with transaction.atomic():
        assert next_code(Task, "TT") == code_for("TT", year(), 1)
        assert next_code(Task, "NV", year=year() + 1) == code_for("NV", year() + 1, 1)
        assert next_code(Task, "NV") == code_for("NV", year(), 4)
    assert set(CodeSequence.objects.values_list("prefix", "year", "last")) == {
        ("NV", year(), 4), ("TT", year(), 1), ("NV", year() + 1, 1)}


def test_the_sequence_starts_after_the_highest_code_written(world):
    imported(world, code_for("NV", year(), 500))
    imported(world, code_for("NV", year(), 42))
    imported(world, f"NV{year()}-x999")  # not a code of the sequence's form: ignored
    imported(world, code_for("NV", year() - 1, 900))  # last year's codes do not count
    assert draft(world).code == code_for("NV", year(), 501)


def test_a_code_an_import_took_is_skipped(world):
    first = draft(world).code
    imported(world, code_for("NV", year(), number(first) + 1))
    imported(world, code_for("NV", year(), number(first) + 2))
    assert draft(world).code == code_for("NV", year(), number(first) + 3)
    assert CodeSequence.objects.get(prefix="NV", year=year()).last == number(first) + 3


def test_a_rolled_back_record_gives_its_number_back(world):
    first = draft(world).code
    with pytest.raises(RuntimeError), transaction.atomic():
        rolled_back = draft(world).code
        assert rolled_back == code_for("NV", year(), number(first) + 1)
        raise RuntimeError("the writing transaction fails")
    assert not Task.objects.filter(code=rolled_back).exists()
    assert draft(world).code == rolled_back


def test_no_temporary_codes(world):
    task = draft(world)
    assert Task.objects.filter(code__startswith="tmp-").count() == 0
    assert task.code.startswith(f"NV{year()}-") and task.search_text.startswith(task.code.lower())


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("first_of_the_year", [False, True], ids=["sequence-exists", "first-of-the-year"])
def test_two_tasks_written_at_the_same_moment_get_two_consecutive_codes(world, first_of_the_year):
    first = 0 if first_of_the_year else number(draft(world).code)
    barrier = threading.Barrier(2)
    codes, errors = [None, None], []

    def write(i):
        try:
            barrier.wait(timeout=10)
            codes[i] = draft(world, title=f"Việc đồng thời {i}").code
        except Exception as error:  # noqa: BLE001 - reported by the assertion
            errors.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert sorted(codes) == [code_for("NV", year(), first + 1), code_for("NV", year(), first + 2)]
