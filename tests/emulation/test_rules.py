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
    assert rules.rating_rule_set("vien_chuc", 2026).mode == RatingMode.CRITERIA
    with pytest.raises(ValidationError):
        rules.rating_rule_set("nguoi_lao_dong", 2026)


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
    rules.check_htxs_quota(levels, rule_set)  # 1 of 7 × 20% = 1.4 → 1: allowed
    levels["Trần Thị B"] = RatingLevel.HTXS
    with pytest.raises(ValidationError) as refused:
        rules.check_htxs_quota(levels, rule_set)
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
