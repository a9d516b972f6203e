"""The violation catalogue (DOMAIN.md §5) and the discipline rules (DOMAIN.md §2) as first seeded.

Used by the data migration and by the test suite, which puts the rows back after a
transactional test has flushed the tables (tests/conftest.py). Seeding never changes a row that
already exists — the administrator's edits win.
"""

from datetime import date

from django.apps import apps as app_registry

CADRE, CIVIL, PUBLIC = "can_bo", "cong_chuc", "vien_chuc"
LAW_CC = "Luật Cán bộ, công chức; Nghị định 172/2025/NĐ-CP"
DIRECTIVE_26 = "Chỉ thị 26/CT-TTg ngày 05/9/2016 về tăng cường kỷ luật, kỷ cương"
OFFICE_CULTURE = "Quy chế văn hóa công sở (Quyết định 129/2007/QĐ-TTg); Chỉ thị 26/CT-TTg"
ONE_STOP = "Nghị định 61/2018/NĐ-CP, sửa đổi bởi Nghị định 107/2021/NĐ-CP (cơ chế một cửa)"
NO_LIMIT = "Nghị quyết 76/2022/QH15 (không áp dụng thời hiệu); Nghị định 172/2025/NĐ-CP"

# code, name, group, default severity, suggested handling, legal basis, no limitation
CATALOGUE = [
    ("DI_MUON", "Đi làm muộn", "working_hours", "minor", "reminder", DIRECTIVE_26, False),
    ("VE_SOM", "Về sớm", "working_hours", "minor", "reminder", DIRECTIVE_26, False),
    ("VANG_KHONG_LY_DO", "Vắng mặt không có lý do", "working_hours", "serious", "criticism", f"{DIRECTIVE_26}; {LAW_CC}", False),
    ("ROI_VI_TRI", "Rời vị trí làm việc trong giờ (uống cà phê, việc riêng)", "working_hours", "minor", "criticism",
     DIRECTIVE_26, False),
    ("RUOU_BIA", "Uống rượu, bia trước và trong giờ làm việc", "conduct", "serious", "self_review",
     "Chỉ thị 05/2008/CT-TTg; Luật Phòng, chống tác hại của rượu, bia 2019, Điều 5", False),
    ("HUT_THUOC", "Hút thuốc lá tại nơi làm việc", "conduct", "minor", "reminder",
     "Luật Phòng, chống tác hại của thuốc lá 2012, Điều 11, 12", False),
    ("KHONG_DEO_THE", "Không đeo thẻ công chức, viên chức", "conduct", "minor", "reminder", OFFICE_CULTURE, False),
    ("VAN_HOA_CONG_SO", "Vi phạm văn hóa công sở (trang phục, giao tiếp, ứng xử)", "conduct", "minor", "reminder",
     OFFICE_CULTURE, False),
    ("XE_CONG", "Sử dụng xe công sai mục đích", "public_assets", "serious", "discipline_review",
     "Luật Quản lý, sử dụng tài sản công 2017; Nghị định 72/2023/NĐ-CP", False),
    ("NHUNG_NHIEU", "Nhũng nhiễu, gây phiền hà cho người dân, doanh nghiệp", "public_service", "very_serious",
     "discipline_review", f"Luật Cán bộ, công chức (những việc không được làm); {LAW_CC}", False),
    ("MOT_CUA", "Sai phạm tại bộ phận một cửa (không niêm yết thủ tục, không tiếp nhận, không xử lý hồ sơ)",
     "public_service", "serious", "criticism", ONE_STOP, False),
    ("TRE_HEN", "Hồ sơ thủ tục hành chính trễ hẹn không có phiếu xin lỗi và hẹn lại", "public_service", "minor",
     "criticism", ONE_STOP, False),
    ("DUN_DAY", "Né tránh, đùn đẩy trách nhiệm, không thực hiện nhiệm vụ được giao", "responsibility", "serious",
     "discipline_review", f"{DIRECTIVE_26}; {LAW_CC}", False),
    ("VAN_BANG", "Sử dụng văn bằng, chứng chỉ không hợp pháp", "integrity", "especially_serious", "discipline_review",
     NO_LIMIT, True),
    ("QUOC_PHONG_AN_NINH", "Xâm hại lợi ích quốc phòng, an ninh, đối ngoại", "integrity", "especially_serious",
     "discipline_review", NO_LIMIT, True),
    ("KHAC", "Vi phạm khác", "other", "minor", "reminder", "Theo văn bản quy định cụ thể", False),
]

D112 = "Nghị định 112/2020/NĐ-CP (sửa đổi bởi Nghị định 71/2023/NĐ-CP)"
D172 = "Nghị định 172/2025/NĐ-CP"
OLD_END, NEW_START = date(2025, 6, 30), date(2025, 7, 1)
# system, staff group, applies to, valid from, valid to, legal basis, [(form, salary delay months)]
FORMS = [
    ("state", CADRE, "any", None, None, f"Luật Cán bộ, công chức; {D112}; {D172}",
     [("reprimand", 6), ("warning", 6), ("dismissal", 12), ("removal", 0)]),
    ("state", CIVIL, "non_leaders", None, OLD_END, D112,
     [("reprimand", 6), ("warning", 6), ("salary_downgrade", 12), ("forced_resignation", 0)]),
    ("state", CIVIL, "leaders", None, OLD_END, D112,
     [("reprimand", 6), ("warning", 6), ("demotion", 12), ("dismissal", 12), ("forced_resignation", 0)]),
    ("state", CIVIL, "non_leaders", NEW_START, None, D172, [("reprimand", 6), ("warning", 6), ("forced_resignation", 0)]),
    ("state", CIVIL, "leaders", NEW_START, None, D172,
     [("reprimand", 6), ("warning", 6), ("dismissal", 12), ("forced_resignation", 0)]),
    ("state", PUBLIC, "non_leaders", None, None, f"Luật Viên chức; {D112}",
     [("reprimand", 6), ("warning", 6), ("forced_resignation", 0)]),
    ("state", PUBLIC, "leaders", None, None, f"Luật Viên chức; {D112}",
     [("reprimand", 6), ("warning", 6), ("dismissal", 12), ("forced_resignation", 0)]),
    ("party", "", "any", None, None, "Quy định 69-QĐ/TW (2022), sửa đổi bởi Quy định 264-QĐ/TW (2025)",
     [("reprimand", 0), ("warning", 0), ("dismissal", 0), ("expulsion", 0)]),
]

RULE_SETS = [
    dict(name="Luật số 52/2019/QH14 — quyết định trước 15/11/2022", valid_from=None, valid_to=date(2022, 11, 14),
         limitation_light_years=2, limitation_heavy_years=5,
         limitation_basis="Luật số 52/2019/QH14 sửa đổi Luật Cán bộ, công chức và Luật Viên chức",
         processing_days=90, processing_days_complex=150, processing_basis="Nghị định 112/2020/NĐ-CP, Điều 13"),
    dict(name="Nghị quyết 76/2022/QH15 — từ 15/11/2022", valid_from=date(2022, 11, 15), valid_to=OLD_END,
         limitation_light_years=5, limitation_heavy_years=10, limitation_basis="Nghị quyết 76/2022/QH15",
         processing_days=90, processing_days_complex=150, processing_basis="Nghị định 112/2020/NĐ-CP, Điều 13"),
    dict(name="Nghị định 172/2025/NĐ-CP — từ 01/07/2025", valid_from=NEW_START, valid_to=None,
         limitation_light_years=5, limitation_heavy_years=10, limitation_basis="Nghị quyết 76/2022/QH15",
         processing_days=90, processing_days_complex=150, processing_basis=D172),
]


LAW_84 = "Luật Thanh tra số 84/2025/QH15"
LAW_84_START = date(2025, 7, 1)
# step, days, working days, legal basis (DOMAIN.md §5). The Government Inspectorate signs within 30 days
# (art. 36(1)): a deployment that holds it adds that row with its unit.
TIME_LIMITS = [
    ("assign_drafting", 5, True, f"{LAW_84}, Điều 34 khoản 1: giao xây dựng dự thảo kết luận trong 05 ngày làm việc "
                                 "kể từ ngày nhận báo cáo kết quả thanh tra"),
    ("sign_conclusion", 15, False, f"{LAW_84}, Điều 36 khoản 1: ký kết luận trong 15 ngày kể từ ngày nhận dự thảo "
                                   "kết luận (30 ngày đối với Thanh tra Chính phủ)"),
    ("implementing_directive", 15, False, f"{LAW_84}, Điều 53: chỉ đạo thực hiện kết luận thanh tra trong 15 ngày "
                                          "kể từ ngày có kết luận"),
]


def ensure_time_limits_seeded(get_model=None) -> None:
    """Law 84/2025's time limits of the conclusion, from 1 Jul 2025 (added after the first catalogue)."""
    get_model = get_model or app_registry.get_model
    TimeLimit = get_model("inspections", "ConclusionTimeLimit")
    if not TimeLimit.objects.exists():
        TimeLimit.objects.bulk_create([
            TimeLimit(step=step, days=days, working_days=working, valid_from=LAW_84_START, legal_basis=basis)
            for step, days, working, basis in TIME_LIMITS])


# The items a public-service check looks at (DOMAIN.md §5): code, name, violation when not met, legal basis.
CHECK_ITEMS = [
    ("THE_CONG_CHUC", "Đeo thẻ công chức, viên chức trong giờ làm việc", "KHONG_DEO_THE", OFFICE_CULTURE),
    ("GIO_LAM_VIEC", "Chấp hành thời gian làm việc (không đi muộn, về sớm, rời vị trí)", "DI_MUON", DIRECTIVE_26),
    ("NIEM_YET_TTHC", "Niêm yết công khai thủ tục hành chính tại bộ phận một cửa", "MOT_CUA", ONE_STOP),
    ("PHIEU_XIN_LOI", "Hồ sơ trễ hẹn có phiếu xin lỗi và hẹn lại ngày trả kết quả", "TRE_HEN", ONE_STOP),
    ("VAN_HOA_CONG_SO", "Trang phục, giao tiếp, ứng xử theo văn hóa công sở", "VAN_HOA_CONG_SO", OFFICE_CULTURE),
    ("KHONG_HUT_THUOC", "Không hút thuốc lá, không uống rượu, bia tại nơi làm việc", "HUT_THUOC",
     "Luật Phòng, chống tác hại của thuốc lá 2012; Chỉ thị 05/2008/CT-TTg"),
]


def ensure_check_items_seeded(get_model=None) -> None:
    """The check items of a public-service check; an item the administrator changed or removed is
    not put back once any item exists."""
    get_model = get_model or app_registry.get_model
    CheckItem = get_model("inspections", "CheckItem")
    ViolationType = get_model("inspections", "ViolationType")
    if CheckItem.objects.exists():
        return
    violations = {v.code: v for v in ViolationType.objects.filter(code__in=[row[2] for row in CHECK_ITEMS])}
    CheckItem.objects.bulk_create([
        CheckItem(code=code, name=name, violation_type=violations[violation], legal_basis=basis, order=order * 10)
        for order, (code, name, violation, basis) in enumerate(CHECK_ITEMS, start=1) if violation in violations])


def ensure_seeded(get_model=None) -> None:
    """Create the catalogue entries and rules that are missing, every seeding step in turn.
    `get_model` is a migration's historical-model lookup; by default the current models (and then the
    later rule tables too)."""
    if get_model is None:
        ensure_time_limits_seeded()
    get_model = get_model or app_registry.get_model
    seed_initial(get_model)
    seed_rules_of_2026(get_model)
    ensure_check_items_seeded(get_model)


def seed_initial(get_model) -> None:
    """The catalogue and rules as first seeded (migration 0002)."""
    ViolationType = get_model("inspections", "ViolationType")
    FormRule = get_model("inspections", "DisciplineFormRule")
    RuleSet = get_model("inspections", "DisciplineRuleSet")
    for order, (code, name, group, severity, handling, basis, no_limit) in enumerate(CATALOGUE, start=1):
        ViolationType.objects.get_or_create(code=code, defaults=dict(
            name=name, group=group, default_severity=severity, suggested_handling=handling, legal_basis=basis,
            no_limitation=no_limit, order=order * 10))
    if not FormRule.objects.exists():
        for system, group, scope, start, end, basis, forms in FORMS:
            for level, (form, delay) in enumerate(forms, start=1):
                FormRule.objects.create(system=system, staff_group=group, leader_scope=scope, form=form, level=level,
                                        salary_delay_months=delay, effect_months=12, valid_from=start, valid_to=end,
                                        legal_basis=basis)
    if not RuleSet.objects.exists():
        for rule_set in RULE_SETS:
            RuleSet.objects.create(**rule_set)


# -- July 2026: viên chức under Decree 234/2026, Party discipline by its own rules -----------------
# (DOMAIN.md §0, §2). Decree 234/2026 was read from an unofficial copy: every figure is a row the
# administrator can correct.

D112_BASIS = "Nghị định 112/2020/NĐ-CP (sửa đổi bởi Nghị định 71/2023/NĐ-CP)"
D172_BASIS = "Nghị định 172/2025/NĐ-CP"
D234_BASIS = "Nghị định 234/2026/NĐ-CP"
R76_BASIS = "Nghị quyết 76/2022/QH15"
QD69_BASIS = "Quy định 69-QĐ/TW (2022), sửa đổi bởi Quy định 264-QĐ/TW (2025)"
QD102_BASIS = "Quy định 102-QĐ/TW (2017)"
D234_START, D112_PUBLIC_END = date(2026, 7, 1), date(2026, 6, 30)
RESOLUTION_76_START = date(2022, 11, 15)

# How several violations combine, and the bases, for the state rule sets first seeded: Decree 112
# (one level heavier than the heaviest) up to 30/06/2025, Decree 172 (the heaviest) from 01/07/2025.
STATE_COMBINATION = {
    "decree_112": dict(several_violations="one_level_heavier", several_violations_basis=D112_BASIS,
                       repeat_violation_basis=D112_BASIS, paused_time_basis=D112_BASIS),
    "decree_172": dict(several_violations="heaviest", several_violations_basis=D172_BASIS,
                       repeat_violation_basis=D172_BASIS, paused_time_basis=D172_BASIS),
}

RULE_SETS_2026 = [
    # Viên chức stay under Decree 112/2020 until Decree 234/2026 takes effect.
    dict(name="Nghị định 112/2020/NĐ-CP — viên chức, 01/07/2025–30/06/2026", system="state", staff_group=PUBLIC,
         valid_from=NEW_START, valid_to=D112_PUBLIC_END, limitation_light_years=5, limitation_heavy_years=10,
         limitation_basis=R76_BASIS, processing_days=90, processing_days_complex=150,
         processing_basis="Nghị định 112/2020/NĐ-CP, Điều 13", **STATE_COMBINATION["decree_112"]),
    dict(name="Nghị định 234/2026/NĐ-CP — viên chức, từ 01/07/2026", system="state", staff_group=PUBLIC,
         valid_from=D234_START, valid_to=None, limitation_light_years=5, limitation_heavy_years=10,
         limitation_basis=R76_BASIS, processing_days=90, processing_days_complex=150, processing_basis=D234_BASIS,
         paused_time_basis=f"{D234_BASIS}, Điều 5 khoản 6", several_violations="heaviest",
         several_violations_basis=D234_BASIS, repeat_violation_basis=D234_BASIS),
    # Party discipline: its own limitation, none at expulsion; the state follows the announcement.
    dict(name="Quy định 102-QĐ/TW — quyết định trước 15/11/2022", system="party", staff_group="", valid_from=None,
         valid_to=date(2022, 11, 14), limitation_light_years=2, limitation_heavy_years=5,
         expulsion_not_time_barred=False, limitation_basis=QD102_BASIS, state_follow_up_days=30,
         state_follow_up_working_days=True, state_follow_up_basis=QD102_BASIS),
    dict(name="Quy định 69-QĐ/TW — từ 15/11/2022", system="party", staff_group="", valid_from=RESOLUTION_76_START,
         valid_to=None, limitation_light_years=5, limitation_heavy_years=10, expulsion_not_time_barred=True,
         limitation_basis=QD69_BASIS, state_follow_up_days=30,
         state_follow_up_basis=f"{D172_BASIS}; {D234_BASIS}, Điều 2 khoản 6"),
]

# Forms from 01/07/2026 and the Party's forms by who is disciplined:
# system, staff group, applies to, Party discipline of, valid from, legal basis, [(form, salary delay months)]
FORMS_2026 = [
    ("state", PUBLIC, "non_leaders", "", D234_START, f"Luật Viên chức; {D234_BASIS}",
     [("reprimand", 6), ("warning", 6), ("forced_resignation", 0)]),
    ("state", PUBLIC, "leaders", "", D234_START, f"Luật Viên chức; {D234_BASIS}",
     [("reprimand", 6), ("warning", 6), ("dismissal", 12), ("forced_resignation", 0)]),
    ("party", "", "any", "probationary", None, QD69_BASIS, [("reprimand", 0), ("warning", 0)]),
    ("party", "", "any", "organisation", None, QD69_BASIS, [("reprimand", 0), ("warning", 0), ("dissolution", 0)]),
]


def seed_rules_of_2026(get_model) -> None:
    """Viên chức move to Decree 234/2026 on 01/07/2026 (their Decree 112 rows end on 30/06/2026);
    rule sets are chosen by system and staff group; Party discipline gets its own limitation, its
    forms for probationary members and organisations, and the 30 days of the state follow-up.
    Rows the administrator changed are left alone."""
    FormRule = get_model("inspections", "DisciplineFormRule")
    RuleSet = get_model("inspections", "DisciplineRuleSet")
    if RuleSet.objects.filter(system="party").exists():
        return  # already applied
    FormRule.objects.filter(system="party", party_subject="").update(party_subject="member")
    FormRule.objects.filter(system="state", staff_group=PUBLIC, valid_to__isnull=True,
                            legal_basis__contains="112/2020").update(valid_to=D112_PUBLIC_END)
    for system, group, scope, party_subject, start, basis, forms in FORMS_2026:
        for level, (form, delay) in enumerate(forms, start=1):
            FormRule.objects.get_or_create(
                system=system, staff_group=group, leader_scope=scope, party_subject=party_subject, form=form,
                valid_from=start, defaults=dict(level=level, salary_delay_months=delay, effect_months=12,
                                                legal_basis=basis))
    general = RuleSet.objects.filter(system="state", staff_group="", several_violations="")
    general.filter(valid_from__lt=NEW_START).update(**STATE_COMBINATION["decree_112"])
    general.filter(valid_from__isnull=True).update(**STATE_COMBINATION["decree_112"])
    general.filter(valid_from__gte=NEW_START).update(**STATE_COMBINATION["decree_172"])
    for rule_set in RULE_SETS_2026:
        RuleSet.objects.create(**rule_set)


def unseed_rules_of_2026(get_model) -> None:
    """Undo seed_rules_of_2026 (the migration's reverse). Fails, and so keeps everything, while a
    decision names one of the rows it created."""
    FormRule = get_model("inspections", "DisciplineFormRule")
    RuleSet = get_model("inspections", "DisciplineRuleSet")
    for system, group, scope, party_subject, start, _basis, forms in FORMS_2026:
        FormRule.objects.filter(system=system, staff_group=group, leader_scope=scope, party_subject=party_subject,
                                valid_from=start, form__in=[form for form, _delay in forms]).delete()
    FormRule.objects.filter(system="state", staff_group=PUBLIC, valid_to=D112_PUBLIC_END,
                            legal_basis__contains="112/2020").update(valid_to=None)
    RuleSet.objects.filter(name__in=[rule_set["name"] for rule_set in RULE_SETS_2026]).delete()
