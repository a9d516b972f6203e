"""Inspection plans: one rule (inspections.access.plans_visible_to) serves the pages, the API
(list, detail, the writable `plan` of an inspection) and the admin."""

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Unit
from inspections.access import can_inspect_from, plans_visible_to
from inspections.models import InspectionPlan

pytestmark = pytest.mark.django_db


def as_user(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def plan(inspectorate):
    """Created over the API by an inspector whose role is held above the inspecting body."""
    response = as_user(inspectorate.leader).post("/api/v1/inspection-plans/", {
        "issuing_unit": inspectorate.unit.pk, "year": timezone.localdate().year,
        "title": "Kế hoạch thanh tra năm"}, format="json")
    assert response.status_code == 201, response.content
    return InspectionPlan.objects.get(pk=response.json()["id"])


def test_the_inspector_who_created_a_plan_files_an_inspection_under_it(world, inspectorate, plan):
    api = as_user(inspectorate.leader)
    assert plan.pk in [p["id"] for p in api.get("/api/v1/inspection-plans/").json()["results"]]
    detail = api.get(f"/api/v1/inspection-plans/{plan.pk}/")
    assert detail.status_code == 200 and detail.json()["title"] == "Kế hoạch thanh tra năm"
    created = api.post("/api/v1/inspections/", {
        "issuing_unit": inspectorate.unit.pk, "title": "Thanh tra theo kế hoạch", "plan": plan.pk,
        "targets": [world.dept.pk], "leader": inspectorate.leader.pk}, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["plan"] == plan.pk


def test_the_page_the_api_and_the_admin_agree_on_who_sees_a_plan(client, world, inspectorate, plan):
    readers = [inspectorate.leader, inspectorate.member, inspectorate.chief, world.admin_a]
    outsiders = [world.outsider, world.admin_b, world.member_sibling, world.staff_division]
    for user in readers + outsiders:
        expected = user in readers
        assert plans_visible_to(user).filter(pk=plan.pk).exists() is expected, user
        listed = [p["id"] for p in as_user(user).get("/api/v1/inspection-plans/").json()["results"]]
        assert (plan.pk in listed) is expected, user
        assert as_user(user).get(f"/api/v1/inspection-plans/{plan.pk}/").status_code == (200 if expected else 404)
        client.force_login(user)
        assert client.get(reverse("inspections:plan", args=[plan.pk])).status_code == (200 if expected else 404)
        page = client.get(reverse("inspections:plans"))
        assert (plan in page.context["plans"]) is expected, user
        request = RequestFactory().get("/admin/")
        request.user = user
        in_admin = admin.site._registry[InspectionPlan].get_queryset(request).filter(pk=plan.pk).exists()
        assert in_admin is expected, user


def test_an_outsider_cannot_file_under_a_plan_they_cannot_see(world, plan):
    response = as_user(world.head_sibling).post("/api/v1/inspections/", {
        "issuing_unit": world.sibling.pk, "title": "Ngoài phạm vi", "plan": plan.pk, "targets": [world.sibling.pk],
        "leader": world.head_sibling.pk}, format="json")
    assert response.status_code == 400 and "plan" in response.json()


def test_the_pages_offer_exactly_the_inspecting_bodies_the_services_accept(client, world, inspectorate):
    """The inspector's role is held at the province: the plan and inspection forms offer the province
    and every unit below it (the inspectorate among them), as `can_inspect_from` does, and a plan
    issued by the inspectorate from the page is created."""
    client.force_login(inspectorate.leader)
    accepted = {unit.pk for unit in Unit.objects.filter(active=True) if can_inspect_from(inspectorate.leader, unit)}
    for url in (reverse("inspections:plans"), reverse("inspections:create")):
        offered = set(client.get(url).context["form"].fields["issuing_unit"].queryset.values_list("pk", flat=True))
        assert inspectorate.unit.pk in offered and offered == accepted, url
    response = client.post(reverse("inspections:plans"), {
        "issuing_unit": inspectorate.unit.pk, "year": timezone.localdate().year, "title": "Kế hoạch của Thanh tra"})
    assert response.status_code == 302
    assert InspectionPlan.objects.get(title="Kế hoạch của Thanh tra").issuing_unit == inspectorate.unit
