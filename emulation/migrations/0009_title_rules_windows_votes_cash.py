"""Title rules from 2024 (Law 06/2022 in force): each row gets its effective window, the basis of its
vote threshold apart from the title's (base-level thresholds are each body's regulation, not the
Law), and its cash award from Decree 98/2023 art. 54 (not Decree 152/2025); the national emulation
fighter and the emulation flags are added. Data: a row the administrator has already edited (its
basis no longer the first seed's) is left alone, and so is a title that already has a row.
Reversible: the rows go back to their first seed, and the added titles are removed if never used."""

from datetime import date

from django.db import migrations

# As in emulation/catalogue.py (which re-seeds the tests' flushed tables the same way).
LAW = "Luật Thi đua, khen thưởng số 06/2022/QH15; Nghị định 98/2023/NĐ-CP"
LAW_06_FROM = date(2024, 1, 1)
CASH = "Nghị định 98/2023/NĐ-CP, Điều 54 (mức tiền thưởng theo lần mức lương cơ sở)"
BODY_VOTE = ("Mức mặc định, không phải quy định của Luật: tỷ lệ phiếu do quy chế của cơ quan, đơn vị quy định "
             "(ghi quy chế đó thành quy định riêng của cơ quan)")
SECRET_BALLOT = ("Nghị định 91/2017/NĐ-CP, Điều 45 khoản 8: bỏ phiếu kín, từ 90% tổng số thành viên Hội đồng "
                 "(cần đối chiếu Nghị định 98/2023/NĐ-CP)")
FIRST_SEED = {
    "ldtt": f"{LAW}; Thông tư 01/2024/TT-BNV",
    "cstdcs": f"{LAW} (tỷ lệ không quá 15% số LĐTT)",
    "cstd_tinh": f"{LAW} (bỏ phiếu kín, từ 90% tổng số thành viên Hội đồng)",
    "tt_ldtt": LAW,
    "tt_ldxs": LAW,
    "giay_khen": LAW,
    "bang_khen": f"{LAW}; Nghị định 152/2025/NĐ-CP",
}
TITLE_RULES_2024 = {
    "ldtt": (f"{LAW}; Thông tư 01/2024/TT-BNV", BODY_VOTE, "0.3"),
    "cstdcs": (f"{LAW} (tỷ lệ không quá 15% số LĐTT, cần đối chiếu Nghị định 98/2023/NĐ-CP)", BODY_VOTE, "1.0"),
    "cstd_tinh": (LAW, SECRET_BALLOT, "3.0"),
    "tt_ldtt": (LAW, BODY_VOTE, "0.8"),
    "tt_ldxs": (LAW, BODY_VOTE, "1.5"),
    "giay_khen": (LAW, BODY_VOTE, None),
    "bang_khen": (LAW, BODY_VOTE, None),
}
NEW_TITLE_RULES = [
    ("cstd_tq", 90, False, LAW, SECRET_BALLOT, "4.5"),
    ("co_cp", 50, True, LAW, BODY_VOTE, "12.0"),
    ("co_tinh", 50, True, LAW, BODY_VOTE, "8.0"),
]


def forward(apps, schema_editor):
    TitleRule = apps.get_model("emulation", "TitleRule")
    for title, (legal_basis, vote_basis, cash) in TITLE_RULES_2024.items():
        TitleRule.objects.filter(title=title, legal_basis=FIRST_SEED[title], valid_from__isnull=True,
                                 valid_to__isnull=True).update(
            legal_basis=legal_basis, vote_basis=vote_basis, cash_multiple=cash, cash_basis=CASH if cash else "",
            valid_from=LAW_06_FROM)
    for title, votes, collective, basis, vote_basis, cash in NEW_TITLE_RULES:
        if not TitleRule.objects.filter(title=title).exists():
            TitleRule.objects.create(title=title, vote_threshold_percent=votes, collective=collective,
                                     legal_basis=basis, vote_basis=vote_basis, cash_multiple=cash, cash_basis=CASH,
                                     valid_from=LAW_06_FROM)


def backward(apps, schema_editor):
    TitleRule = apps.get_model("emulation", "TitleRule")
    Nomination = apps.get_model("emulation", "Nomination")
    for title, (legal_basis, vote_basis, _cash) in TITLE_RULES_2024.items():
        TitleRule.objects.filter(title=title, legal_basis=legal_basis, vote_basis=vote_basis,
                                 valid_from=LAW_06_FROM).update(
            legal_basis=FIRST_SEED[title], vote_basis="", cash_multiple=None, cash_basis="", valid_from=None)
    for title, *_rest in NEW_TITLE_RULES:
        if not Nomination.objects.filter(title=title).exists():
            TitleRule.objects.filter(title=title).delete()


class Migration(migrations.Migration):
    dependencies = [("emulation", "0008_local_rules_official_unit_ratings_title_cash")]
    operations = [migrations.RunPython(forward, backward)]
