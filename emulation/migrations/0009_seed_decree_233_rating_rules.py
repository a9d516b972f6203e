"""Rating from 1 Jul 2026 (DOMAIN.md §0, §3): Decree 233/2026/NĐ-CP rates viên chức and cán bộ and
ends Decree 90/2020, so the Decree 90 rule sets of those groups end on 30 Jun 2026 and new rule
sets take over. The 2026 decrees were read from unofficial copies: what is still to be verified is
written in each row's notes, for the administrator to correct without a release.

Data only; the administrator's edits win: an end date or a figure already set is left alone, and
a rule set already present (same staff group, start and basis) is not added twice. Reversible:
going back removes the rows added here and reopens the Decree 90 rule sets this migration closed
(refused, as it should be, once a rating names one of the new rows).

emulation/catalogue.py keeps the same rows for the tests' re-seeding."""

from datetime import date

from django.db import migrations

DECREE_90_ENDS = date(2026, 6, 30)
DECREE_233_STARTS = date(2026, 7, 1)
D233 = "Nghị định 233/2026/NĐ-CP (cần đối chiếu bản chính thức)"
D233_NOTES = (
    "Cần kiểm tra với bản chính thức của Nghị định 233/2026/NĐ-CP (đã đọc từ bản không chính thức): "
    "thang 100 điểm và cách chia 30 điểm tiêu chí chung / 70 điểm kết quả thực hiện nhiệm vụ; các mức 90/70/50 "
    "điểm; tỷ lệ Hoàn thành xuất sắc nhiệm vụ không quá 20% số Hoàn thành tốt nhiệm vụ, không quá 25% ở đơn vị "
    "được xếp loại Hoàn thành xuất sắc nhiệm vụ (Điều 12 khoản 6 điểm b); không xếp loại khi công tác dưới 6 "
    "tháng; kết quả năm tính từ kết quả các tháng hoặc quý (Điều 12 khoản 5); mức trừ 25% mỗi lần đánh giá chưa "
    "đạt hoặc chậm tiến độ; cấp trưởng không được xếp loại cao hơn đơn vị (Điều 12 khoản 7); trọng số của kết "
    "quả cá nhân, kết quả đơn vị và năng lực tổ chức thực hiện đối với người lãnh đạo.")
D335_NOTES = (
    "Cần kiểm tra với Nghị định 335/2025/NĐ-CP: kết quả năm tính từ kết quả các tháng hoặc quý; tỷ lệ 25% ở "
    "đơn vị được xếp loại Hoàn thành xuất sắc nhiệm vụ; cấp trưởng không được xếp loại cao hơn đơn vị; trọng số "
    "của kết quả cá nhân, kết quả đơn vị và năng lực tổ chức thực hiện đối với người lãnh đạo; điểm nhiệm vụ "
    "bằng trung bình của số lượng, chất lượng, tiến độ nhân 70.")
DECREE_233_RULE_SETS = [
    dict(name="Viên chức — Nghị định 233/2026 (từ 01/7/2026)", staff_group="vien_chuc"),
    dict(name="Cán bộ — Nghị định 233/2026 (từ 01/7/2026)", staff_group="can_bo"),
]
FIGURES = dict(mode="points", htxs_min_points=90, htt_min_points=70, ht_min_points=50, htxs_quota_percent=20,
               htxs_quota_percent_excellent_unit=25, min_service_months=6, general_max_points=30,
               task_max_points=70, quality_deduction_percent=25, progress_deduction_percent=25,
               results_every="month", leader_own_weight=1, leader_unit_weight=1, leader_organising_weight=1,
               unit_result_if_any_kht_percent=50)


def _decree_90_open_ended(RatingRuleSet):
    return RatingRuleSet.objects.filter(staff_group__in=("vien_chuc", "can_bo"), mode="criteria",
                                        legal_basis__contains="90/2020", valid_to__isnull=True)


def forward(apps, schema_editor):
    RatingRuleSet = apps.get_model("emulation", "RatingRuleSet")
    _decree_90_open_ended(RatingRuleSet).update(valid_to=DECREE_90_ENDS)
    for rule_set in DECREE_233_RULE_SETS:
        found = RatingRuleSet.objects.filter(staff_group=rule_set["staff_group"], valid_from=DECREE_233_STARTS,
                                             legal_basis=D233).first()
        if found is None:
            RatingRuleSet.objects.create(**rule_set, **FIGURES, valid_from=DECREE_233_STARTS, valid_to=None,
                                         legal_basis=D233, notes=D233_NOTES)
        elif not found.notes:  # seeded before its notes existed
            RatingRuleSet.objects.filter(pk=found.pk).update(
                notes=D233_NOTES, htxs_quota_percent_excellent_unit=found.htxs_quota_percent_excellent_unit or 25)
    RatingRuleSet.objects.filter(staff_group="cong_chuc", legal_basis__contains="335/2025", notes="").update(
        notes=D335_NOTES)
    RatingRuleSet.objects.filter(staff_group="cong_chuc", legal_basis__contains="335/2025",
                                 htxs_quota_percent_excellent_unit__isnull=True).update(
        htxs_quota_percent_excellent_unit=25)


def backward(apps, schema_editor):
    RatingRuleSet = apps.get_model("emulation", "RatingRuleSet")
    RatingRuleSet.objects.filter(valid_from=DECREE_233_STARTS, legal_basis=D233, notes=D233_NOTES).delete()
    RatingRuleSet.objects.filter(staff_group__in=("vien_chuc", "can_bo"), mode="criteria",
                                 legal_basis__contains="90/2020", valid_to=DECREE_90_ENDS).update(valid_to=None)
    RatingRuleSet.objects.filter(staff_group="cong_chuc", notes=D335_NOTES).update(
        notes="", htxs_quota_percent_excellent_unit=None)


class Migration(migrations.Migration):
    dependencies = [("emulation", "0008_rating_rules_for_2026_decrees")]
    operations = [migrations.RunPython(forward, backward)]
