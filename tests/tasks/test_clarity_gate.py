import pytest
from django.core.exceptions import ValidationError

from tasks import services
from tasks.clarity import clarity_check, missing_dimensions
from tasks.models import ClarityProfile, TaskPolicy, TaskStatus
from tests.tasks.conftest import clear_data

pytestmark = pytest.mark.django_db

EMPTY_FOR = {
    "person": {"lead": None},
    "work": {"content": "ngắn"},
    "process": {"process_description": "", "reporting_regime": ""},
    "time": {"deadline": None},
    "responsibility": {"responsibility": ""},
    "product": {"product_type": ""},
    "result": {"expected_result": ""},
    "authority": {"authority_basis": ""},
}
PROFILE_DIMS = {
    ClarityProfile.FIVE_BRIEF: {"person", "work", "process", "responsibility", "result", "time"},
    ClarityProfile.GOV_6: {"person", "work", "time", "responsibility", "product", "authority"},
    ClarityProfile.PARTY_6: {"person", "work", "responsibility", "authority", "time", "result"},
}


@pytest.mark.parametrize("profile", list(PROFILE_DIMS))
@pytest.mark.parametrize("dimension", list(EMPTY_FOR))
def test_gate_for_each_profile_and_dimension(world, profile, dimension):
    TaskPolicy.objects.update_or_create(organisation=world.dept.organisation, defaults={"clarity_profile": profile})
    task = services.task_create_draft(actor=world.head_dept, assigning_unit=world.dept,
                                      data=clear_data(world, **EMPTY_FOR[dimension]))
    checks = clarity_check(task)
    assert {c.dimension for c in checks} == PROFILE_DIMS[profile]
    missing = missing_dimensions(checks)
    if dimension in PROFILE_DIMS[profile]:
        assert set(missing) == {dimension} and all(missing[dimension])
        with pytest.raises(ValidationError) as error:
            services.task_assign(actor=world.head_dept, task=task)
        assert f"clarity.{dimension}" in error.value.message_dict
        task.refresh_from_db()
        assert task.status == TaskStatus.DRAFT
    else:
        assert missing == {}
        services.task_assign(actor=world.head_dept, task=task)
        assert task.status == TaskStatus.ASSIGNED


def test_default_profile_is_the_five_of_the_brief(world):
    task = services.task_create_draft(actor=world.head_dept, assigning_unit=world.dept, data=clear_data(world))
    assert [c.dimension for c in clarity_check(task)] == ["person", "work", "process", "responsibility", "result", "time"]


def test_a_participant_without_a_part_makes_responsibility_unclear(world):
    task = services.task_create_draft(actor=world.head_dept, assigning_unit=world.dept, data=clear_data(world),
                                      participants=[{"user": world.colleague_division, "part": ""}])
    assert set(missing_dimensions(clarity_check(task))) == {"responsibility"}


def test_a_process_template_makes_the_process_clear_and_instantiates_steps(world):
    from tasks.models import ProcessTemplate, ProcessTemplateStep

    template = ProcessTemplate.objects.create(organisation=world.dept.organisation, name="Rà soát TTHC")
    for order, name in enumerate(["Thống kê", "Đánh giá", "Trình ký"], 1):
        ProcessTemplateStep.objects.create(template=template, order=order, name=name, responsible="Chủ trì", duration_days=2)
    task = services.task_create_draft(actor=world.head_dept, assigning_unit=world.dept,
                                      data=clear_data(world, process_description="", process_template=template))
    assert "process" not in missing_dimensions(clarity_check(task))
    assert [s.name for s in task.steps.all()] == ["Thống kê", "Đánh giá", "Trình ký"]
