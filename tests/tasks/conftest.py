from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tasks import services

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name="bao-cao.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def clear_data(world, **overrides):
    """Every dimension of every profile filled in."""
    data = {
        "title": "Rà soát thủ tục hành chính quý IV",
        "content": "Rà soát toàn bộ thủ tục hành chính thuộc thẩm quyền, đề xuất cắt giảm.",
        "source_number": "123/KH-UBND", "source_issuer": "UBND tỉnh",
        "lead": world.staff_division,
        "process_description": "1. Thống kê; 2. Đánh giá; 3. Đề xuất",
        "reporting_regime": "Báo cáo tiến độ hằng tuần",
        "deadline": timezone.now() + timedelta(days=10),
        "responsibility": "Chịu trách nhiệm về tính đầy đủ của danh mục",
        "product_type": "Báo cáo", "product_description": "Báo cáo rà soát kèm danh mục",
        "expected_result": "100% thủ tục được rà soát", "acceptance_criterion": "Danh mục được lãnh đạo Sở thông qua",
        "authority_basis": "Giám đốc Sở Nội vụ", "lead_may_decide": "Phân công trong phòng",
    }
    data.update(overrides)
    return data


@pytest.fixture
def make_task(world):
    def make(*, actor=None, status="draft", participants=None, **overrides):
        actor = actor or world.head_dept
        task = services.task_create_draft(actor=actor, assigning_unit=world.dept, data=clear_data(world, **overrides),
                                          participants=participants)
        if status == "draft":
            return task
        services.task_assign(actor=actor, task=task)
        if status == "assigned":
            return task
        services.task_accept(actor=task.lead, task=task)
        if status == "in_progress":
            return task
        services.task_submit_result(actor=task.lead, task=task, note="Xong", files=[pdf()])
        if status == "submitted":
            return task
        services.task_approve(actor=actor, task=task, quality="good")
        return task

    return make
