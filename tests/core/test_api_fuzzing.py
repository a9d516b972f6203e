"""Schemathesis against the API's own OpenAPI schema, in-process, on the demo province, as
several personas (by API token) and anonymously: no server error, every answer conforming to
the schema (status code, content type, headers, body), and no operation answering without
authentication. Path ids are drawn from the demo's real records as well as at random, so that
bodies reach the serializers and services and not only the 404.

Bounded for CI: FUZZ_EXAMPLES cases per operation and persona (default 6), derandomized so that
a failure is reproducible; raise it locally for a longer hunt (`FUZZ_EXAMPLES=200`)."""

import os
import re

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token

from accounts.models import Unit, User
from documents.registry import KINDS
from emulation.models import Award, CouncilSession, Nomination, Period
from inspections.models import DisciplinaryDecision, Finding, Inspection, InspectionPlan, Recommendation, RollCall
from reform.models import Assessment, CriteriaSet
from tasks.models import ExtensionRequest, Task

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "6"))
PERSONAS = ["giamdoc.snv", "canbo", "thanhtra", "thuky", "admin", None]  # None: anonymous
CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_headers_conformance,
    schemathesis.checks.response_schema_conformance,
    schemathesis.checks.ignored_auth,
]
# Which records a path's ids name, by the collection before the id (or by the id's own name).
RECORDS = {
    "units": Unit, "people": User, "tasks": Task, "inspections": Inspection, "inspection-plans": InspectionPlan,
    "findings": Finding,
    "recommendations": Recommendation, "decisions": DisciplinaryDecision, "periods": Period,
    "sessions": CouncilSession, "request_pk": ExtensionRequest, "person_pk": User, "award_pk": Award,
    "nomination_pk": Nomination, "sets": CriteriaSet, "assessments": Assessment, "roll_pk": RollCall,
}


SPEC = SchemaGenerator().get_schema(request=None, public=True)


@pytest.fixture
def app():
    # Django's WSGI handler closes "old" connections around each request, which would end the
    # test's transaction; the test client disconnects the same receivers.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield WSGIHandler()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


# A document path names a document type and a record of that type: the types are drawn from the
# registry (or at random), the records from the demo's records documents are made of.
DOCUMENT_TYPE, DOCUMENT_RECORD = "document type", "document record"
DOCUMENT_RECORDS = (Task, DisciplinaryDecision, Inspection, CouncilSession)


def record_kind(path: str, name: str):
    """`{id}` names a record of the collection just before it; `{person_pk}` and the like say it."""
    if path.startswith("/api/v1/documents/"):
        return DOCUMENT_TYPE if name == "kind" else DOCUMENT_RECORD
    if name in RECORDS:
        return RECORDS[name]
    segments = path.strip("/").split("/")
    return RECORDS[segments[segments.index(f"{{{name}}}") - 1]]


def schema_as(username: str | None, app):
    """The API schema, with the persona's token set on every case as its credentials (so that
    the `ignored_auth` check can take them away and try again without, or with wrong ones)."""
    schema = schemathesis.openapi.from_dict(SPEC)
    schema.app = app
    if username is None:
        return schema
    key = Token.objects.get_or_create(user=User.objects.get(username=username))[0].key

    @schema.auth()
    class PersonaToken:
        def get(self, case, context):
            return key

        def set(self, case, data, context):
            case.headers = {**(case.headers or {}), "Authorization": f"Token {data}"}

    return schema


def fuzz(operation, persona: str, ids: dict) -> tuple[int, list[str]]:
    """Runs EXAMPLES cases of one operation; returns how many ran and what failed. Failures are
    collected, not raised, so that every operation is tried (and state moves on: a replay of a
    failing write would not reproduce)."""
    kinds = {name: record_kind(operation.path, name) for name in re.findall(r"\{(\w+)\}", operation.path)}
    failures: list[str] = []
    ran = 0

    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])
    @given(case=operation.as_strategy(), data=st.data())
    def one_case(case, data):
        nonlocal ran
        for name, kind in kinds.items():
            if kind == DOCUMENT_TYPE:
                anything = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_", min_size=1, max_size=30)
            else:
                anything = st.integers(min_value=-1, max_value=2**31)
            case.path_parameters[name] = data.draw(st.sampled_from(ids[kind]) | anything if ids[kind] else anything,
                                                   label=name)
        ran += 1
        try:
            case.call_and_validate(checks=CHECKS)
        except (Exception, BaseExceptionGroup) as failure:
            failures.append(f"{persona} {operation.method.upper()} {operation.path}: {failure}")

    one_case()
    return ran, failures


# On PostgreSQL only, the stricter database: an id past a column's range or an offset past its limit
# fails there, and the schema checks are the same on both. What it found stays fixed on both, below.
@pytest.mark.postgres
def test_the_api_survives_fuzzing_as_every_persona(demo, app):
    ids = {kind: list(kind.objects.order_by("pk").values_list("pk", flat=True)[:50])
           for kind in {*RECORDS.values(), *DOCUMENT_RECORDS}}
    ids[DOCUMENT_TYPE] = sorted(KINDS)
    ids[DOCUMENT_RECORD] = sorted({pk for model in DOCUMENT_RECORDS for pk in ids[model][:10]})
    failures: list[str] = []
    cases = 0
    for username in PERSONAS:
        operations = [result.ok() for result in schema_as(username, app).get_all_operations()]
        for operation in operations:
            ran, failed = fuzz(operation, username or "anonymous", ids)
            cases += ran
            failures += failed

    print(f"api fuzzing: {len(operations)} operations x {len(PERSONAS)} personas, {cases} cases")
    assert cases >= len(operations) * len(PERSONAS)
    assert not failures, "\n\n".join(failures)


@pytest.mark.parametrize("path", [
    "/api/v1/emulation/periods/?page=216756406633942548480&page_size=1248262932",  # was a 500 (OFFSET overflow)
    "/api/v1/emulation/periods/-1/",  # was Django's HTML 404 page
    "/api/v1/no-such-thing/",
])
def test_what_the_fuzzer_found_stays_fixed(client, world, path):
    client.force_login(world.head_dept)
    answer = client.get(path)
    assert answer.status_code == 404
    assert answer["Content-Type"] == "application/json" and answer.json()["detail"]
