"""Legal records — inspections, findings, recommendations, disciplinary decisions, ballots, tallies,
council results and awards — cannot be hard-deleted through any page, API or admin action, and
what changes them leaves a history."""


import pytest
from django.contrib import admin
from django.db.models import ProtectedError
from tests.clients import Client

from accounts.models import User
from emulation.models import Award, BallotReceipt, BallotTally, CouncilSession, Nomination, SessionResult
from inspections.models import DisciplinaryDecision, Finding, Inspection, Recommendation
from tests.core.test_access_matrix import ROUTES

pytestmark = pytest.mark.django_db

LEGAL_RECORDS = [Inspection, Finding, Recommendation, DisciplinaryDecision, BallotReceipt, BallotTally, SessionResult,
                 Award, Nomination, CouncilSession]


def test_no_api_route_accepts_delete(demo):
    client = Client()
    client.force_login(User.objects.get(username="admin"))  # a superuser
    allowing = []
    for route in ROUTES:
        if not route.startswith("api/v1/"):
            continue
        url = "/" + route.replace("<int:pk>", "1").replace("<int:request_pk>", "1").replace("<int:person_pk>", "1") \
            .replace("<int:nomination_pk>", "1").replace("<int:award_pk>", "1")
        response = client.options(url)
        if "DELETE" in response.get("Allow", "") or client.delete(url).status_code not in (403, 404, 405):
            allowing.append(url)
    assert not allowing, allowing


def test_the_admin_deletes_no_legal_record_even_for_a_superuser(demo):
    superuser = User.objects.get(username="admin")
    client = Client()
    client.force_login(superuser)
    request = type("Request", (), {"user": superuser})()
    for model in LEGAL_RECORDS:
        model_admin = admin.site._registry.get(model)
        if model_admin is None:
            continue  # not in the admin at all
        assert not model_admin.has_delete_permission(request), model
        row = model.objects.order_by("pk").first()
        if row is not None:
            url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/{row.pk}/delete/"
            assert client.post(url, {"post": "yes"}).status_code in (403, 404), url
            assert model.objects.filter(pk=row.pk).exists()
        changelist = client.get(f"/admin/{model._meta.app_label}/{model._meta.model_name}/").content.decode()
        assert 'value="delete_selected"' not in changelist, model


def test_deleting_what_a_legal_record_rests_on_is_refused(demo):
    finding = Finding.objects.filter(subject_person__isnull=False).first()
    with pytest.raises(ProtectedError):
        finding.subject_person.delete()
    with pytest.raises(ProtectedError):
        finding.inspection.delete()
    decision = DisciplinaryDecision.objects.first()
    with pytest.raises(ProtectedError):
        decision.subject.delete()


def test_changes_to_legal_records_leave_a_history(demo):
    for model in (Inspection, Finding, Recommendation, DisciplinaryDecision):
        rows = model.objects.count()
        assert rows and model.history.values("id").distinct().count() == rows, model
        # Every row's history begins with its creation.
        assert model.history.filter(history_type="+").count() == rows, model
