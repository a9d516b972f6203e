"""DOMAIN.md §4: local rules named as the body's own regulation, postponement while a case is open,
the collective titles' conditions and official ratings, title rules with windows and cash awards —
and every verdict names the rule row it applied."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.access import regulations_visible_to
from accounts.models import LocalRegulation
from core import rulebook
from emulation import rules, scoring, services
from emulation.models import (
    LocalRule,
    LocalRuleKind,
    Rating,
    RatingLevel,
    SessionResult,
    Title,
    TitleRule,
    UnitOfficialRating,
    Verdict,
)
from inspections import services as inspections
from inspections.models import Complaint
from tasks.models import TaskStatus
from tests.clients import Client
from tests.emulation.conftest import AFTER_THE_YEAR, at, day, task_row
from tests.emulation.test_council import members, open_session, rated_people, to_voting

pytestmark = pytest.mark.django_db


def compute(period):
    return scoring.compute_period(period, now=AFTER_THE_YEAR)


def conditions(period, *, person=None, unit=None, title=Title.LDTT) -> dict[str, dict]:
    verdict = Verdict.objects.get(period=period, title=title, **({"person": person} if person else
                                                                 {"unit": unit, "person__isnull": True}))
    return {c["code"]: c for c in verdict.conditions}


# -- the withholding practice is a local rule ------------------------------------------------------------


def test_an_overdue_task_withholds_nothing_unless_the_organisation_turns_it_on(world, period, provincial_regulation):
    person = world.staff_division
    task_row(person, deadline=at(3, 1))
    task_row(person, deadline=at(12, 29), status=TaskStatus.IN_PROGRESS)
    compute(period)
    assert "assigned_work" not in conditions(period, person=person)
    assert not any("06/2022" in c["basis"] and "đùn đẩy" in c["basis"]
                   for v in Verdict.objects.filter(period=period) for c in v.conditions)

    rule = LocalRule.objects.create(organisation=world.province.organisation,
                                    kind=LocalRuleKind.WITHHOLD_OVERDUE_TASK, regulation=provincial_regulation)
    compute(period)
    condition = conditions(period, person=person)["assigned_work"]
    assert not condition["passed"]
    assert condition["basis"] == provincial_regulation.citation
    assert "15/2024/QĐ-UBND" in condition["basis"] and "06/2022" not in condition["basis"]
    assert condition["rule"] == {"model": "emulation.localrule", "id": rule.pk, "name": str(rule),
                                 "basis": provincial_regulation.citation, "regulation": provincial_regulation.pk,
                                 "url": rulebook.rule_url(rule)}


def test_a_local_rule_counts_only_in_its_window_and_for_its_organisation(world, period, provincial_regulation):
    person = world.staff_division
    task_row(person, deadline=at(12, 29), status=TaskStatus.IN_PROGRESS)
    LocalRule.objects.create(organisation=world.province.organisation, kind=LocalRuleKind.WITHHOLD_OVERDUE_TASK,
                             regulation=provincial_regulation, valid_to=date(2025, 12, 31))
    other = LocalRegulation.objects.create(organisation=world.other_root.organisation, number="1/2025/QĐ-UBND",
                                           issued_on=date(2025, 1, 2), issuer="UBND tỉnh Khác", title="Quy định")
    LocalRule.objects.create(organisation=world.other_root.organisation, kind=LocalRuleKind.WITHHOLD_OVERDUE_TASK,
                             regulation=other)
    compute(period)
    assert "assigned_work" not in conditions(period, person=person)


def test_a_local_rule_cites_a_regulation_of_its_own_organisation(world, provincial_regulation):
    rule = LocalRule(organisation=world.other_root.organisation, kind=LocalRuleKind.WITHHOLD_SHIFTING,
                     regulation=provincial_regulation)
    with pytest.raises(ValidationError) as error:
        rule.full_clean()
    assert "regulation" in error.value.message_dict
    threshold = LocalRule(organisation=world.province.organisation, kind=LocalRuleKind.VOTE_THRESHOLD,
                          regulation=provincial_regulation)
    with pytest.raises(ValidationError):
        threshold.full_clean()


# -- postponement ------------------------------------------------------------------------------------------


def test_commendation_is_postponed_while_a_disciplinary_case_is_open_naming_it(world, period):
    person = world.staff_division
    task_row(person, deadline=at(3, 1))
    case = inspections.decision_open(actor=world.head_dept, subject=person, summary="Vắng mặt không lý do",
                                     discovered_on=day(11, 2), violation_date=day(10, 28))
    compute(period)
    for title in (Title.LDTT, Title.GIAY_KHEN, Title.CSTDCS):
        postponed = conditions(period, person=person, title=title)["postponed"]
        assert not postponed["passed"]
        assert case.code in postponed["reason"]
        assert postponed["evidence"][0]["url"] == f"/inspections/discipline/{case.pk}/"
    assert Rating.objects.get(period=period, person=person).withheld
    assert conditions(period, person=world.colleague_division)["postponed"]["passed"]

    inspections.decision_withdraw(actor=world.head_dept, decision=case, reason="Không đủ căn cứ")
    compute(period)
    assert conditions(period, person=person)["postponed"]["passed"]


def test_commendation_is_postponed_while_a_complaint_or_an_inspection_is_open(world, period, make_inspection,
                                                                               record):
    person = world.staff_division
    complaint = Complaint.objects.create(organisation=world.province.organisation, subject_person=person,
                                         subject_unit=person.unit, reference="07/ĐKN", received_on=day(9, 1),
                                         summary="Gây phiền hà cho người dân")
    compute(period)
    postponed = conditions(period, person=person)["postponed"]
    assert not postponed["passed"] and "07/ĐKN" in postponed["reason"]

    Complaint.objects.filter(pk=complaint.pk).update(resolved_on=day(10, 1))
    inspection = make_inspection(targets=[world.division])
    record(inspection, person=world.colleague_division)
    compute(period)
    assert conditions(period, person=person)["postponed"]["passed"]
    by_finding = conditions(period, person=world.colleague_division)["postponed"]
    assert not by_finding["passed"] and inspection.code in by_finding["reason"]
    unit = conditions(period, unit=world.division, title=Title.TAP_THE_LDTT)["postponed"]
    assert not unit["passed"] and unit["evidence"][0]["url"] == f"/inspections/{inspection.pk}/"
    assert conditions(period, unit=world.sub_division, title=Title.TAP_THE_LDTT)["postponed"]["passed"]


# -- collective titles ------------------------------------------------------------------------------------


def test_an_excellent_collective_has_no_member_disciplined_at_warning_or_heavier(world, period):
    inspections.decision_record(
        actor=world.head_dept, subject=world.colleague_division, summary="Vi phạm quy chế", discovered_on=day(2, 2),
        violation_date=day(2, 1), form="warning", number="09/QĐ-SNV", decision_date=day(3, 1), signer="Giám đốc")
    compute(period)
    no_warning = conditions(period, unit=world.division, title=Title.TAP_THE_LDXS)["no_warning"]
    assert not no_warning["passed"] and "09/QĐ-SNV" in no_warning["evidence"][0]["label"]
    assert conditions(period, unit=world.sub_division, title=Title.TAP_THE_LDXS)["no_warning"]["passed"]


def test_collective_titles_use_the_units_official_rating_where_one_is_recorded(world, period):
    compute(period)
    fallback = conditions(period, unit=world.division, title=Title.TAP_THE_LDXS)["unit_level"]
    assert "No official rating" in fallback["reason"] or "Chưa có kết quả xếp loại" in fallback["reason"]
    UnitOfficialRating.objects.create(period=period, unit=world.division, level=RatingLevel.HTXS,
                                      decision="Quyết định 120/QĐ-SNV ngày 15/12/2026 của Giám đốc Sở",
                                      entered_by=world.admin_a)
    UnitOfficialRating.objects.create(period=period, unit=world.sub_division, level=RatingLevel.HT,
                                      decision="Quyết định 98/QĐ-UBND", entered_by=world.admin_a)
    compute(period)
    official = conditions(period, unit=world.division, title=Title.TAP_THE_LDXS)["unit_level"]
    assert official["passed"] and "120/QĐ-SNV" in official["reason"]
    assert not conditions(period, unit=world.sub_division, title=Title.TAP_THE_LDTT)["unit_level"]["passed"]


# -- title rules: windows, bases, cash awards; every verdict names its rule --------------------------------


def test_title_rules_carry_windows_and_the_cash_awards_of_decree_98_2023():
    in_force = rules.title_rules_in_force(date(2026, 12, 31))
    cash = {title: in_force[title].cash_multiple for title in in_force}
    assert cash == {"ldtt": Decimal("0.3"), "cstdcs": Decimal("1.0"), "cstd_tinh": Decimal("3.0"),
                    "cstd_tq": Decimal("4.5"), "tt_ldtt": Decimal("0.8"), "tt_ldxs": Decimal("1.5"),
                    "co_cp": Decimal("12.0"), "co_tinh": Decimal("8.0"), "giay_khen": None, "bang_khen": None}
    assert all("98/2023" in r.cash_basis and "54" in r.cash_basis for r in in_force.values() if r.cash_multiple)
    assert not any("152/2025" in f"{r.legal_basis} {r.cash_basis}" for r in TitleRule.objects.all())
    assert all(r.valid_from == date(2024, 1, 1) for r in in_force.values())
    assert rules.title_rules_in_force(date(2023, 12, 31)) == {}  # Law 06/2022 from 2024 only
    # Base-level thresholds are the body's regulation, not the Law; the 90% ballot has its own basis.
    assert "quy chế của cơ quan" in in_force["ldtt"].vote_basis and "06/2022" not in in_force["ldtt"].vote_basis
    assert "90%" in in_force["cstd_tinh"].vote_basis


def test_every_verdict_names_the_title_rule_in_force_on_the_periods_last_day(world, period):
    old = TitleRule.objects.get(title=Title.LDTT)
    TitleRule.objects.filter(pk=old.pk).update(valid_to=date(2026, 6, 30))
    new = TitleRule.objects.create(title=Title.LDTT, valid_from=date(2026, 7, 1), vote_threshold_percent=50,
                                   legal_basis="Luật Thi đua, khen thưởng 06/2022/QH15 (sửa đổi 2026)")
    compute(period)
    verdicts = Verdict.objects.filter(period=period)
    assert verdicts.exists() and not verdicts.filter(title_rule__isnull=True).exists()
    ldtt = Verdict.objects.get(period=period, person=world.staff_division, title=Title.LDTT)
    assert ldtt.title_rule == new
    service = next(c for c in ldtt.conditions if c["code"] == "service")
    assert service["basis"] == new.legal_basis and service["rule"]["id"] == new.pk


def test_a_base_level_vote_threshold_comes_from_the_bodys_regulation(world, period, secretary,
                                                                      provincial_regulation):
    rule = LocalRule.objects.create(organisation=world.province.organisation, kind=LocalRuleKind.VOTE_THRESHOLD,
                                    title=Title.LDTT, percent=70, regulation=provincial_regulation)
    person = rated_people(world, period, 1)[0]
    period = to_voting(period, secretary)
    nomination = services.nomination_create(actor=world.head_dept, period=period, title=Title.LDTT, person=person)
    council = members(10, world.dept)
    session = open_session(secretary, period, council)
    for index, member in enumerate(council[:7]):  # 6 of 10 agree: above the title rule's default, below 70%
        services.ballot_cast(actor=member, session=session, choices={nomination.pk: "yes" if index < 6 else "no"})
    services.session_close(actor=secretary, session=session, decision_number="12/QĐ-HĐTĐKT",
                           decision_date=day(12, 22))
    result = SessionResult.objects.get(session=session)
    assert (result.threshold_percent, result.passed) == (rule.percent, False)
    assert result.basis == provincial_regulation.citation


# -- local regulations ---------------------------------------------------------------------------------------


def test_a_regulation_is_read_within_its_organisation_only(world, provincial_regulation, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    provincial_regulation.file = SimpleUploadedFile("quy-dinh.pdf", b"%PDF-1.4 quy dinh", "application/pdf")
    provincial_regulation.save()
    assert provincial_regulation in regulations_visible_to(world.staff_division)
    assert provincial_regulation not in regulations_visible_to(world.outsider)
    url = f"/regulations/{provincial_regulation.pk}/file/"
    inside, outside = Client(), Client()
    inside.force_login(world.staff_division)
    outside.force_login(world.outsider)
    response = inside.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"%PDF-1.4 quy dinh"
    assert outside.get(url).status_code == 404
    assert "15/2024/QĐ-UBND" in provincial_regulation.citation and "20/03/2024" in provincial_regulation.citation
