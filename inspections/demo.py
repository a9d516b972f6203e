"""Demo inspections and discipline for the demo province, made through the real services.
Runs once per organisation."""

from __future__ import annotations

from base64 import b64decode
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import Organisation, Role, RoleAssignment, Unit, User
from inspections import services
from inspections.models import (
    DisciplineForm,
    Finding,
    Inspection,
    InspectionKind,
    PauseKind,
    Recommendation,
    ViolationType,
)
from notifications.models import Notification
from tasks.models import Task

# A tiny valid JPEG, standing for a photo taken on the spot.
# A real (tiny) photo of a scene, so the evidence thumbnails show a picture.
JPEG = b64decode(
    "/9j/4AAQSkZJRgABAQAAAQABAAD/4gHYSUNDX1BST0ZJTEUAAQEAAAHIAAAAAAQwAABtbnRyUkdCIFhZWiAH4AABAAEAAAAA"
    "AABhY3NwAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAA9tYAAQAAAADTLQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAlkZXNjAAAA8AAAACRyWFlaAAABFAAAABRnWFlaAAABKAAAABRiWFlaAAABPAAA"
    "ABR3dHB0AAABUAAAABRyVFJDAAABZAAAAChnVFJDAAABZAAAAChiVFJDAAABZAAAAChjcHJ0AAABjAAAADxtbHVjAAAAAAAA"
    "AAEAAAAMZW5VUwAAAAgAAAAcAHMAUgBHAEJYWVogAAAAAAAAb6IAADj1AAADkFhZWiAAAAAAAABimQAAt4UAABjaWFlaIAAA"
    "AAAAACSgAAAPhAAAts9YWVogAAAAAAAA9tYAAQAAAADTLXBhcmEAAAAAAAQAAAACZmYAAPKnAAANWQAAE9AAAApbAAAAAAAA"
    "AABtbHVjAAAAAAAAAAEAAAAMZW5VUwAAACAAAAAcAEcAbwBvAGcAbABlACAASQBuAGMALgAgADIAMAAxADb/2wBDAAoHBwgH"
    "BgoICAgLCgoLDhgQDg0NDh0VFhEYIx8lJCIfIiEmKzcvJik0KSEiMEExNDk7Pj4+JS5ESUM8SDc9Pjv/2wBDAQoLCw4NDhwQ"
    "EBw7KCIoOzs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozv/wAARCABIAGADASIAAhEB"
    "AxEB/8QAGwABAAMBAQEBAAAAAAAAAAAAAAUGBwIDAQT/xAAzEAEAAAMEBgkCBwAAAAAAAAAAAQIRAwQFFgYSE1Sj0RUhMTI1"
    "ZIKy4iJhFDZBUYOhs//EABoBAQEAAwEBAAAAAAAAAAAAAAADAQIEBQb/xAAnEQACAQMDAwMFAAAAAAAAAAAAAQIDElERMUEE"
    "MjMFE3EUUqGxwf/aAAwDAQACEQMRAD8A0UEFiWkvR9/tLr+E2mzp9W0pWsIR7KfdRLUk2luTorGcvIcb4mcvIcb4s2sxeizi"
    "sZy8hxvis7DTRlNPYAMGQAAAACi6R+PXn0+2C9KLpH49efT7YN47mk9iMAUIhprMmmpzK0+Q9ZO5B5PWTuQeX6j4l8/xnZ03"
    "edAPDO48p+/Fy6n78XL6ih4o/C/R5lTvYUXSPx68+n2wXpRdI/Hrz6fbB0R3Iz2IwBQiGmsyaanMrT5DuW0pClHAhUpQqrSa"
    "1LRk4vVFWxvT7ofF7e4dGbbZav17fVrWWEezVj+62bX7f2yTTb8233+P/OVrCP0XT/b+WbqvUyfZo1jV8B0xiopJcE29Xqyi"
    "5jxbe+HJyfhvN5tr3bzW9vPr2k9KzUhCtIU/R5Dmulk7bI4ABfLI9uGEEnmPFt74cnJGBdLIsiuCTzHi298OTkZjxbe+HJyR"
    "gXPJmyODi+2UmI3ue93uXaW1pTWmrStIQhDqh1dkIJbMeLb3w5OSMC6WRZHBJ5jxbe+HJyMx4tvfDk5IwLnkWRwAGpsAAAAA"
    "AAAAAAB//9k="
)


def _photo(name):
    return SimpleUploadedFile(name, JPEG, content_type="image/jpeg")


def _staff(unit: Unit, count: int) -> list[User]:
    return list(User.objects.filter(unit__path__startswith=unit.path, is_active=True, is_leader=False)
                .order_by("employee_code")[:count])


def _mark_roll(actor, roll, token, marks: dict, outcomes: dict) -> None:
    entries = {e.person_id: e for e in roll.entries.all()}
    rows = [{"person": pid, "state": state, "reason": reason, "version": entries[pid].version}
            for pid, (state, reason) in marks.items()]
    checks = [{"item": result.item_id, "outcome": outcomes[result.item.code][0], "note": outcomes[result.item.code][1],
               "version": result.version} for result in roll.checks.select_related("item") if result.item.code in outcomes]
    services.roll_submit(actor=actor, roll=roll, client_token=token, entries=rows, checks=checks)


def _public_service_checks(leader, member, units, today) -> None:
    from inspections.models import Attendance, RollCall

    team = [member] if member else []
    reasons = ["Nghỉ phép năm", "Đi công tác tại Bộ Nội vụ", "Nghỉ ốm có giấy của bệnh viện", "Đi học lớp bồi dưỡng"]

    def check(number, title, days_ago):
        inspection = services.inspection_create(
            actor=leader, issuing_unit=units["TT"], targets=[units["SNV"]], leader=leader, members=team,
            data={"kind": InspectionKind.PUBLIC_SERVICE, "title": title, "decision_number": number,
                  "decision_date": today - timedelta(days=days_ago),
                  "scope": "Điểm danh đầu giờ; đeo thẻ công chức; niêm yết thủ tục; phiếu xin lỗi hồ sơ trễ hẹn"})
        services.inspection_start(actor=leader, inspection=inspection)
        roll = services.roll_open(actor=leader, inspection=inspection, unit=units["SNV"])
        RollCall.objects.filter(pk=roll.pk).update(checked_at=timezone.now() - timedelta(days=days_ago, hours=1))
        return inspection, roll

    # Last month's check: everyone marked, concluded (the head gets the results).
    earlier, roll = check("18/QĐ-KTCV", "Kiểm tra công vụ đột xuất tại Sở Nội vụ (tháng trước)", 35)
    people = list(roll.entries.order_by("id").values_list("person_id", flat=True))
    marks = {pid: (Attendance.PRESENT, "") for pid in people}
    marks[people[-1]] = (Attendance.UNEXCUSED, "")
    marks[people[-2]] = (Attendance.EXCUSED, reasons[0])
    _mark_roll(member or leader, roll, f"demo-{earlier.pk}", marks,
               {"THE_CONG_CHUC": ("not_met", "01 công chức không đeo thẻ khi tiếp công dân"),
                "GIO_LAM_VIEC": ("met", ""), "NIEM_YET_TTHC": ("met", ""), "PHIEU_XIN_LOI": ("met", "")})
    # Its findings are left to the team (*Lập vi phạm từ bảng điểm danh*): the demo's ratings stay as they are.
    services.inspection_report(actor=leader, inspection=earlier, note="Báo cáo kết quả kiểm tra công vụ")
    services.inspection_draft_conclusion(actor=leader, inspection=earlier,
                                         text="Cơ bản chấp hành tốt; còn 01 trường hợp vắng không lý do.")
    services.inspection_conclude(actor=leader, inspection=earlier, number="18/TB-KTCV",
                                 conclusion_date=today - timedelta(days=30), signer="Trưởng đoàn kiểm tra")

    # Today's check, under way: most marked, a few not yet; the same official absent without a reason again.
    current, roll = check("27/QĐ-KTCV", "Kiểm tra công vụ đột xuất tại Sở Nội vụ", 0)
    people = list(roll.entries.order_by("id").values_list("person_id", flat=True))
    marks = {pid: (Attendance.PRESENT, "") for pid in people[:-5]}
    marks[people[-1]] = (Attendance.UNEXCUSED, "")
    marks[people[-3]] = (Attendance.EXCUSED, reasons[1])
    marks[people[-4]] = (Attendance.EXCUSED, reasons[2])
    _mark_roll(member or leader, roll, f"demo-{current.pk}", marks,
               {"THE_CONG_CHUC": ("met", ""), "NIEM_YET_TTHC": ("met", ""),
                "PHIEU_XIN_LOI": ("not_met", "03 hồ sơ trễ hẹn chưa có phiếu xin lỗi và hẹn lại")})


def seed(org: Organisation) -> int:
    if Inspection.objects.filter(organisation=org).exists():
        return 0
    units = {u.code: u for u in Unit.objects.filter(organisation=org, code__in=["TT", "SNV", "SNV-2", "X01", "X02"])}
    try:
        leader = User.objects.get(username="thanhtra")
        head_snv = User.objects.get(username="giamdoc.snv")
    except User.DoesNotExist:
        return 0
    member = (User.objects.filter(pk__in=RoleAssignment.objects.current().filter(role=Role.INSPECTOR)
                                  .values("user_id"), unit__path__startswith=units["TT"].path)
              .exclude(pk=leader.pk).order_by("employee_code").first())
    today = timezone.localdate()
    started = timezone.now()
    kind = {v.code: v for v in ViolationType.objects.all()}
    plan = services.plan_create(actor=leader, issuing_unit=units["TT"], year=today.year,
                                title=f"Kế hoạch thanh tra, kiểm tra công vụ năm {today.year}",
                                number="01/KH-TTr", approved_on=today.replace(month=1, day=5))

    # 1. A public-service check of the Department of Home Affairs, under way.
    check = services.inspection_create(
        actor=leader, issuing_unit=units["TT"], targets=[units["SNV"]], leader=leader, members=[member] if member else [],
        data={"plan": plan, "kind": InspectionKind.PLANNED, "title": "Kiểm tra công vụ tại Sở Nội vụ",
              "decision_number": "15/QĐ-TTr", "decision_date": today - timedelta(days=10),
              "scope": "Chấp hành giờ giấc, văn hóa công sở, giải quyết thủ tục hành chính",
              "period_from": today.replace(month=1, day=1), "period_to": today})
    services.inspection_start(actor=leader, inspection=check)
    canbo = User.objects.filter(username="canbo").first()
    people = [p for p in [canbo, *_staff(units["SNV"], 6)] if p is not None]
    samples = [("DI_MUON", "Đến cơ quan lúc 8 giờ 20, không có lý do", 200),
               ("KHONG_DEO_THE", "Không đeo thẻ công chức khi tiếp công dân", 150),
               ("ROI_VI_TRI", "Rời vị trí làm việc đi uống cà phê lúc 9 giờ 30", 120),
               ("HUT_THUOC", "Hút thuốc tại hành lang tầng 2", 90),
               ("VE_SOM", "Rời cơ quan lúc 16 giờ 15", 60),
               ("TRE_HEN", "02 hồ sơ trễ hẹn không có phiếu xin lỗi", 30),
               ("DI_MUON", "Đến cơ quan lúc 8 giờ 40", 2)]
    findings = []
    for index, (code, text, days_ago) in enumerate(samples):
        person = people[index % len(people)]
        finding = services.finding_record(
            actor=member or leader, inspection=check, files=[_photo(f"hien-truong-{index + 1}.jpg")],
            data={"subject_person": person, "violation_type": kind[code], "description": text,
                  "location": "Trụ sở Sở Nội vụ",
                  "occurred_at": timezone.now() - timedelta(days=days_ago, hours=index)})
        findings.append(finding)
    # Most are past the explanation window by now; the subjects explained some.
    Finding.objects.filter(pk__in=[f.pk for f in findings[:-1]]).update(explanation_due=today + timedelta(days=3))
    services.finding_explain(actor=findings[1].subject_person, finding=findings[1],
                             text="Thẻ bị hỏng, đã đề nghị cấp lại từ tuần trước.")

    # 2. A commune checked last quarter: conclusion signed, one recommendation being remedied.
    commune = services.inspection_create(
        actor=leader, issuing_unit=units["TT"], targets=[units["X01"]], leader=leader, members=[],
        data={"plan": plan, "kind": InspectionKind.PLANNED, "title": "Thanh tra việc giải quyết thủ tục hành chính",
              "decision_number": "09/QĐ-TTr", "decision_date": today - timedelta(days=60),
              "scope": "Tiếp nhận, giải quyết hồ sơ tại bộ phận một cửa"})
    services.inspection_start(actor=leader, inspection=commune)
    staff_x01 = _staff(units["X01"], 2)
    commune_findings = []
    for person in staff_x01:
        commune_findings.append(services.finding_record(actor=leader, inspection=commune, data={
            "subject_person": person, "violation_type": kind["TRE_HEN"], "location": "Bộ phận một cửa",
            "description": "Hồ sơ đất đai trễ hẹn 12 ngày, không có văn bản xin lỗi",
            "occurred_at": timezone.now() - timedelta(days=45)}))
    services.inspection_report(actor=leader, inspection=commune, note="Báo cáo kết quả thanh tra")
    services.inspection_draft_conclusion(actor=leader, inspection=commune,
                                         text="Bộ phận một cửa còn để hồ sơ trễ hẹn, chưa xin lỗi người dân.")
    for text, result, days in [
        ("Rà soát toàn bộ hồ sơ trễ hẹn, gửi văn bản xin lỗi và hẹn lại", "100% hồ sơ trễ hẹn có phiếu xin lỗi", 20),
        ("Tổ chức kiểm điểm các cá nhân để hồ sơ trễ hẹn", "Biên bản kiểm điểm", 45),
        ("Niêm yết công khai quy trình, thời hạn giải quyết hồ sơ đất đai tại bộ phận một cửa",
         "Bảng niêm yết và ảnh chụp tại bộ phận một cửa", 30),
    ]:
        services.recommendation_add(actor=leader, inspection=commune, content=text, target_unit=units["X01"],
                                    deadline=today + timedelta(days=days), expected_result=result)
    services.inspection_conclude(actor=leader, inspection=commune, number="21/KL-TTr", conclusion_date=today,
                                 signer="Chánh Thanh tra tỉnh")
    services.inspection_publish(actor=leader, inspection=commune, publish_until=today + timedelta(days=15))
    services.inspection_follow_up(actor=leader, inspection=commune)
    # The first recommendation has since fallen overdue.
    first = Recommendation.objects.get(inspection=commune, number=1)
    Recommendation.objects.filter(pk=first.pk).update(deadline=today - timedelta(days=5))
    Task.objects.filter(pk=first.task_id).update(deadline=timezone.now() - timedelta(days=5))

    # 3. An unannounced check of another commune, decided and not yet started.
    if "X02" in units:
        services.inspection_create(
            actor=leader, issuing_unit=units["TT"], targets=[units["X02"]], leader=leader, members=[],
            data={"kind": InspectionKind.UNANNOUNCED, "title": "Kiểm tra đột xuất việc chấp hành kỷ luật, kỷ cương",
                  "decision_number": "31/QĐ-TTr", "decision_date": today,
                  "scope": "Chấp hành thời giờ làm việc, thái độ tiếp công dân"})

    # 4. Public-service checks (kiểm tra công vụ) of the Department of Home Affairs, each with its roll:
    # one last month, concluded, and one under way today; an official absent without a reason at both.
    _public_service_checks(leader, member, units, today)

    # 5. Discipline: one decision issued this year, one case under consideration with a pause.
    late = findings[0]
    if late.subject_person and late.subject_person.unit and late.subject_person.unit.path.startswith(units["SNV"].path):
        services.decision_record(
            actor=head_snv, subject=late.subject_person, summary="Nhiều lần đi muộn, không có lý do chính đáng",
            discovered_on=timezone.localtime(late.occurred_at).date(), findings=[late], form=DisciplineForm.REPRIMAND,
            number="45/QĐ-SNV", decision_date=today - timedelta(days=1), signer="Giám đốc Sở Nội vụ")
    other = findings[2]
    if other.subject_person_id and other.subject_person_id != late.subject_person_id:
        case = services.decision_open(actor=head_snv, subject=other.subject_person, findings=[other],
                                      summary="Rời vị trí làm việc trong giờ nhiều lần",
                                      discovered_on=timezone.localtime(other.occurred_at).date())
        services.decision_add_pause(actor=head_snv, decision=case, kind=PauseKind.MATERNITY,
                                    starts_on=today - timedelta(days=30), note="Nghỉ thai sản")
    head_x01 = User.objects.filter(username="chutich.bmt").first()
    if head_x01 and commune_findings and commune_findings[0].subject_person_id:
        services.decision_record(
            actor=head_x01, subject=commune_findings[0].subject_person, findings=[commune_findings[0]],
            summary="Để hồ sơ đất đai trễ hẹn, không xin lỗi người dân", form=DisciplineForm.REPRIMAND,
            discovered_on=timezone.localtime(commune_findings[0].occurred_at).date(), number="12/QĐ-UBND",
            decision_date=today - timedelta(days=3), signer="Chủ tịch UBND phường Buôn Ma Thuột")
    # Demo notifications stay in the bell; nobody is e-mailed about made-up findings.
    Notification.objects.filter(created_at__gte=started, emailed_at__isnull=True).update(emailed_at=timezone.now())
    return Inspection.objects.filter(organisation=org).count()
