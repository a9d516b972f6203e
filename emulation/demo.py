"""Demo emulation for the demo province: this year's period of Sở Nội vụ, computed from the demo
tasks and discipline, with the head's general-criteria points, at the vote with an open council
session. The year's earlier results are backfilled as completed tasks (the demo has no history).
Runs once per organisation."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from accounts.models import LocalRegulation, Organisation, Unit, User
from emulation import access, services
from emulation.models import LocalRule, LocalRuleKind, MemberRole, Period, PeriodStatus, Rating, Title, Verdict
from emulation.scoring import compute_period
from inspections.models import DecisionStatus, DisciplinaryDecision
from tasks.models import Task, TaskStatus


def _backfill(people: list[User], head: User, year: int) -> None:
    """Three completed tasks per official earlier in the year (one done late every fifth official)."""
    tasks = []
    for index, person in enumerate(people):
        for month in (2, 5, 8):
            deadline = timezone.make_aware(datetime.combine(datetime(year, month, 20), time(17)))
            late = month == 8 and index % 5 == 0
            finished = deadline + timedelta(days=2 if late else -1)
            tasks.append(Task(code=f"NV-{year}-TD{person.pk:05d}{month:02d}", status=TaskStatus.COMPLETED,
                              assigner=head, assigning_unit=head.unit, lead=person, lead_unit=person.unit,
                              title=f"Báo cáo chuyên đề tháng {month}/{year}", deadline=deadline,
                              original_deadline=deadline, assigned_at=deadline - timedelta(days=20),
                              submitted_at=finished, completed_at=finished,
                              quality="excellent" if (index + month) % 7 == 0 else "good"))
    Task.objects.bulk_create(tasks, ignore_conflicts=True)


def _local_rules(org: Organisation) -> None:
    """The province's own emulation regulation turns on its withholding practice (a local rule, not
    Law 06/2022)."""
    regulation, _created = LocalRegulation.objects.get_or_create(
        organisation=org, number="15/2024/QĐ-UBND", defaults={
            "issued_on": date(2024, 3, 20), "issuer": "UBND tỉnh",
            "title": "Quy định về công tác thi đua, khen thưởng trên địa bàn tỉnh (không xét khen thưởng tập thể, "
                     "cá nhân không hoàn thành nhiệm vụ, né tránh, đùn đẩy trách nhiệm)"})
    for kind in (LocalRuleKind.WITHHOLD_OVERDUE_TASK, LocalRuleKind.WITHHOLD_SHIFTING):
        LocalRule.objects.get_or_create(organisation=org, kind=kind, defaults={"regulation": regulation})


def seed(org: Organisation) -> int:
    if Period.objects.filter(organisation=org).exists():
        return 0
    _local_rules(org)
    snv = Unit.objects.filter(organisation=org, code="SNV").first()
    secretary = User.objects.filter(username="thuky").first()
    head = User.objects.filter(username="giamdoc.snv").first()
    council = list(User.objects.filter(username__in=["hoidong", "chutich"]).order_by("username"))
    province_head = User.objects.filter(username="chutich").first()
    if not (snv and secretary and head):
        return 0
    year = timezone.localdate().year
    people = list(User.objects.filter(unit__path__startswith=snv.path, is_active=True).exclude(pk=head.pk)
                  .order_by("employee_code"))
    _backfill(people, head, year)
    # The official disciplined in the demo also leaves a task undone past its deadline.
    disciplined = DisciplinaryDecision.objects.filter(number="45/QĐ-SNV", status=DecisionStatus.ISSUED).first()
    if disciplined:
        deadline = timezone.now() - timedelta(days=12)
        Task.objects.create(code=f"NV-{year}-QH{disciplined.subject_id:05d}", status=TaskStatus.IN_PROGRESS,
                            assigner=head, assigning_unit=snv, lead=disciplined.subject,
                            lead_unit=disciplined.subject.unit, title="Báo cáo rà soát vị trí việc làm",
                            deadline=deadline, original_deadline=deadline, assigned_at=deadline - timedelta(days=30))
    period = services.period_open(actor=secretary, unit=snv, year=year)
    compute_period(period)
    for index, rating in enumerate(Rating.objects.filter(period=period).select_related("person__unit")):
        # Points come from above: the director scores her officials; her own points and her
        # deputies' come from the province's head (access.can_score).
        scorer = head if access.can_score(head, rating.person) else province_head
        if scorer is None or not access.can_score(scorer, rating.person):
            continue
        if rating.mode == "criteria":
            services.rating_set_general(actor=scorer, rating=rating, met=True, note="Chấp hành tốt chủ trương, "
                                        "chính sách; đạo đức, lối sống tốt")
        else:
            # Leaders are also assessed on how they organised their unit's work.
            organising = 75 + index % 20 if "unit_result" in rating.breakdown else None
            services.rating_set_general(actor=scorer, rating=rating, points=15 + index % 5, organising=organising,
                                        note="Chấp hành tốt kỷ luật, kỷ cương; tác phong chuẩn mực")
    compute_period(period)
    services.period_advance(actor=secretary, period=period, to=PeriodStatus.SCORING)
    services.period_advance(actor=secretary, period=period, to=PeriodStatus.REVIEW)
    services.period_advance(actor=secretary, period=period, to=PeriodStatus.VOTING)
    eligible = Verdict.objects.filter(period=period, title=Title.LDTT, eligible=True).select_related("person") \
        .order_by("person__employee_code")[:3]
    for verdict in eligible:
        services.nomination_create(actor=head, period=period, title=Title.LDTT, person=verdict.person,
                                   note="Hoàn thành tốt nhiệm vụ được giao")
    if eligible:
        members = [(head, MemberRole.CHAIR), (secretary, MemberRole.SECRETARY)] + [
            (member, MemberRole.MEMBER) for member in council]
        services.session_open(actor=secretary, period=period, name=f"Phiên họp xét danh hiệu năm {year}",
                              held_on=timezone.localdate(), members=members, quorum=2, base_threshold_percent=50)
    return Period.objects.filter(organisation=org).count()
