"""Demo data of the reform index: the Department of Home Affairs' criteria sets for communes and for
departments (8 areas each), last year's results published, this year's exercise under way —
X01's head (chutich.bmt) still self-assessing, some communes submitted, some appraised; the
largest points the communes lost last year turned into remedial tasks."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.models import Organisation, Role, RoleAssignment, Unit, UnitKind, User
from notifications.models import Notification
from reform import services
from reform.models import Assessment, CriteriaSet, MemberRole, Score, UnitGroup

BANDS = {
    UnitGroup.COMMUNES: [("Xuất sắc", 90), ("Tốt", 80), ("Khá", 70), ("Trung bình", 50), ("Yếu", 0)],
    UnitGroup.DEPARTMENTS: [("Tốt", 90), ("Khá", 80), ("Trung bình", 70), ("Yếu", 0)],
}
# Seven scored areas (two sub-criteria each, 10 points per area) and the survey area (30 points).
AREAS = [
    ("Công tác chỉ đạo, điều hành CCHC", [("Ban hành kế hoạch CCHC năm đúng hạn", "scale", "Kế hoạch CCHC năm"),
                                          ("Hoàn thành 100% nhiệm vụ trong kế hoạch", "yes_no", "Báo cáo CCHC")]),
    ("Xây dựng và tổ chức thực hiện văn bản", [("Rà soát văn bản đúng quy định", "points", "Báo cáo rà soát"),
                                               ("Xử lý văn bản sau rà soát", "yes_no", "")]),
    ("Cải cách thủ tục hành chính", [("Công khai đầy đủ thủ tục hành chính", "yes_no", "Ảnh chụp nơi niêm yết"),
                                     ("Hồ sơ giải quyết đúng hạn", "points", "Số liệu trên hệ thống một cửa")]),
    ("Cải cách tổ chức bộ máy", [("Sắp xếp tổ chức theo quy định", "yes_no", "Quyết định sắp xếp"),
                                 ("Thực hiện kế hoạch biên chế", "scale", "")]),
    ("Cải cách chế độ công vụ", [("Bố trí công chức đúng vị trí việc làm", "scale", "Danh sách vị trí việc làm"),
                                 ("Chấp hành kỷ luật, kỷ cương hành chính", "yes_no", "Kết quả kiểm tra công vụ")]),
    ("Cải cách tài chính công", [("Giải ngân vốn đầu tư công đúng tiến độ", "points", "Báo cáo giải ngân"),
                                 ("Thực hiện tự chủ tài chính", "yes_no", "")]),
    ("Xây dựng chính quyền số", [("Hồ sơ xử lý trên môi trường mạng", "points", "Số liệu hệ thống quản lý văn bản"),
                                 ("Dịch vụ công trực tuyến toàn trình", "scale", "")]),
]
SURVEY_AREA = ("Tác động của CCHC đến người dân và sự phát triển (điều tra xã hội học)", 30)


def _build(org, *, actor: User, issuer: Unit, year: int, group: str, title: str) -> CriteriaSet:
    criteria_set = services.criteria_set_create(
        actor=actor, issuing_unit=issuer, year=year, unit_group=group, title=title, bands=BANDS[group],
        legal_basis=f"Quyết định số {12 + year % 10}/QĐ-UBND ngày 15/01/{year} của UBND tỉnh")
    for number, (area_name, subs) in enumerate(AREAS, start=1):
        area = services.area_add(actor=actor, criteria_set=criteria_set, code=str(number), name=area_name)
        criterion = services.criterion_add(actor=actor, area=area, code=f"{number}.1", name=area_name)
        for index, (name, method, evidence) in enumerate(subs, start=1):
            services.sub_criterion_add(actor=actor, criterion=criterion, code=f"{number}.1.{index}", name=name,
                                       max_points=5, method=method, step=1 if method == "scale" else None,
                                       evidence_required=evidence)
    services.area_add(actor=actor, criteria_set=criteria_set, code="8", name=SURVEY_AREA[0],
                      survey_max_points=SURVEY_AREA[1])
    return criteria_set


def _self_assess(assessment: Assessment, head: User, rng: random.Random, *, complete=True) -> None:
    subs = list(assessment.criteria_set.sub_criteria.order_by("code"))
    if not complete:
        subs = subs[:4]
    rows = []
    for sub in subs:
        points = sub.max_points if sub.method == "yes_no" or rng.random() < 0.7 else sub.max_points - 1
        if sub.method == "yes_no" and rng.random() < 0.15:
            points = Decimal(0)
        rows.append(services.SelfScoreRow(assessment=assessment, sub_criterion=sub, points=points,
                                          note="Đã thực hiện, có minh chứng kèm theo"))
    services.self_scores_record(actor=head, rows=rows)
    if complete:
        services.assessment_submit(actor=head, assessment=assessment)


def _appraise(assessment: Assessment, appraiser: User, rng: random.Random) -> None:
    for score in assessment.scores.select_related("sub_criterion").order_by("sub_criterion__code"):
        if score.self_points and rng.random() < 0.25:
            services.score_appraise(actor=appraiser, assessment=assessment, sub_criterion=score.sub_criterion,
                                    points=Decimal(0) if score.sub_criterion.method == "yes_no" else score.self_points - 1,
                                    comment="Minh chứng chưa đầy đủ")
    services.assessment_finish_appraisal(actor=appraiser, assessment=assessment)


def _heads(units) -> dict[int, User]:
    found = {}
    for assignment in RoleAssignment.objects.current().filter(unit__in=units, role=Role.HEAD).select_related("user"):
        found.setdefault(assignment.unit_id, assignment.user)
    return found


def _appraisers(org, criteria_set, units, rng):
    """Two appraisers: one of Home Affairs for the other units, one of the provincial office for
    Home Affairs itself (nobody appraises their own unit)."""
    home_affairs = User.objects.get(username="canbo")
    office = User.objects.filter(unit__code="VPUB-KSTT", unit__organisation=org).order_by("employee_code").first()
    for user in (home_affairs, office):
        services.member_add(actor=criteria_set.created_by, criteria_set=criteria_set, user=user,
                            role=MemberRole.APPRAISER)
    for assessment in criteria_set.assessments.select_related("unit"):
        appraiser = office if assessment.unit.code == "SNV" else home_affairs
        services.appraiser_assign(actor=criteria_set.created_by, assessment=assessment, appraiser=appraiser)


def _run(org, *, actor, issuer, year, group, title, units, rng, finished: bool) -> CriteriaSet:
    criteria_set = _build(org, actor=actor, issuer=issuer, year=year, group=group, title=title)
    today = timezone.localdate()
    services.criteria_set_open(actor=actor, criteria_set=criteria_set, units=units, deadline=today + timedelta(days=30))
    _appraisers(org, criteria_set, units, rng)
    heads = _heads(units)
    survey_area = criteria_set.areas.get(code="8")
    for position, assessment in enumerate(criteria_set.assessments.select_related("unit", "criteria_set")
                                          .order_by("unit__code")):
        head = heads.get(assessment.unit_id)
        if head is None:
            continue
        if finished or position >= 1:  # this year X01 (and the first department) still self-assessing
            _self_assess(assessment, head, rng)
        else:
            _self_assess(assessment, head, rng, complete=False)
            continue
        if finished or position % 3 == 0:
            _appraise(assessment, criteria_set.assessments.get(pk=assessment.pk).appraiser, rng)
    survey_rows = [services.SurveyRow(assessment=a, area=survey_area, points=Decimal(rng.randint(15, 29)))
                   for a in criteria_set.assessments.all()]
    services.survey_record(actor=actor, criteria_set=criteria_set, rows=survey_rows)
    if finished:
        services.criteria_set_freeze(actor=actor, criteria_set=criteria_set)
        services.criteria_set_publish(actor=actor, criteria_set=criteria_set,
                                      published_on=today.replace(year=year + 1, month=1, day=20))
        CriteriaSet.objects.filter(pk=criteria_set.pk).update(
            self_assessment_deadline=today.replace(year=year, month=10, day=5))
    else:
        CriteriaSet.objects.filter(pk=criteria_set.pk).update(self_assessment_deadline=today + timedelta(days=14))
        services.criteria_set_recompute(criteria_set=criteria_set)  # the provisional ranking while scoring goes on
    return criteria_set


REMEDIES = 4  # last year's lost points the Department of Home Affairs turns into remedial tasks


def _remedy_largest_losses(criteria_set: CriteriaSet, *, actor: User, count: int) -> None:
    """The sub-criteria on which units lost most, one per unit, each given to the unit's head."""
    scores = sorted((score for score in Score.objects.filter(assessment__criteria_set=criteria_set)
                     .select_related("sub_criterion", "assessment__unit")
                     if services.lost_points(score) > 0),
                    key=lambda score: (-services.lost_points(score), score.assessment.unit.code, score.sub_criterion.code))
    remedied_units = set()
    for score in scores:
        if len(remedied_units) == count:
            break
        if score.assessment.unit_id in remedied_units:
            continue
        services.remedy_issue(actor=actor, score=score, deadline=timezone.localdate() + timedelta(days=60),
                              note=f"Khắc phục điểm bị trừ năm {criteria_set.year}")
        remedied_units.add(score.assessment.unit_id)


def seed(org: Organisation) -> int:
    if CriteriaSet.objects.filter(organisation=org).exists():
        return 0
    try:
        actor = User.objects.get(username="giamdoc.snv")
        User.objects.get(username="canbo")
    except User.DoesNotExist:
        return 0
    issuer = Unit.objects.get(organisation=org, code="SNV")
    communes = list(Unit.objects.filter(organisation=org, kind=UnitKind.COMMUNE).order_by("code"))
    departments = list(Unit.objects.filter(organisation=org, kind=UnitKind.DEPARTMENT).order_by("code"))
    year = timezone.localdate().year
    rng = random.Random(year)
    created = 0
    started = timezone.now()
    for group, units, label in ((UnitGroup.COMMUNES, communes, "cấp xã"),
                                (UnitGroup.DEPARTMENTS, departments, "các sở, ban, ngành")):
        for set_year, finished in ((year - 1, True), (year, False)):
            criteria_set = _run(org, actor=actor, issuer=issuer, year=set_year, group=group, units=units, rng=rng,
                                finished=finished, title=f"Bộ chỉ số CCHC {label} năm {set_year}")
            if finished and group == UnitGroup.COMMUNES:
                _remedy_largest_losses(criteria_set, actor=actor, count=REMEDIES)
            created += 1
    # Demo notifications stay in the bell: nobody is e-mailed about a made-up reform exercise (the
    # e-mail sender skips notifications already marked e-mailed).
    Notification.objects.filter(created_at__gte=started, emailed_at__isnull=True).update(emailed_at=timezone.now())
    return created
