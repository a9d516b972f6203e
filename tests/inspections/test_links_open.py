"""A link is shown only to those it opens for: the subject of a finding is not sent to an inspection
they cannot see, and only those who may open an inspection under a plan are offered to."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Role
from inspections import services
from inspections.models import InspectionStatus
from tests.factories import RoleFactory, UserFactory
from tests.inspections.conftest import photo

pytestmark = pytest.mark.django_db


def test_the_subject_of_a_finding_is_not_linked_to_an_inspection_they_cannot_see(
        client, world, inspectorate, make_inspection, record):
    inspection = make_inspection()
    finding = record(inspection)
    to_inspection = f'href="{reverse("inspections:detail", args=[inspection.pk])}"'

    client.force_login(world.staff_division)  # the subject
    page = client.get(reverse("inspections:finding", args=[finding.pk]))
    assert page.status_code == 200
    assert to_inspection not in page.content.decode() and inspection.code in page.content.decode()
    assert client.get(reverse("inspections:detail", args=[inspection.pk])).status_code == 404

    client.force_login(inspectorate.member)
    assert to_inspection in client.get(reverse("inspections:finding", args=[finding.pk])).content.decode()


def test_only_those_who_may_open_an_inspection_under_a_plan_are_offered_to(client, world, inspectorate):
    plan = services.plan_create(actor=inspectorate.leader, issuing_unit=inspectorate.unit, year=2026,
                                title="Kế hoạch thanh tra năm 2026")
    add = f'href="{reverse("inspections:create")}?plan={plan.pk}"'
    council = UserFactory(full_name="Đặng Thu Hà", unit=world.province)
    RoleFactory(user=council, unit=world.province, role=Role.COUNCIL_MEMBER)  # reads the province's plans

    client.force_login(council)
    page = client.get(reverse("inspections:plan", args=[plan.pk]))
    assert page.status_code == 200 and add not in page.content.decode()
    assert client.get(reverse("inspections:create") + f"?plan={plan.pk}").status_code == 404

    client.force_login(inspectorate.leader)
    assert add in client.get(reverse("inspections:plan", args=[plan.pk])).content.decode()
    assert client.get(reverse("inspections:create") + f"?plan={plan.pk}").status_code == 200


def test_evidence_photos_show_as_thumbnails_and_documents_as_names(client, world, inspectorate, make_inspection,
                                                                  record):
    finding = record(make_inspection(InspectionStatus.IN_PROGRESS), files=[
        photo("hien-truong.jpg"), SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")])
    jpg, pdf = finding.evidence.order_by("name").reverse()  # hien-truong.jpg, bien-ban.pdf
    client.force_login(inspectorate.member)
    page = client.get(reverse("inspections:finding", args=[finding.pk])).content.decode()
    assert f'<img class="thumb" src="{reverse("inspections:evidence", args=[jpg.pk])}"' in page
    assert f'src="{reverse("inspections:evidence", args=[pdf.pk])}"' not in page
    assert "bien-ban.pdf" in page
    shown = client.get(reverse("inspections:evidence", args=[jpg.pk]))
    assert shown.status_code == 200 and not shown["Content-Disposition"].startswith("attachment")
