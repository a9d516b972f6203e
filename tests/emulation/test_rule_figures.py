"""The figures a verdict or a level applies are columns of the rule rows, seeded with the values
applied until now — the shares of its members a collective title needs (Law 06/2022), Decree
90/2020's shares of tasks — and the administrator's edit of a row changes the outcome."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from emulation import scoring
from emulation.models import RatingLevel, RatingMode, RatingRuleSet, Title, TitleRule
from tests.emulation.conftest import AFTER_THE_YEAR
from tests.emulation.test_council import rated_people
from tests.emulation.test_eligibility_rules import conditions

pytestmark = pytest.mark.django_db


def test_the_rules_hold_the_figures_applied_until_now():
    assert set(TitleRule.objects.filter(title=Title.TAP_THE_LDTT).values_list(
        "members_ldtt_percent", "members_ldtt_more_than", "members_cstdcs_at_least")) == {(50, True, None)}
    assert set(TitleRule.objects.filter(title=Title.TAP_THE_LDXS).values_list(
        "members_ldtt_percent", "members_ldtt_more_than", "members_cstdcs_at_least")) == {(70, False, 1)}
    assert set(RatingRuleSet.objects.filter(mode=RatingMode.CRITERIA).values_list(
        "criteria_htxs_exceeding_percent", "criteria_ht_short_percent")) == {(50, 20)}


def test_a_collective_title_reads_its_shares_of_members_from_its_rule(world, period):
    rated_people(world, period, 2)
    before = conditions(period, unit=world.division, title=Title.TAP_THE_LDTT)["members_ldtt"]
    assert "trên 50%" in before["reason"]

    TitleRule.objects.filter(title=Title.TAP_THE_LDTT).update(members_ldtt_percent=1, members_ldtt_more_than=False)
    TitleRule.objects.filter(title=Title.TAP_THE_LDXS).update(members_cstdcs_at_least=0)
    scoring.compute_period(period, now=AFTER_THE_YEAR)
    lowered = conditions(period, unit=world.division, title=Title.TAP_THE_LDTT)["members_ldtt"]
    assert lowered["passed"] and "từ 1%" in lowered["reason"]
    assert conditions(period, unit=world.division, title=Title.TAP_THE_LDXS)["members_cstdcs"]["passed"]

    TitleRule.objects.filter(title=Title.TAP_THE_LDTT).update(members_ldtt_percent=None)
    scoring.compute_period(period, now=AFTER_THE_YEAR)
    assert "members_ldtt" not in conditions(period, unit=world.division, title=Title.TAP_THE_LDTT)


def test_decree_90_levels_read_their_shares_of_tasks_from_the_rule_set():
    rule_set = RatingRuleSet(criteria_htxs_exceeding_percent=50, criteria_ht_short_percent=20)
    half_exceeding = {"assigned": 4, "completed": 4, "to_standard": 4, "on_time": 4, "excellent": 2}
    one_in_five_short = {"assigned": 5, "completed": 5, "to_standard": 4, "on_time": 5, "excellent": 0}
    assert scoring._criteria_level(half_exceeding, [], set(), rule_set)[0] == RatingLevel.HTXS
    assert scoring._criteria_level(one_in_five_short, [], set(), rule_set)[0] == RatingLevel.HT
    stricter = RatingRuleSet(criteria_htxs_exceeding_percent=60, criteria_ht_short_percent=10)
    assert scoring._criteria_level(half_exceeding, [], set(), stricter)[0] == RatingLevel.HTT
    assert scoring._criteria_level(one_in_five_short, [], set(), stricter)[0] == RatingLevel.KHT


def test_ldtt_reads_the_months_of_work_it_needs_from_its_rule(world, period):
    assert set(TitleRule.objects.filter(title=Title.LDTT).values_list("min_service_months", flat=True)) == {6}
    person = rated_people(world, period, 1)[0]
    person.service_start_date = date(2026, 4, 1)  # nine months by the end of the year
    person.save(update_fields=["service_start_date"])
    scoring.compute_period(period, now=AFTER_THE_YEAR)
    service = conditions(period, person=person)["service"]
    assert service["passed"] and "đủ 6 tháng" in service["reason"]

    TitleRule.objects.filter(title=Title.LDTT).update(min_service_months=12)
    scoring.compute_period(period, now=AFTER_THE_YEAR)
    service = conditions(period, person=person)["service"]
    assert not service["passed"] and "chưa đủ 12 tháng" in service["reason"]


@pytest.mark.parametrize("title, emptied", [(Title.TAP_THE_LDTT, "members_ldtt_percent"),
                                             (Title.TAP_THE_LDXS, "members_ldtt_percent"),
                                             (Title.TAP_THE_LDXS, "members_cstdcs_at_least")])
def test_a_collective_title_rule_without_its_share_of_members_is_refused(title, emptied):
    rule = TitleRule.objects.filter(title=title).order_by("-valid_from").first()
    setattr(rule, emptied, None)
    with pytest.raises(ValidationError) as refused:
        rule.full_clean()
    assert set(refused.value.message_dict) == {emptied}
    assert "cần tỷ lệ" in refused.value.message_dict[emptied][0]


def test_a_rule_row_with_its_shares_is_accepted():
    for rule in TitleRule.objects.all():
        rule.full_clean()

