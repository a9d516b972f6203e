"""The inspection API: the whole loop, scoped relations, outsiders get 404, no DELETE on legal records."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from inspections.models import Finding, InspectionStatus, RecommendationStatus
from tasks import services as task_services
from tests.inspections.conftest import photo, violation
from tests.tasks.conftest import pdf


@pytest.fixture
def api():
    def as_user(user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    return as_user


@pytest.mark.django_db
def test_create_start_record_explain_over_the_api(api, world, inspectorate):
    leader = api(inspectorate.leader)
    created = leader.post("/api/v1/inspections/", {
        "issuing_unit": inspectorate.unit.pk, "kind": "unannounced", "title": "Kiểm tra đột xuất giờ giấc",
        "decision_number": "20/QĐ-TTr", "decision_date": timezone.localdate().isoformat(),
        "targets": [world.dept.pk], "leader": inspectorate.leader.pk, "members": [inspectorate.member.pk],
    }, format="json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert leader.post(f"/api/v1/inspections/{pk}/start/").json()["status"] == InspectionStatus.IN_PROGRESS
    recorded = api(inspectorate.member).post(f"/api/v1/inspections/{pk}/findings/", {
        "subject_person": world.staff_division.pk, "violation_type": violation("HUT_THUOC").pk,
        "description": "Hút thuốc tại hành lang", "files": [photo()],
    }, format="multipart")
    assert recorded.status_code == 201, recorded.content
    finding = recorded.json()
    assert finding["subject_unit"]["id"] == world.division.pk and len(finding["evidence"]) == 1
    explained = api(world.staff_division).post(f"/api/v1/findings/{finding['id']}/explain/",
                                               {"explanation": "Xin rút kinh nghiệm"}, format="json")
    assert explained.status_code == 200 and explained.json()["status"] == "explained"
    # The subject lists only their own finding.
    assert [f["id"] for f in api(world.staff_division).get("/api/v1/findings/").json()["results"]] == [finding["id"]]


@pytest.mark.django_db
def test_writable_relations_are_scoped(api, world, inspectorate):
    response = api(inspectorate.leader).post("/api/v1/inspections/", {
        "issuing_unit": inspectorate.unit.pk, "title": "Ngoài phạm vi", "targets": [world.other_root.pk],
        "leader": inspectorate.leader.pk,
    }, format="json")
    assert response.status_code == 400 and "targets" in response.json()
    sibling_head = api(world.head_sibling).post("/api/v1/decisions/", {
        "subject": world.staff_division.pk, "summary": "x", "discovered_on": timezone.localdate().isoformat(),
        "violation_date": timezone.localdate().isoformat()}, format="json")
    assert sibling_head.status_code == 400 and "subject" in sibling_head.json()


@pytest.mark.django_db
def test_outsiders_get_404_and_legal_records_have_no_delete(api, world, make_inspection, record, inspectorate):
    inspection = make_inspection()
    finding = record(inspection)
    for outsider in (world.outsider, world.admin_b, world.member_sibling):
        client = api(outsider)
        assert client.get(f"/api/v1/inspections/{inspection.pk}/").status_code == 404
        assert client.get(f"/api/v1/findings/{finding.pk}/").status_code == 404
        assert client.post(f"/api/v1/findings/{finding.pk}/withdraw/", {"reason": "x"}, format="json").status_code == 404
        assert client.get("/api/v1/findings/").json()["count"] == 0
    assert api(inspectorate.leader).delete(f"/api/v1/findings/{finding.pk}/").status_code == 405
    assert Finding.objects.filter(pk=finding.pk).exists()
    # Another inspector, not on the team, may read (same body) but not record.
    other = api(inspectorate.other_inspector).post(f"/api/v1/inspections/{inspection.pk}/findings/", {
        "subject_person": world.staff_division.pk, "violation_type": violation().pk, "description": "x"}, format="json")
    assert other.status_code == 403


@pytest.mark.django_db
def test_verify_and_close_over_the_api_with_conflicts_as_409(api, world, make_inspection, inspectorate):
    inspection = make_inspection(InspectionStatus.FOLLOW_UP)
    recommendation = inspection.recommendations.get()
    leader = api(inspectorate.leader)
    assert leader.post(f"/api/v1/inspections/{inspection.pk}/close/", {}, format="json").status_code == 409
    task_services.task_accept(actor=world.head_dept, task=recommendation.task)
    task_services.task_submit_result(actor=world.head_dept, task=recommendation.task, note="Xong", files=[pdf()])
    verified = leader.post(f"/api/v1/recommendations/{recommendation.pk}/verify/", {"accepted": True}, format="json")
    assert verified.status_code == 200 and verified.json()["status"] == RecommendationStatus.VERIFIED
    again = leader.post(f"/api/v1/recommendations/{recommendation.pk}/verify/", {"accepted": True}, format="json")
    assert again.status_code == 409
    closed = leader.post(f"/api/v1/inspections/{inspection.pk}/close/", {}, format="json")
    assert closed.status_code == 200 and closed.json()["status"] == InspectionStatus.CLOSED


@pytest.mark.django_db
def test_a_refused_form_is_a_400_naming_the_field(api, world):
    response = api(world.head_dept).post("/api/v1/decisions/", {
        "subject": world.staff_division.pk, "summary": "Đi muộn", "discovered_on": "2025-06-20",
        "violation_date": "2025-06-10",
        "issue": {"form": "salary_downgrade", "number": "5/QĐ", "decision_date": "2025-07-01", "signer": "Giám đốc",
                  "public_duty": True},
    }, format="json")
    assert response.status_code == 400 and "172/2025" in " ".join(response.json()["form"])
    assert not world.staff_division.disciplinary_decisions.exists()


@pytest.mark.django_db
def test_list_api_query_counts_do_not_grow_with_rows(api, world, make_inspection, record, inspectorate):
    inspection = make_inspection()
    client = api(inspectorate.leader)

    def count(url):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    record(inspection)
    urls = ["/api/v1/findings/", "/api/v1/inspections/", "/api/v1/decisions/"]
    before = [count(url) for url in urls]
    for n in range(5):
        record(inspection, person=world.colleague_division, occurred_at=timezone.now() - timedelta(hours=n + 1))
    make_inspection(overlap_reason="Theo chỉ đạo")
    assert [count(url) for url in urls] == before


@pytest.mark.django_db
def test_files_sent_to_an_action_that_takes_none_are_ignored(api, world, make_inspection, inspectorate):
    """Only an input that declares files takes uploads: a client attaching one to any other action
    gets the action's answer, not a 500."""
    inspection = make_inspection(InspectionStatus.REPORTED)
    answer = api(inspectorate.leader).post(f"/api/v1/inspections/{inspection.pk}/draft-conclusion/",
                                           {"text": "Dự thảo kết luận", "files": [pdf()]}, format="multipart")
    assert answer.status_code == 200, answer.content
    assert answer.json()["status"] == InspectionStatus.DRAFT_CONCLUSION
