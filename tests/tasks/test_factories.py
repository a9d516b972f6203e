"""The tasks factories write valid rows: codes from the sequence, people in the right units, a
clear task the gate lets through, and rows the services then act on."""

from datetime import timedelta

import pytest

from core.codes import code_for
from tasks import services
from tasks.access import available_actions
from tasks.models import ExtensionStatus, TaskStatus
from tests.tasks.factories import (
    EvidenceFactory,
    ExtensionRequestFactory,
    ParticipantFactory,
    ProcessTemplateStepFactory,
    RecurrenceFactory,
    TaskEventFactory,
    TaskFactory,
    TaskPolicyFactory,
    TaskStepFactory,
)

pytestmark = pytest.mark.django_db


def test_task_codes_come_from_the_sequence_and_a_given_code_is_kept():
    first, second = TaskFactory(), TaskFactory()
    assert int(second.code.rsplit("-", 1)[1]) == int(first.code.rsplit("-", 1)[1]) + 1
    imported = TaskFactory(code="NV2017-0001")
    assert imported.code == "NV2017-0001" and imported.search_text.startswith("nv2017-0001")
    assert TaskFactory().code == code_for("NV", int(first.code[2:6]), int(second.code.rsplit("-", 1)[1]) + 1)


def test_a_clear_factory_task_goes_through_the_gate_and_its_lifecycle():
    task = TaskFactory(clear=True)
    assert available_actions(task.assigner, task) >= {"edit", "assign", "cancel"}
    services.task_assign(actor=task.assigner, task=task)
    services.task_accept(actor=task.lead, task=task)
    assert task.status == TaskStatus.IN_PROGRESS and task.lead.unit == task.lead_unit == task.assigning_unit


@pytest.mark.parametrize("status", TaskStatus.values)
def test_a_task_in_any_state(status):
    task = TaskFactory(status=status)
    task.refresh_from_db()
    assert task.status == status and task.deadline and task.lead_id and task.lead_unit_id


def test_the_parts_of_a_task():
    participant = ParticipantFactory()
    assert participant.user.unit == participant.task.lead_unit
    steps = [TaskStepFactory(task=participant.task) for _ in range(2)]
    assert [s.order for s in participant.task.steps.all()] == [s.order for s in steps]
    event = TaskEventFactory(task=participant.task)
    assert event.from_status == event.to_status == TaskStatus.DRAFT and event.actor == participant.task.lead
    evidence = EvidenceFactory()
    assert evidence.event.task == evidence.task and evidence.file.read().startswith(b"%PDF")
    step = ProcessTemplateStepFactory()
    assert step.template.steps.get() == step
    assert TaskPolicyFactory(organisation=step.template.organisation).extension_lead_days == 0


def test_a_pending_extension_is_decided_by_the_services():
    request = ExtensionRequestFactory()
    assert request.task.status == TaskStatus.IN_PROGRESS and request.status == ExtensionStatus.PENDING
    services.task_decide_extension(actor=request.task.assigner, request=request, approve=True)
    request.task.refresh_from_db()
    assert request.task.deadline == request.current_deadline + timedelta(days=5)


def test_a_recurrence_on_a_clear_draft():
    rule = RecurrenceFactory()
    assert rule.template.status == TaskStatus.DRAFT and rule.template.expected_result
