"""Nobody enters points for themselves or their own superior, and nobody judges their own work
(DOMAIN.md §3; the security issue's "people can raise their own rating").

General-criteria points come from above the official (emulation.access.can_score): the head or a
deputy over a plain official's unit; for the head or a deputy of a unit, the leaders of the unit
above. So a deputy does not score their head, nor the head their deputy — the pair could otherwise
give each other 30 points — and nobody scores themselves; the province's chair scores both.
The objective cause of a self-led task is confirmed from above too, and manual points for a unit
never come from inside it, the Excel import included (row by row)."""

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from openpyxl import Workbook
from rest_framework.test import APIClient

from accounts.models import Role
from emulation import access, scoring, services
from emulation.excel import import_manual_scores
from emulation.models import CriterionKind, ManualScore, ObjectiveCause, Rating
from tests.emulation.conftest import AFTER_THE_YEAR, at, task_row
from tests.factories import RoleFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def leaders(world):
    """The province's chair, above the department, and a deputy of the department."""
    chair = UserFactory(full_name="Chủ tịch UBND tỉnh", unit=world.province)
    RoleFactory(user=chair, unit=world.province, role=Role.HEAD)
    deputy = UserFactory(full_name="Phó Giám đốc Sở Nội vụ", unit=world.dept)
    RoleFactory(user=deputy, unit=world.dept, role=Role.DEPUTY)
    return chair, deputy


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def general(user, period, person, points="30"):
    return api(user).post(f"/api/v1/emulation/periods/{period.pk}/ratings/{person.pk}/general/",
                          {"general_points": points, "general_note": "Hoàn thành xuất sắc"}, format="json")


def rate(world, period, *people):
    for person in people:
        task_row(person, deadline=at(3, 1))
    scoring.compute_period(period, now=AFTER_THE_YEAR)


def test_general_points_come_only_from_above(world, period, leaders):
    chair, deputy = leaders
    head = world.head_dept
    rate(world, period, head, deputy, world.staff_division)
    refused = [(head, head), (deputy, head), (head, deputy), (deputy, deputy)]
    for scorer, person in refused:
        assert general(scorer, period, person).status_code == 403, (scorer, person)
        assert not access.can_score(scorer, person)
    assert not Rating.objects.filter(period=period, person__in=[head, deputy], general_points__isnull=False).exists()
    for scorer, person in [(chair, head), (chair, deputy), (head, world.staff_division),
                           (deputy, world.staff_division), (chair, world.staff_division)]:
        response = general(scorer, period, person, points="20")
        assert response.status_code == 200, (scorer, person, response.json())
    assert Rating.objects.get(period=period, person=head).general_by == chair
    assert general(world.staff_division, period, world.staff_division).status_code == 403


def test_the_rating_page_offers_the_general_points_form_only_to_who_may_enter_them(client, world, period, leaders):
    chair, deputy = leaders
    rate(world, period, world.head_dept, deputy)
    person_url = reverse("emulation:person", args=[period.pk, world.head_dept.pk])
    general_url = reverse("emulation:person_general", args=[period.pk, world.head_dept.pk])
    for viewer, offered in ((world.head_dept, False), (deputy, False), (chair, True)):
        client.force_login(viewer)
        page = client.get(person_url)
        assert page.status_code == 200
        assert (general_url in page.content.decode()) == offered, viewer
    client.force_login(deputy)
    assert client.post(general_url, {"general_points": "30", "general_note": "x"}).status_code == 403
    assert Rating.objects.get(period=period, person=world.head_dept).general_points is None


def test_the_objective_cause_of_a_self_led_task_is_confirmed_from_above(client, world, period, leaders):
    chair, deputy = leaders
    late = task_row(world.head_dept, deadline=at(3, 1), submitted=at(3, 5), assigner=world.head_dept)
    scoring.compute_period(period, now=AFTER_THE_YEAR)
    for judge in (world.head_dept, deputy):
        with pytest.raises(PermissionDenied):
            services.objective_cause_confirm(actor=judge, period=period, task=late, reason="Mưa bão")
    person_url = reverse("emulation:person", args=[period.pk, world.head_dept.pk])
    cause_url = reverse("emulation:person_cause", args=[period.pk, world.head_dept.pk])
    client.force_login(world.head_dept)
    assert cause_url not in client.get(person_url).content.decode()
    assert client.post(cause_url, {"task": late.pk, "reason": "Mưa bão"}).status_code == 403
    assert not ObjectiveCause.objects.exists()
    client.force_login(chair)
    assert cause_url in client.get(person_url).content.decode()
    assert client.post(cause_url, {"task": late.pk, "reason": "Mưa bão kéo dài"}).status_code == 302
    assert ObjectiveCause.objects.get().confirmed_by == chair


def _sheet(rows) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.title = "Diem"
    sheet.append(["Mã đơn vị", "Tên đơn vị", "Mã tiêu chí", "Điểm", "Minh chứng"])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.name = "diem.xlsx"
    return out


def test_manual_points_for_a_unit_never_come_from_inside_it(world, period, secretary):
    """A council secretary who works in a division may not score that division: the row says so on
    its unit column, and nothing is written; the sub-division below it they may score."""
    insider = world.staff_division
    RoleFactory(user=insider, unit=world.dept, role=Role.COUNCIL_SECRETARY)
    criterion = period.criteria.filter(kind=CriterionKind.MANUAL).first()
    rows = [["D1A", "", criterion.code, 5, "Quyết định 10/QĐ"], ["D1A1", "", criterion.code, 5, "Quyết định 11/QĐ"]]
    result = import_manual_scores(_sheet(rows), actor=insider, period=period)
    assert not result.ok and ManualScore.objects.count() == 0
    assert [(e.row, e.column) for e in result.errors] == [(2, "A (Mã đơn vị)")], result.errors
    assert "Phòng Tổ chức" in result.errors[0].message
    with pytest.raises(ValidationError) as refused:
        services.manual_scores_set(actor=insider, period=period, entries=[{
            "unit": world.division, "criterion": criterion, "points": 5, "evidence": "Quyết định 10/QĐ"}])
    assert "0.unit" in refused.value.message_dict
    result = import_manual_scores(_sheet(rows), actor=secretary, period=period)  # from the department: both rows
    assert result.ok, result.errors
    assert ManualScore.objects.count() == 2 and {m.entered_by for m in ManualScore.objects.all()} == {secretary}
