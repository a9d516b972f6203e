"""The register under concurrent issuing: 20 documents of one type issued at once by 20 connections
get the numbers 1 to 20, no gap, no duplicate; the same record issued at once keeps one number."""

import pytest

from documents import services
from documents.models import IssuedDocument, Register
from documents.registry import KINDS
from tasks.models import Task
from tests.tasks.test_concurrency import race


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_issues_of_one_type_number_1_to_20(world, make_task):
    tasks = [make_task(status="assigned", title=f"Nhiệm vụ số {i}") for i in range(20)]
    kind = KINDS["task-assignment"]
    outcomes = race(20, lambda i: services.document_issue(actor=world.head_dept, kind=kind,
                                                          obj=Task.objects.get(pk=tasks[i].pk)))
    assert outcomes == ["ok"] * 20, outcomes
    numbers = sorted(IssuedDocument.objects.filter(kind=kind.key).values_list("number", flat=True))
    assert numbers == list(range(1, 21))
    assert Register.objects.get(kind=kind.abbreviation).last_number == 20
    assert len(set(IssuedDocument.objects.values_list("object_id", flat=True))) == 20


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_one_record_issued_by_ten_at_once_keeps_one_number(world, make_task):
    first, task = make_task(status="assigned"), make_task(status="assigned", title="Báo cáo quý")
    kind = KINDS["task-assignment"]
    services.document_issue(actor=world.head_dept, kind=kind, obj=first)
    outcomes = race(10, lambda i: services.document_issue(actor=world.head_dept, kind=kind,
                                                          obj=Task.objects.get(pk=task.pk)))
    assert outcomes == ["ok"] * 10, outcomes
    assert list(IssuedDocument.objects.filter(object_id=task.pk).values_list("number", flat=True)) == [2]
    assert Register.objects.get(kind=kind.abbreviation).last_number == 2
