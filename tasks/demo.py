"""Demo tasks for the demo province: made through the real services, then a few dates moved
into the past so that every official status shows up. Runs once per organisation."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F
from django.utils import timezone

from accounts.models import Organisation, Unit, User
from notifications.models import Notification
from tasks import services
from tasks.models import Frequency, ProcessTemplate, ProcessTemplateStep, Recurrence, Task, TaskEvent, TaskPolicy

# A minimal valid PDF for the demo evidence files.
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _pdf(name):
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def _clear(title, lead, days, **extra):
    data = {
        "title": title, "content": extra.pop("content", f"{title}: thực hiện theo kế hoạch, báo cáo kết quả bằng văn bản."),
        "lead": lead, "deadline": timezone.now() + timedelta(days=days),
        "process_description": "Xây dựng kế hoạch; tổ chức thực hiện; tổng hợp, báo cáo",
        "reporting_regime": "Báo cáo tiến độ hằng tuần vào thứ Sáu",
        "responsibility": "Chịu trách nhiệm trước lãnh đạo về tiến độ và chất lượng",
        "expected_result": "Báo cáo đầy đủ, đúng hạn, số liệu chính xác",
        "acceptance_criterion": "Được lãnh đạo đơn vị thông qua",
        "product_type": "Báo cáo", "product_description": "Báo cáo kết quả kèm phụ lục số liệu",
        "authority_basis": "Thủ trưởng đơn vị giao", "lead_may_decide": "Phân công công chức trong phòng",
        "source_number": extra.pop("source_number", ""), "source_issuer": extra.pop("source_issuer", ""),
    }
    data.update(extra)
    return data


def _backdate(task: Task, **fields):
    """Move a task's dates into the past, and its history with them, so that the report as of a
    cut-off date (tasks.report), which reads the history, tells the same story as the task: every
    event moves back as far as the assignment did, then the submission, approval and the deadline
    in force take the task's new dates."""
    Task.objects.filter(pk=task.pk).update(**fields)
    events = TaskEvent.objects.filter(task=task)
    assign = events.filter(action="assign").order_by("at").first()
    if "assigned_at" in fields and assign is not None:
        events.update(at=F("at") - (assign.at - fields["assigned_at"]))
    for action, name in (("submit", "submitted_at"), ("approve", "completed_at")):
        if name in fields:
            events.filter(action=action).update(at=fields[name])
    if "deadline" in fields:
        events.exclude(deadline__isnull=True).update(deadline=fields["deadline"])


def seed(org: Organisation) -> int:
    if Task.objects.filter(assigning_unit__organisation=org).exists():
        return 0
    TaskPolicy.objects.get_or_create(organisation=org)
    template, created = ProcessTemplate.objects.get_or_create(organisation=org, name="Quy trình xử lý văn bản đến")
    if created:
        for order, (name, who, days) in enumerate([("Tiếp nhận, phân loại", "Văn thư", 1),
                                                   ("Nghiên cứu, tham mưu", "Chuyên viên chủ trì", 5),
                                                   ("Trình ký, phát hành", "Lãnh đạo phòng", 2)], start=1):
            ProcessTemplateStep.objects.create(template=template, order=order, name=name, responsible=who, duration_days=days)

    people = {u.username: u for u in User.objects.filter(username__in=["chutich", "giamdoc.snv", "chutich.bmt", "canbo"])}
    units = {u.code: u for u in Unit.objects.filter(organisation=org, code__in=["UBND", "SNV", "X01"])}
    snv_head, staff = people["giamdoc.snv"], people["canbo"]
    commune_head = people["chutich.bmt"]
    commune_staff = list(User.objects.filter(unit__path__startswith=units["X01"].path, is_leader=False).order_by("id")[:3])
    snv_colleague = User.objects.filter(unit__path__startswith=units["SNV"].path, is_leader=False).exclude(pk=staff.pk).first()
    now = timezone.now()
    count = 0

    def make(actor, unit, data, state, participants=None):
        nonlocal count
        task = services.task_create_draft(actor=actor, assigning_unit=unit, data=data, participants=participants)
        count += 1
        if state == "draft":
            return task
        services.task_assign(actor=actor, task=task)
        if state == "assigned":
            return task
        services.task_accept(actor=task.lead, task=task)
        if state == "in_progress":
            return task
        services.task_report_progress(actor=task.lead, task=task, percent=60, note="Đã hoàn thành phần lớn")
        services.task_submit_result(actor=task.lead, task=task, note="Đã hoàn thành, gửi kèm báo cáo",
                                    files=[_pdf("bao-cao-ket-qua.pdf")])
        if state == "submitted":
            return task
        services.task_approve(actor=actor, task=task, quality="good", note="Đạt yêu cầu")
        return task

    # Sở Nội vụ
    rank = make(snv_head, units["SNV"], _clear("Rà soát biên chế công chức năm 2026", staff, 20,
                                                  source_number="120/KH-UBND", source_issuer="UBND tỉnh"), "in_progress",
                participants=[{"user": snv_colleague, "part": "Tổng hợp số liệu biên chế các sở"}] if snv_colleague else None)
    services.task_report_progress(actor=staff, task=rank, percent=40, note="Đã tổng hợp số liệu của 6/10 sở")
    done = make(snv_head, units["SNV"], _clear("Báo cáo cải cách hành chính quý III", staff, 10), "completed")
    _backdate(done, deadline=now - timedelta(days=20), submitted_at=now - timedelta(days=22),
              completed_at=now - timedelta(days=21), assigned_at=now - timedelta(days=40))
    late = make(snv_head, units["SNV"], _clear("Tổng hợp hồ sơ đề nghị khen thưởng đợt 1", staff, 5), "in_progress")
    _backdate(late, deadline=now - timedelta(days=3), assigned_at=now - timedelta(days=25))
    make(snv_head, units["SNV"], _clear("Xây dựng kế hoạch đào tạo, bồi dưỡng năm 2027", staff, 30,
                                         expected_result=""), "draft")
    # Phường Buôn Ma Thuột
    if len(commune_staff) >= 3:
        lateness = make(commune_head, units["X01"], _clear("Cập nhật hồ sơ địa chính tổ dân phố 5", commune_staff[0], 7), "completed")
        _backdate(lateness, deadline=now - timedelta(days=12), submitted_at=now - timedelta(days=10),
                  completed_at=now - timedelta(days=9), assigned_at=now - timedelta(days=20))
        make(commune_head, units["X01"], _clear("Kiểm tra niêm yết thủ tục hành chính tại bộ phận một cửa",
                                                commune_staff[1], 9), "assigned")
        make(commune_head, units["X01"], _clear("Báo cáo tình hình giải quyết hồ sơ trễ hẹn tháng 11",
                                                commune_staff[2], 4), "submitted")
    # Tỉnh → Sở
    make(people["chutich"], units["UBND"], _clear("Triển khai Nghị định 335/2025/NĐ-CP về đánh giá, xếp loại công chức",
                                                  snv_head, 45, source_number="335/2025/NĐ-CP", source_issuer="Chính phủ",
                                                  process_template=template, process_description=""), "in_progress")
    # The province asks the department for its monthly task report: a recurring task, this month's
    # occurrence accepted, to which the department's head sends the generated report (README).
    template = make(people["chutich"], units["UBND"], _clear(
        "Báo cáo tình hình thực hiện nhiệm vụ hằng tháng", snv_head, 20, product_type="Báo cáo",
        product_description="Báo cáo tình hình thực hiện nhiệm vụ kèm biểu số liệu",
        reporting_regime="Hằng tháng"), "draft")
    rule = Recurrence.objects.create(template=template, frequency=Frequency.MONTHLY, due_day=28,
                                     starts_on=timezone.localdate(now))
    monthly = services.task_create_occurrence(rule=rule, period=f"{timezone.localdate(now):%Y-%m}",
                                              due_at=now + timedelta(days=20))
    services.task_accept(actor=snv_head, task=monthly)
    # Demo notifications stay in the app: nobody should get e-mail about invented work. The
    # e-mail sender skips notifications already marked e-mailed.
    Notification.objects.filter(target_type=ContentType.objects.get_for_model(Task), emailed_at__isnull=True,
                                target_id__in=Task.objects.filter(assigning_unit__organisation=org).values("pk")
                                ).update(emailed_at=now)
    return count
