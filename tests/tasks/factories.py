"""factory_boy factories for the tasks models (the accounts ones are in tests/factories.py).

A task is written as a row, as the register import writes it, not through the services: for a
task in a given state, `TaskFactory(status=TaskStatus.IN_PROGRESS)`; for one the 5-rõ gate lets
through, `TaskFactory(clear=True)`. Its code is drawn from the kernel's sequence (core.codes), in
the transaction that writes it, like every other task's."""

from datetime import timedelta

import factory
from django.db import transaction
from django.utils import timezone

from accounts.models import Role
from core.codes import next_code
from tasks.models import (
    Evidence,
    ExtensionRequest,
    Frequency,
    Participant,
    ProcessTemplate,
    ProcessTemplateStep,
    Recurrence,
    Task,
    TaskEvent,
    TaskPolicy,
    TaskStatus,
    TaskStep,
)
from tests.factories import OrganisationFactory, RoleFactory, UnitFactory, UserFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class TaskPolicyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TaskPolicy
        django_get_or_create = ["organisation"]

    organisation = factory.SubFactory(OrganisationFactory)


class ProcessTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProcessTemplate

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Quy trình {n}")


class ProcessTemplateStepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProcessTemplateStep

    template = factory.SubFactory(ProcessTemplateFactory)
    order = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"Bước {n}")
    responsible = "Chuyên viên phụ trách"
    duration_days = 2


class _HeadFactory(UserFactory):
    """The head of the unit given as `unit`: an assigning authority there."""

    role = factory.RelatedFactory(RoleFactory, "user", unit=factory.SelfAttribute("..unit"), role=Role.HEAD)


class TaskFactory(factory.django.DjangoModelFactory):
    """A task of a unit, assigned by its head to an official of the unit, due in ten days. The
    lead, lead unit and deadline are set whatever the status, so any state may be written."""

    class Meta:
        model = Task

    class Params:
        clear = factory.Trait(  # every dimension of every clarity profile filled in
            content="Rà soát toàn bộ thủ tục hành chính thuộc thẩm quyền, đề xuất cắt giảm.",
            source_number="123/KH-UBND", source_issuer="UBND tỉnh",
            process_description="1. Thống kê; 2. Đánh giá; 3. Đề xuất", reporting_regime="Hằng tuần",
            responsibility="Chịu trách nhiệm về tính đầy đủ của danh mục", product_type="Báo cáo",
            product_description="Báo cáo rà soát kèm danh mục", expected_result="100% thủ tục được rà soát",
            acceptance_criterion="Danh mục được lãnh đạo Sở thông qua", authority_basis="Giám đốc Sở",
            lead_may_decide="Phân công trong phòng",
        )

    code = None  # drawn from the sequence when the row is written
    title = factory.Sequence(lambda n: f"Nhiệm vụ thử nghiệm {n}")
    status = TaskStatus.DRAFT
    assigning_unit = factory.SubFactory(UnitFactory)
    assigner = factory.SubFactory(_HeadFactory, unit=factory.SelfAttribute("..assigning_unit"))
    lead_unit = factory.SelfAttribute("assigning_unit")
    lead = factory.SubFactory(UserFactory, unit=factory.SelfAttribute("..lead_unit"))
    deadline = factory.LazyFunction(lambda: timezone.now() + timedelta(days=10))
    original_deadline = factory.SelfAttribute("deadline")
    assigned_at = factory.LazyAttribute(lambda o: None if o.status == TaskStatus.DRAFT else timezone.now())

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        with transaction.atomic():
            if not kwargs.get("code"):
                kwargs["code"] = next_code(model_class, "NV")
            return super()._create(model_class, *args, **kwargs)


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participant

    task = factory.SubFactory(TaskFactory)
    user = factory.SubFactory(UserFactory, unit=factory.SelfAttribute("..task.lead_unit"))
    part = "Cung cấp số liệu"


class TaskStepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TaskStep

    task = factory.SubFactory(TaskFactory)
    order = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"Bước {n}")
    responsible = "Chuyên viên phụ trách"


class TaskEventFactory(factory.django.DjangoModelFactory):
    """A history row that leaves the task as it is (a note, a progress report)."""

    class Meta:
        model = TaskEvent

    task = factory.SubFactory(TaskFactory)
    action = "report_progress"
    from_status = factory.SelfAttribute("task.status")
    to_status = factory.SelfAttribute("task.status")
    actor = factory.SelfAttribute("task.lead")
    deadline = factory.SelfAttribute("task.deadline")


class EvidenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Evidence

    task = factory.SubFactory(TaskFactory, status=TaskStatus.IN_PROGRESS)
    event = factory.SubFactory(TaskEventFactory, task=factory.SelfAttribute("..task"))
    file = factory.django.FileField(filename="bao-cao.pdf", data=PDF)
    name = "bao-cao.pdf"
    size = len(PDF)
    uploaded_by = factory.SelfAttribute("task.lead")


class ExtensionRequestFactory(factory.django.DjangoModelFactory):
    """A request waiting for a decision, on a task in progress."""

    class Meta:
        model = ExtensionRequest

    task = factory.SubFactory(TaskFactory, status=TaskStatus.IN_PROGRESS)
    requested_by = factory.SelfAttribute("task.lead")
    current_deadline = factory.SelfAttribute("task.deadline")
    requested_deadline = factory.LazyAttribute(lambda o: o.current_deadline + timedelta(days=5))
    reason = "Chờ số liệu của các đơn vị"


class RecurrenceFactory(factory.django.DjangoModelFactory):
    """A monthly rule on a clear draft as its template."""

    class Meta:
        model = Recurrence

    template = factory.SubFactory(TaskFactory, clear=True)
    frequency = Frequency.MONTHLY
    due_day = 20
