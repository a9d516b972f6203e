"""The rating rule sets and title rules as first seeded (DOMAIN.md §3, §4).

Used by the data migration and by the test suite after a transactional test has flushed the
tables (tests/conftest.py). Seeding never changes a row that exists — the administrator's edits win.
"""

from datetime import date

from django.apps import apps as app_registry

CADRE, CIVIL, PUBLIC = "can_bo", "cong_chuc", "vien_chuc"
D90 = "Nghị định 90/2020/NĐ-CP, sửa đổi bởi Nghị định 48/2023/NĐ-CP"
D335 = "Nghị định 335/2025/NĐ-CP"
LAW = "Luật Thi đua, khen thưởng số 06/2022/QH15; Nghị định 98/2023/NĐ-CP"

D233 = "Nghị định 233/2026/NĐ-CP (cần đối chiếu bản chính thức)"
# As seeded by the migrations 0002 and 0009 (the notes say what the administrator is to verify).
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
DECREE_90_ENDS = date(2026, 6, 30)  # Decree 233/2026 ends Decree 90/2020 for cán bộ and viên chức
DECREE_233_STARTS = date(2026, 7, 1)

RATING_RULE_SETS = [
    dict(name="Công chức — Nghị định 90/2020 (đến hết năm 2025)", staff_group=CIVIL, mode="criteria",
         valid_from=None, valid_to=date(2025, 12, 31), legal_basis=D90),
    dict(name="Công chức — Nghị định 335/2025 (từ năm 2026)", staff_group=CIVIL, mode="points",
         valid_from=date(2026, 1, 1), valid_to=None, legal_basis=D335, htxs_quota_percent_excellent_unit=25,
         notes=D335_NOTES),
    dict(name="Cán bộ — Nghị định 90/2020", staff_group=CADRE, mode="criteria", valid_from=None,
         valid_to=DECREE_90_ENDS, legal_basis=D90),
    dict(name="Viên chức — Nghị định 90/2020", staff_group=PUBLIC, mode="criteria", valid_from=None,
         valid_to=DECREE_90_ENDS, legal_basis=D90),
    dict(name="Viên chức — Nghị định 233/2026 (từ 01/7/2026)", staff_group=PUBLIC, mode="points",
         valid_from=DECREE_233_STARTS, valid_to=None, legal_basis=D233, htxs_quota_percent_excellent_unit=25,
         notes=D233_NOTES),
    dict(name="Cán bộ — Nghị định 233/2026 (từ 01/7/2026)", staff_group=CADRE, mode="points",
         valid_from=DECREE_233_STARTS, valid_to=None, legal_basis=D233, htxs_quota_percent_excellent_unit=25,
         notes=D233_NOTES),
]

# title, quota % of (title), votes needed (% of all council members), collective, legal basis
TITLE_RULES = [
    ("ldtt", None, "", 50, False, f"{LAW}; Thông tư 01/2024/TT-BNV"),
    ("cstdcs", 15, "ldtt", 70, False, f"{LAW} (tỷ lệ không quá 15% số LĐTT)"),
    ("cstd_tinh", None, "", 90, False, f"{LAW} (bỏ phiếu kín, từ 90% tổng số thành viên Hội đồng)"),
    ("tt_ldtt", None, "", 50, True, LAW),
    ("tt_ldxs", None, "", 70, True, LAW),
    ("giay_khen", None, "", 50, False, LAW),
    ("bang_khen", None, "", 70, False, f"{LAW}; Nghị định 152/2025/NĐ-CP"),
]


# From 2024 (Law 06/2022 in force): each title rule has its window, its vote threshold's own basis
# and its cash award (Decree 98/2023 art. 54), as migration 0009 sets them (copied there, since a
# migration does not import app code). Base-level vote thresholds come from each body's regulation:
# the figure here is a default until the body records its own as a local rule.
LAW_06_FROM = date(2024, 1, 1)
CASH = "Nghị định 98/2023/NĐ-CP, Điều 54 (mức tiền thưởng theo lần mức lương cơ sở)"
BODY_VOTE = ("Mức mặc định, không phải quy định của Luật: tỷ lệ phiếu do quy chế của cơ quan, đơn vị quy định "
             "(ghi quy chế đó thành quy định riêng của cơ quan)")
SECRET_BALLOT = ("Nghị định 91/2017/NĐ-CP, Điều 45 khoản 8: bỏ phiếu kín, từ 90% tổng số thành viên Hội đồng "
                 "(cần đối chiếu Nghị định 98/2023/NĐ-CP)")
# title: legal basis of its conditions, basis of its vote threshold, cash award (× base salary)
TITLE_RULES_2024 = {
    "ldtt": (f"{LAW}; Thông tư 01/2024/TT-BNV", BODY_VOTE, "0.3"),
    "cstdcs": (f"{LAW} (tỷ lệ không quá 15% số LĐTT, cần đối chiếu Nghị định 98/2023/NĐ-CP)", BODY_VOTE, "1.0"),
    "cstd_tinh": (LAW, SECRET_BALLOT, "3.0"),
    "tt_ldtt": (LAW, BODY_VOTE, "0.8"),
    "tt_ldxs": (LAW, BODY_VOTE, "1.5"),
    "giay_khen": (LAW, BODY_VOTE, None),
    "bang_khen": (LAW, BODY_VOTE, None),
}
# Titles first seeded in 2024 form: title, votes needed (% of all members), collective, legal basis,
# basis of the vote, cash award.
NEW_TITLE_RULES = [
    ("cstd_tq", 90, False, LAW, SECRET_BALLOT, "4.5"),
    ("co_cp", 50, True, LAW, BODY_VOTE, "12.0"),
    ("co_tinh", 50, True, LAW, BODY_VOTE, "8.0"),
]


# The shares of its members a collective title needs (Law 06/2022), as migration 0015 sets them:
# Tập thể LĐTT more than 50% of members LĐTT; Tập thể LĐXS at least 70% LĐTT and one CSTĐCS.
COLLECTIVE_SHARES = {
    "tt_ldtt": dict(members_ldtt_percent=50, members_ldtt_more_than=True),
    "tt_ldxs": dict(members_ldtt_percent=70, members_ldtt_more_than=False, members_cstdcs_at_least=1),
}


def _seed_title_rules(TitleRule) -> None:
    _seed_title_rule_rows(TitleRule)
    if any(f.name == "members_ldtt_percent" for f in TitleRule._meta.get_fields()):
        for title, shares in COLLECTIVE_SHARES.items():
            TitleRule.objects.filter(title=title).update(**shares)


def _seed_title_rule_rows(TitleRule) -> None:
    with_cash = any(f.name == "cash_multiple" for f in TitleRule._meta.get_fields())
    for title, quota, quota_of, votes, collective, basis in TITLE_RULES:
        if not with_cash:  # the first migration's state
            TitleRule.objects.create(title=title, quota_percent=quota, quota_of=quota_of,
                                     vote_threshold_percent=votes, collective=collective, legal_basis=basis)
            continue
        legal_basis, vote_basis, cash = TITLE_RULES_2024[title]
        TitleRule.objects.create(title=title, quota_percent=quota, quota_of=quota_of, vote_threshold_percent=votes,
                                 collective=collective, legal_basis=legal_basis, vote_basis=vote_basis,
                                 cash_multiple=cash, cash_basis=CASH if cash else "", valid_from=LAW_06_FROM)
    if with_cash:
        for title, votes, collective, basis, vote_basis, cash in NEW_TITLE_RULES:
            TitleRule.objects.create(title=title, vote_threshold_percent=votes, collective=collective,
                                     legal_basis=basis, vote_basis=vote_basis, cash_multiple=cash, cash_basis=CASH,
                                     valid_from=LAW_06_FROM)


# The fewest ballots a council session is counted on (emulation.CouncilRule): each body sets it in the
# regulation of its council — this default is no national article, and the administrator replaces
# it with the body's figure. Two thirds of ALL members, and never fewer than three ballots: with one,
# the count is that member's choice; with two, each voter reads the other's off the count.
COUNCIL_RULE = dict(quorum_numerator=2, quorum_denominator=3, min_ballots=3, legal_basis=(
    "Quy chế hoạt động của Hội đồng Thi đua – Khen thưởng do cơ quan ban hành (mặc định: ít nhất 2/3 tổng số "
    "thành viên và không dưới 3 phiếu, để giữ bí mật lá phiếu)"))


def ensure_seeded(get_model=None) -> None:
    get_model = get_model or app_registry.get_model
    RatingRuleSet = get_model("emulation", "RatingRuleSet")
    TitleRule = get_model("emulation", "TitleRule")
    if not RatingRuleSet.objects.exists():
        # The first seeding migration runs on the first model: it gets the fields it has, and the
        # later migrations fill in the rest.
        fields = {f.name for f in RatingRuleSet._meta.get_fields()}
        for rule_set in RATING_RULE_SETS:
            RatingRuleSet.objects.create(**{name: value for name, value in rule_set.items() if name in fields})
    if not TitleRule.objects.exists():
        _seed_title_rules(TitleRule)
    try:
        CouncilRule = get_model("emulation", "CouncilRule")
    except LookupError:  # the migration seeding the first rules runs before council rules exist
        return
    if not CouncilRule.objects.exists():
        CouncilRule.objects.create(**COUNCIL_RULE)


# The criteria every new period starts with (the council edits them before scoring):
# code, name, kind, metric, maximum points, points deducted per item.
DEFAULT_UNIT_CRITERIA = [
    ("1", "Tỷ lệ nhiệm vụ hoàn thành đúng hạn", "auto", "on_time_rate", 40, 0),
    ("2", "Nhiệm vụ quá hạn chưa hoàn thành", "auto", "overdue_tasks", 10, 1),
    ("3", "Vi phạm kỷ luật, kỷ cương hành chính bị phát hiện", "auto", "violations", 10, 2),
    ("4", "Kiến nghị sau kiểm tra quá hạn chưa khắc phục", "auto", "overdue_recommendations", 10, 5),
    ("5", "Cán bộ, công chức bị kỷ luật", "auto", "discipline", 10, 5),
    ("6", "Cải cách hành chính, chuyển đổi số (có minh chứng)", "manual", "", 10, 0),
    ("7", "Phong trào thi đua, sáng kiến, mô hình mới (có minh chứng)", "manual", "", 10, 0),
]
