"""The reform pages and API: the unit head's self-assessment (with a photo as evidence), the
appraiser's queue, the secretary's overview and ranking, the 16-commune case through the API,
outsiders 404, and query counts pinned on every list."""

from collections import Counter
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Role, UnitKind
from reform import services
from reform.models import Assessment, AssessmentStatus, Score
from tests.clients import Client
from tests.factories import RoleFactory, UnitFactory, UserFactory
from tests.reform.conftest import build_set, expected_profile

pytestmark = pytest.mark.django_db
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_head_self_assesses_with_a_photo_and_submits(small_exercise):
    head, assessment = small_exercise.heads[0], Assessment.objects.get(unit=small_exercise.communes[0])
    client = signed_in(head)
    page = client.get(f"/reform/assessments/{assessment.pk}/")
    assert page.status_code == 200 and "Ban hành kế hoạch đúng hạn" in page.content.decode()
    assert 'accept="image/*' in page.content.decode()  # a phone offers its camera
    photo = SimpleUploadedFile("ke-hoach.jpg", JPEG, content_type="image/jpeg")
    sub = small_exercise.subs[0]
    response = client.post(f"/reform/assessments/{assessment.pk}/score/{sub.pk}/",
                           {"points": "4", "note": "Kế hoạch ban hành ngày 10/01", "files": [photo]})
    assert response.status_code == 302
    score = Score.objects.get(assessment=assessment, sub_criterion=sub)
    assert score.self_points == 4 and score.evidence.count() == 1
    evidence = score.evidence.get()
    assert client.get(f"/reform/evidence/{evidence.pk}/").status_code == 200
    assert signed_in(small_exercise.heads[1]).get(f"/reform/evidence/{evidence.pk}/").status_code == 404
    for other in small_exercise.subs[1:]:
        client.post(f"/reform/assessments/{assessment.pk}/score/{other.pk}/", {"points": str(other.max_points)})
    client.post(f"/reform/assessments/{assessment.pk}/submit/")
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.SUBMITTED


def test_the_self_assessment_page_says_how_far_it_is_and_leads_to_the_submission(small_exercise):
    """A long page on a phone: its head says how many sub-criteria are scored and links to the
    submission at its foot."""
    head, assessment = small_exercise.heads[0], Assessment.objects.get(unit=small_exercise.communes[0])
    client = signed_in(head)
    total = len(small_exercise.subs)
    assert f"Đã tự chấm 0/{total} tiêu chí thành phần." in client.get(f"/reform/assessments/{assessment.pk}/").content.decode()
    sub = small_exercise.subs[0]
    client.post(f"/reform/assessments/{assessment.pk}/score/{sub.pk}/", {"points": "4"})
    body = client.get(f"/reform/assessments/{assessment.pk}/").content.decode()
    assert f"Đã tự chấm 1/{total} tiêu chí thành phần." in body and 'href="#submit"' in body and 'id="submit"' in body
    assert 'type="date"' not in body  # dates are typed and picked as dd/mm/yyyy, whatever the browser


def test_bad_points_say_what_is_wrong_and_write_nothing(small_exercise):
    head, assessment = small_exercise.heads[0], Assessment.objects.get(unit=small_exercise.communes[0])
    yes_no = small_exercise.subs[1]
    response = signed_in(head).post(f"/reform/assessments/{assessment.pk}/score/{yes_no.pk}/", {"points": "3"},
                                    follow=True)
    assert "1.1.2 được chấm có hoặc không" in response.content.decode()
    assert not Score.objects.exists()


def test_outsiders_get_404_on_pages_and_api(small_exercise, world):
    assessment = Assessment.objects.get(unit=small_exercise.communes[0])
    set_pk = small_exercise.criteria_set.pk
    for user in (world.outsider, world.admin_b, small_exercise.heads[1]):
        client = signed_in(user)
        assert client.get(f"/reform/assessments/{assessment.pk}/").status_code == 404
        assert api(user).get(f"/api/v1/reform/assessments/{assessment.pk}/").status_code == 404
    for user in (world.outsider, world.admin_b):
        assert signed_in(user).get(f"/reform/{set_pk}/").status_code == 404
        assert api(user).get(f"/api/v1/reform/sets/{set_pk}/assessments/").status_code == 404
    # A commune head sees the set, but the list holds only their own unit.
    rows = api(small_exercise.heads[1]).get(f"/api/v1/reform/sets/{set_pk}/assessments/").json()["results"]
    assert [row["unit_code"] for row in rows] == ["X02"]


def test_sixteen_communes_through_the_api(world):
    exercise = build_set(world)
    set_pk = exercise.criteria_set.pk
    survey = []
    for index, (unit, head) in enumerate(zip(exercise.communes, exercise.heads)):
        pk = Assessment.objects.get(unit=unit).pk
        client = api(head)
        for sub in exercise.subs:
            response = client.post(f"/api/v1/reform/assessments/{pk}/self-scores/",
                                   {"sub_criterion": sub.code, "points": str(sub.max_points)}, format="json")
            assert response.status_code == 200, response.content
        assert client.post(f"/api/v1/reform/assessments/{pk}/submit/").json()["status"] == "submitted"
        cuts, points = expected_profile(index)
        appraiser = api(exercise.appraiser)
        for code, cut in cuts.items():
            response = appraiser.post(f"/api/v1/reform/assessments/{pk}/appraisals/",
                                      {"sub_criterion": code, "points": cut, "comment": "Thiếu minh chứng"},
                                      format="json")
            assert response.status_code == 200, response.content
        assert appraiser.post(f"/api/v1/reform/assessments/{pk}/finish-appraisal/").status_code == 200
        survey.append({"unit": unit.code, "area": "8", "points": str(points)})
    secretary = api(exercise.secretary)
    assert secretary.post(f"/api/v1/reform/sets/{set_pk}/survey/", {"rows": survey}, format="json").status_code == 200
    assert secretary.post(f"/api/v1/reform/sets/{set_pk}/freeze/").json()["status"] == "frozen"
    ranking = secretary.get(f"/api/v1/reform/sets/{set_pk}/ranking/", {"page_size": 50}).json()["results"]
    assert Counter(row["band_name"] for row in ranking) == {"Khá": 12, "Trung bình": 4}
    # Before publication a commune reads only its own line; after it, the whole table.
    assert len(api(exercise.heads[0]).get(f"/api/v1/reform/sets/{set_pk}/ranking/").json()["results"]) == 1
    published = secretary.post(f"/api/v1/reform/sets/{set_pk}/publish/",
                               {"published_on": timezone.localdate().isoformat()}, format="json")
    assert published.json()["status"] == "published"
    assert api(exercise.heads[0]).get(f"/api/v1/reform/sets/{set_pk}/ranking/").json()["count"] == 16
    # A commune head cannot freeze or publish: 403, not a silent change.
    assert api(exercise.heads[0]).post(f"/api/v1/reform/sets/{set_pk}/freeze/").status_code in (403, 409)


def test_the_api_refuses_a_sub_criterion_of_another_set(world, small_exercise):
    other = build_set(world, year=timezone.localdate().year - 1, communes=0, open_it=False)
    other.criteria_set.sub_criteria.filter(code="1.1.1").update(code="9.9.9")
    pk = Assessment.objects.get(unit=small_exercise.communes[0]).pk
    response = api(small_exercise.heads[0]).post(f"/api/v1/reform/assessments/{pk}/self-scores/",
                                                 {"sub_criterion": "9.9.9", "points": "1"}, format="json")
    assert response.status_code == 400 and "sub_criterion" in response.json()
    assert not Score.objects.exists()


# -- query counts ------------------------------------------------------------------------------


def _count(client, url, **params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200, (url, response.content[:300])
    return len(queries)


def _grow(world, exercise, count=6):
    """More units under the same set: a list must not make a query more for them."""
    for number in range(1, count + 1):
        unit = UnitFactory(parent=world.province, code=f"Y{number:02d}", name=f"UBND xã Thêm {number}",
                           kind=UnitKind.COMMUNE)
        RoleFactory(user=UserFactory(unit=unit), unit=unit, role=Role.HEAD)
        Assessment.objects.create(criteria_set=exercise.criteria_set, unit=unit, appraiser=exercise.appraiser)
    services.criteria_set_recompute(criteria_set=exercise.criteria_set)


# The number of queries of each list, whatever the number of rows: the reader's roles and grants
# (the access scope: the API's; a page reads it from the session) and what the page itself needs —
# the set (set pages), the count and the page of rows; pages add the session, the user and the
# navigation's roles.
LISTS = {
    "/reform/": ("secretary", 5),
    "/reform/{set}/": ("secretary", 10),  # with the overview's one count of on-time, late and missing submissions
    "/reform/{set}/ranking/": ("secretary", 8),  # + last year's set, + the rows' assessments one may read
    "/reform/{set}/structure/": ("secretary", 9),
    "/reform/queue/": ("appraiser", 4),
    "/api/v1/reform/sets/": ("secretary", 2),
    "/api/v1/reform/sets/{set}/assessments/": ("secretary", 3),
    "/api/v1/reform/sets/{set}/ranking/": ("secretary", 3),
}


@pytest.mark.parametrize("url", list(LISTS))
def test_list_queries_are_pinned(world, url):
    exercise = build_set(world, communes=2)
    services.criteria_set_recompute(criteria_set=exercise.criteria_set)
    who, pinned = LISTS[url]
    reader = getattr(exercise, who)
    client = api(reader) if url.startswith("/api/") else signed_in(reader)
    url = url.format(set=exercise.criteria_set.pk)
    small = _count(client, url)
    _grow(world, exercise)
    build_set(world, communes=0, open_it=False)  # and another set in the list of sets
    client = api(reader) if url.startswith("/api/") else signed_in(reader)
    assert (small, _count(client, url)) == (pinned, pinned)
