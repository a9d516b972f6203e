"""The council's documents: the proposal with its list, the ballot-count minutes (totals only —
ballot secrecy) and the commendation decision with its list, read back as .docx and PDF."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from documents.models import IssuedDocument
from emulation import services
from emulation.models import Title
from tests.documents.conftest import docx_text, pdf_text, save_first_page
from tests.emulation.conftest import secretary  # noqa: F401
from tests.emulation.test_council import members, open_session, rated_people, to_voting

BALLOTS = [("yes", "no"), ("no", "yes"), ("yes", "yes"), ("yes", "no"), ("yes", "no")]


@pytest.fixture
def closed_session(world, secretary):
    period = services.period_open(actor=secretary, unit=world.dept, year=2026)
    people = rated_people(world, period, 2)
    period = to_voting(period, secretary)
    nominations = [services.nomination_create(actor=world.head_dept, period=period, title=Title.LDTT, person=p)
                   for p in people]
    council = members(len(BALLOTS), world.dept)
    session = open_session(secretary, period, council)
    for member, choices in zip(council, BALLOTS):
        api = APIClient()
        api.force_authenticate(member)
        response = api.post(f"/api/v1/emulation/sessions/{session.pk}/ballot/",
                            {"choices": {str(n.pk): c for n, c in zip(nominations, choices)}}, format="json")
        assert response.status_code == 201, response.content
    services.session_close(actor=secretary, session=session, decision_number="40/QĐ", decision_date=period.ends_on)
    return session, people, council


@pytest.mark.django_db
@pytest.mark.parametrize("key, texts", [
    ("commendation-proposal", ["TỜ TRÌNH", "Cán bộ 00", "Cán bộ 01", "Lao động tiên tiến"]),
    ("ballot-minutes", ["BIÊN BẢN KIỂM PHIẾU", "Cán bộ 00", "4/5 (80,00%)", "2/5 (40,00%)",
                        "số phiếu thu về: 5", "Không đạt"]),
    ("commendation-decision", ["QUYẾT ĐỊNH", "Cán bộ 00", "Lao động tiên tiến"]),
])
def test_council_documents_read_back(key, texts, closed_session, client, secretary, world, tmp_path):
    session, people, council = closed_session
    client.force_login(secretary)
    assert client.post(reverse("documents:issue", args=[key, session.pk])).status_code == 302
    if key == "commendation-decision":  # signed under the number the session was closed with: no other drawn
        assert not IssuedDocument.objects.filter(kind=key, object_id=session.pk).exists()
        reference = "40/QĐ"
    else:
        reference = IssuedDocument.objects.get(kind=key, object_id=session.pk).reference
    page = client.get(reverse("emulation:session", args=[session.pk])).content.decode()
    assert f"Số {reference}" in page

    text = docx_text(client.get(reverse("documents:docx", args=[key, session.pk])).content)
    for expected in [f"Số: {reference}", "Căn cứ", *texts]:
        assert expected in text, (expected, text)
    assert "Mức mặc định" not in text  # the default vote threshold is no legal basis to cite
    if key == "ballot-minutes":  # secrecy: no member's name is on the minutes of the count
        assert not any(member.full_name in text for member in council[1:])
    pdf = client.get(reverse("documents:pdf", args=[key, session.pk])).content
    flat = " ".join(pdf_text(pdf, tmp_path).split())
    # A table cell wraps its text in the PDF: its lines are checked one by one.
    for expected in [f"Số: {reference}", *(t.split(" (")[0] for t in texts)]:
        assert expected in flat, (expected, flat)
    save_first_page(pdf, key, tmp_path)

    client.force_login(world.outsider)
    assert client.get(reverse("documents:docx", args=[key, session.pk])).status_code == 404


@pytest.mark.django_db
def test_a_decision_bears_one_number(closed_session, client, secretary):
    """The commendation decision was signed under the number the session was closed with: it prints
    that number, and registering another is refused, saying which; the minutes take the register's."""
    session = closed_session[0]
    client.force_login(secretary)
    refused = client.post(reverse("documents:issue", args=["commendation-decision", session.pk]), follow=True)
    assert "Văn bản này đã mang số 40/QĐ" in refused.content.decode()
    client.post(reverse("documents:issue", args=["ballot-minutes", session.pk]))
    assert list(IssuedDocument.objects.values_list("kind", "reference")) == [("ballot-minutes", "01/BB-D1")]
    api = APIClient()
    api.force_authenticate(secretary)
    response = api.post(f"/api/v1/documents/commendation-decision/{session.pk}/issue/")
    assert response.status_code == 409 and "40/QĐ" in response.json()["detail"]
    detail = api.get(f"/api/v1/documents/commendation-decision/{session.pk}/").json()
    assert (detail["reference"], detail["may_issue"]) == ("40/QĐ", False)
