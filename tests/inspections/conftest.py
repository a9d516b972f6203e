from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import Role, Unit, UnitKind, User
from inspections import services
from inspections.models import Inspection, InspectionStatus, ViolationType
from tests.factories import RoleFactory, UnitFactory, UserFactory

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"


def photo(name="anh-hien-truong.jpg"):
    return SimpleUploadedFile(name, JPEG, content_type="image/jpeg")


@dataclass
class Inspectorate:
    unit: Unit  # Thanh tra tỉnh, under the province
    chief: User  # its head
    leader: User  # inspector, team leader
    member: User  # inspector, team member
    other_inspector: User  # inspector of the same body, not on the team


@pytest.fixture
def inspectorate(world) -> Inspectorate:
    unit = UnitFactory(parent=world.province, code="TT", name="Thanh tra tỉnh", kind=UnitKind.OTHER)

    def person(name, role):
        user = UserFactory(full_name=name, unit=unit)
        RoleFactory(user=user, unit=world.province if role == Role.INSPECTOR else unit, role=role)
        return user

    return Inspectorate(
        unit=unit, chief=person("Chánh Thanh Tra", Role.HEAD), leader=person("Trưởng Đoàn Minh", Role.INSPECTOR),
        member=person("Thành Viên Lan", Role.INSPECTOR), other_inspector=person("Thanh Tra Khác", Role.INSPECTOR),
    )


def violation(code="DI_MUON") -> ViolationType:
    return ViolationType.objects.get(code=code)


@pytest.fixture
def make_inspection(world, inspectorate):
    """An inspection of world.dept by the inspectorate, walked to `status`."""

    def make(status=InspectionStatus.IN_PROGRESS, *, targets=None, kind="planned", recommendations=1,
             overlap_reason="", **data):
        actor = inspectorate.leader
        inspection = services.inspection_create(
            actor=actor, issuing_unit=inspectorate.unit,
            data={"title": "Kiểm tra công vụ Sở Nội vụ", "kind": kind, "decision_number": "12/QĐ-TTr",
                  "decision_date": timezone.localdate(), **data},
            targets=targets or [world.dept], leader=inspectorate.leader, members=[inspectorate.member],
            overlap_reason=overlap_reason)
        if status == InspectionStatus.PLANNED:
            return inspection
        services.inspection_start(actor=actor, inspection=inspection)
        if status == InspectionStatus.IN_PROGRESS:
            return inspection
        services.inspection_report(actor=actor, inspection=inspection)
        if status == InspectionStatus.REPORTED:
            return inspection
        services.inspection_draft_conclusion(actor=actor, inspection=inspection, text="Dự thảo kết luận")
        for n in range(recommendations):
            services.recommendation_add(actor=actor, inspection=inspection, content=f"Chấn chỉnh giờ giấc làm việc {n + 1}",
                                        target_unit=world.dept, deadline=timezone.localdate() + timedelta(days=30),
                                        expected_result="Không còn cán bộ đi muộn")
        if status == InspectionStatus.DRAFT_CONCLUSION:
            return inspection
        services.inspection_conclude(actor=actor, inspection=inspection, number="05/KL-TTr",
                                     conclusion_date=timezone.localdate(), signer="Chánh Thanh tra tỉnh")
        if status == InspectionStatus.CONCLUDED:
            return inspection
        services.inspection_publish(actor=actor, inspection=inspection,
                                    publish_until=timezone.localdate() + timedelta(days=15))
        if status == InspectionStatus.PUBLISHED:
            return inspection
        services.inspection_follow_up(actor=actor, inspection=inspection)
        return Inspection.objects.get(pk=inspection.pk)

    return make


@pytest.fixture
def record(world, inspectorate):
    def record_finding(inspection, *, person=None, actor=None, files=(), client_token="", **data):
        person = world.staff_division if person is None else person
        return services.finding_record(
            actor=actor or inspectorate.member, inspection=inspection, files=files, client_token=client_token,
            data={"subject_person": person, "violation_type": data.pop("violation_type", violation()),
                  "description": "Đến cơ quan lúc 8 giờ 20", "location": "Phòng Tổ chức", **data})

    return record_finding
