"""The page of rules in force: every registered rule set and row with its legal basis, effective
window and last change; administrators, inspectors and council members only; one anchor per row,
which refusals by a rule link to."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import LocalRegulation
from core import rulebook
from emulation.models import CouncilRule, LocalRule, RatingRuleSet, TitleRule
from inspections import services
from inspections.models import (
    ConclusionStep,
    ConclusionTimeLimit,
    DisciplineForm,
    DisciplineFormRule,
    DisciplineRuleSet,
    DisciplineSystem,
    ViolationType,
)
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db

RULE_MODELS = [ViolationType, DisciplineFormRule, DisciplineRuleSet, ConclusionTimeLimit, RatingRuleSet, TitleRule,
               CouncilRule]


def page(client, user):
    client.force_login(user)
    return client.get("/rules/")


@pytest.mark.parametrize("persona", ["admin_a", "inspector", "council"])
def test_administrators_inspectors_and_council_members_read_the_rules(client, world, persona):
    response = page(client, getattr(world, persona))
    assert response.status_code == 200
    assert 'href="/rules/" aria-current="page"' in response.content.decode()


@pytest.mark.parametrize("persona", ["head_dept", "staff_division", "outsider"])
def test_anyone_else_is_told_the_page_does_not_exist(client, world, persona):
    response = page(client, getattr(world, persona))
    assert response.status_code == 404
    home = client.get("/").content.decode()
    assert 'href="/rules/"' not in home


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get("/rules/")
    assert response.status_code == 302 and "/login" in response["Location"]


def test_every_registered_rule_row_is_listed_with_its_basis_and_window(client, world):
    rulebook.discover()
    assert {entry.model for entry in rulebook.registered_models()} >= set(RULE_MODELS)
    html = page(client, world.inspector).content.decode()
    for model in RULE_MODELS:
        assert f'data-testid="rules-{model._meta.label_lower.replace(".", "-")}"' in html
        rows = list(model.objects.all())
        assert rows, model
        for row in rows:
            assert f'id="{rulebook.anchor(row)}"' in html
    assert {LocalRegulation, LocalRule} <= {entry.model for entry in rulebook.registered_models()}
    rule_set = DisciplineRuleSet.objects.get(valid_from=date(2022, 11, 15), system=DisciplineSystem.STATE, staff_group="")
    assert rule_set.limitation_basis in html and rule_set.processing_basis in html
    assert "15/11/2022 – 30/06/2025" in html
    for constant in rulebook.registered_constants():
        assert f'id="{constant.anchor}"' in html and constant.basis in html


def test_each_row_shows_who_changed_it_last(client, world):
    row = DisciplineFormRule.objects.filter(form=DisciplineForm.REPRIMAND).first()
    row.legal_basis = "Nghị định 172/2025/NĐ-CP (đã rà soát)"
    row._history_user = world.admin_a
    row.save()
    html = page(client, world.admin_a).content.decode()
    block = html[html.index(f'id="{rulebook.anchor(row)}"'):]
    block = block[:block.index("</tr>")]
    assert "Nghị định 172/2025/NĐ-CP (đã rà soát)" in block and world.admin_a.full_name in block


def test_a_body_s_own_row_is_shown_only_within_its_organisation(client, world):
    other_body = UnitFactory(parent=world.other_root, code="TTQ", name="Thanh tra tỉnh Khác")
    own = ConclusionTimeLimit.objects.create(step=ConclusionStep.SIGN_CONCLUSION, days=30, issuing_unit=other_body,
                                             legal_basis="Điều 36 khoản 1")
    assert f'id="{rulebook.anchor(own)}"' not in page(client, world.admin_a).content.decode()
    assert f'id="{rulebook.anchor(own)}"' in page(client, world.admin_b).content.decode()


def test_the_page_costs_the_same_queries_whatever_the_number_of_rows(client, world):
    client.force_login(world.admin_a)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/rules/").status_code == 200
        return len(captured)

    before = queries()
    for days in (20, 25, 30):
        ConclusionTimeLimit.objects.create(step=ConclusionStep.SIGN_CONCLUSION, days=days,
                                           issuing_unit=world.province, legal_basis="Điều 36")
        TitleRule.objects.create(title="giay_khen", legal_basis="Quy chế thi đua của tỉnh", vote_threshold_percent=50)
    # session, user (the access scope kept in the session), second-step device, the user's unit (the
    # organisations whose own rows they see), then one query per rule model (8), its last change a
    # subquery.
    assert queries() == before == 14  # one per registered rule model, whatever the number of rows


def test_a_refused_discipline_form_links_to_the_rule_rows_it_applied(client, world):
    decision = services.decision_open(actor=world.head_dept, subject=world.staff_division, summary="Vắng mặt nhiều lần",
                                      discovered_on=date(2025, 7, 2), violation_date=date(2025, 7, 1))
    client.force_login(world.head_dept)
    response = client.post(f"/inspections/discipline/{decision.pk}/issue/", {
        "issue-form": DisciplineForm.SALARY_DOWNGRADE, "issue-number": "3/QĐ", "issue-decision_date": "02/07/2025",
        "issue-signer": "Giám đốc", "issue-public_duty": "yes"}, follow=True)
    html = response.content.decode()
    allowed = DisciplineFormRule.objects.in_force(date(2025, 7, 2)).filter(
        staff_group=world.staff_division.staff_group, leader_scope__in=["any", "non_leaders"])
    assert allowed.exists()
    for row in allowed:
        assert f'href="/rules/#{rulebook.anchor(row)}"' in html
    client.force_login(world.head_dept)
    api = client.post(f"/api/v1/decisions/{decision.pk}/issue/", {
        "form": DisciplineForm.SALARY_DOWNGRADE, "number": "3/QĐ", "decision_date": "2025-07-02", "signer": "GĐ",
        "public_duty": True},
        content_type="application/json")
    assert api.status_code == 400
    assert {link["url"] for link in api.json()["rules"]} == {f"/rules/#{rulebook.anchor(row)}" for row in allowed}


def test_an_issued_decision_links_to_the_rules_it_applied(client, world):
    decision = services.decision_record(
        actor=world.head_dept, subject=world.staff_division, summary="Đi muộn nhiều lần", discovered_on=date(2025, 8, 1),
        violation_date=date(2025, 7, 20), form=DisciplineForm.REPRIMAND, number="4/QĐ", decision_date=date(2025, 8, 5),
        signer="Giám đốc")
    client.force_login(world.head_dept)
    html = client.get(f"/inspections/discipline/{decision.pk}/").content.decode()
    assert f'href="/rules/#{rulebook.anchor(decision.form_rule)}"' in html
    assert f'href="/rules/#{rulebook.anchor(decision.rule_set)}"' in html
