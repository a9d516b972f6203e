"""DOMAIN.md §3, §4 and §7: the rating and title rules chosen by year, quotas and votes."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from emulation import rules
from emulation.models import RatingLevel, RatingMode, Title


@pytest.mark.django_db
def test_the_rating_rules_follow_the_year():
    assert rules.rating_rule_set("cong_chuc", 2025).mode == RatingMode.CRITERIA
    current = rules.rating_rule_set("cong_chuc", 2026)
    assert current.mode == RatingMode.POINTS and "335/2025" in current.legal_basis
    assert rules.rating_rule_set("vien_chuc", 2025).mode == RatingMode.CRITERIA
    with pytest.raises(ValidationError):
        rules.rating_rule_set("nguoi_lao_dong", 2026)


@pytest.mark.django_db
@pytest.mark.parametrize("staff_group", ["vien_chuc", "can_bo"])
def test_a_public_employee_or_cadre_rated_for_2026_is_rated_under_decree_233_not_decree_90(staff_group):
    """DOMAIN.md §7: Decree 233/2026 ends Decree 90/2020 on 1 Jul 2026, with its figures as rule
    data an administrator can correct (the notes say what is still to be verified)."""
    rule_set = rules.rating_rule_set(staff_group, 2026)
    assert rule_set.mode == RatingMode.POINTS and "233/2026" in rule_set.legal_basis
    assert "90/2020" not in rule_set.legal_basis and rule_set.valid_from == date(2026, 7, 1)
    assert (rule_set.htxs_min_points, rule_set.htt_min_points, rule_set.ht_min_points) == (90, 70, 50)
    assert (rule_set.htxs_quota_percent, rule_set.htxs_quota_percent_excellent_unit) == (20, 25)
    assert rule_set.min_service_months == 6 and rule_set.general_max_points + rule_set.task_max_points == 100
    assert "Cần kiểm tra" in rule_set.notes
    # The first half of 2026 is still Decree 90's, and it ends the day before.
    before = rules.rating_rule_set(staff_group, date(2026, 6, 30))
    assert before.mode == RatingMode.CRITERIA and "90/2020" in before.legal_basis
    assert before.valid_to == date(2026, 6, 30)


@pytest.mark.django_db
def test_bands_at_their_boundaries():
    rule_set = rules.rating_rule_set("cong_chuc", 2026)
    assert [rules.band(s, rule_set) for s in (90, 89.99, 70, 69.5, 50, 49.9)] == [
        RatingLevel.HTXS, RatingLevel.HTT, RatingLevel.HTT, RatingLevel.HT, RatingLevel.HT, RatingLevel.KHT]


@pytest.mark.django_db
def test_seven_htt_allow_at_most_one_htxs_and_the_refusal_names_who():
    rule_set = rules.rating_rule_set("cong_chuc", 2026)
    levels = {f"Cán bộ {n}": RatingLevel.HTT for n in range(7)}
    levels["Nguyễn Văn A"] = RatingLevel.HTXS
    rules.check_htxs_quota(levels.items(), rule_set)  # 1 of 7 × 20% = 1.4 → 1: allowed
    levels["Trần Thị B"] = RatingLevel.HTXS
    with pytest.raises(ValidationError) as refused:
        rules.check_htxs_quota(levels.items(), rule_set)
    message = " ".join(refused.value.messages)
    assert "Nguyễn Văn A" in message and "Trần Thị B" in message and "335/2025" in message


@pytest.mark.django_db
def test_twenty_ldtt_allow_at_most_three_cstdcs():
    rule = rules.title_rule(Title.CSTDCS, date(2026, 12, 31))
    assert rules.title_quota_max(rule, {Title.LDTT: 20}) == 3
    assert rules.title_quota_max(rule, {Title.LDTT: 6}) == 0
    assert rules.title_quota_max(rules.title_rule(Title.LDTT, date(2026, 12, 31)), {}) is None


@pytest.mark.django_db
def test_a_vote_is_counted_over_all_members_not_those_present():
    provincial = rules.title_rule("cstd_tinh", date(2026, 12, 31))
    # 11 members, 2 absent who did not vote in writing: 9 yes of 9 present is 81.8% of all — not 90%.
    result = rules.vote_result(yes=9, members=11, rule=provincial)
    assert not result.passed and result.percent == 81.8
    assert rules.vote_result(yes=10, members=11, rule=provincial).passed  # 90.9%
    base = rules.title_rule(Title.CSTDCS, date(2026, 12, 31))
    assert rules.vote_result(yes=7, members=10, rule=base).passed and not rules.vote_result(
        yes=6, members=10, rule=base).passed


@pytest.mark.django_db
def test_an_agency_rated_htxs_may_have_25_percent_htxs():
    rule_set = rules.rating_rule_set("cong_chuc", 2026)
    levels = {f"Công chức {n}": RatingLevel.HTT for n in range(8)}
    levels.update({"Nguyễn Văn A": RatingLevel.HTXS, "Trần Thị B": RatingLevel.HTXS})
    with pytest.raises(ValidationError):  # 8 × 20% = 1.6 → 1
        rules.check_htxs_quota(levels.items(), rule_set)
    rules.check_htxs_quota(levels.items(), rule_set, excellent_unit=True)  # 8 × 25% = 2


def test_the_quota_is_the_agencys_not_its_divisions():
    """A division (or an unclassified team under it) shares the quota of the department or commune
    above it; the department is its own agency."""
    kinds = {"0001": "peoples_committee", "00010001": "department", "000100010001": "division",
             "0001000100010001": "other", "00010002": "commune", "000100020001": "division"}
    assert rules.quota_agency("000100010001", kinds) == "00010001"
    assert rules.quota_agency("0001000100010001", kinds) == "00010001"
    assert rules.quota_agency("00010001", kinds) == "00010001"
    assert rules.quota_agency("000100020001", kinds) == "00010002"
    # Only divisions known (a scope without its agency): the topmost of them.
    assert rules.quota_agency("000100010001", {"000100010001": "division"}) == "000100010001"
