"""Every list API — taken from the OpenAPI schema, so a new one cannot escape — makes the same
number of queries for a page of two rows and a page of two hundred: no query per row."""


import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from drf_spectacular.generators import SchemaGenerator

from accounts.models import User
from reform.models import CriteriaSet

pytestmark = pytest.mark.django_db


def _list_paths() -> list[str]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    paths = []
    for path, operations in schema["paths"].items():
        get = operations.get("get")
        if not get:
            continue
        body = get["responses"].get("200", {}).get("content", {}).get("application/json", {}).get("schema", {})
        if body.get("$ref", "").split("/")[-1].startswith("Paginated"):
            paths.append(path)
    return sorted(paths)


LIST_PATHS = _list_paths()
# Lists the demo leaves with fewer than three rows (one period, no award yet, one inspection plan):
# a page of two and a page of two hundred would show the same rows, so they prove nothing here.
# Their query counts are pinned in their apps' tests.
SHORT_IN_THE_DEMO = {"/api/v1/emulation/periods/", "/api/v1/emulation/periods/{id}/awards/", "/api/v1/inspection-plans/"}


def test_the_schema_lists_the_list_apis():
    assert {"/api/v1/tasks/", "/api/v1/people/", "/api/v1/findings/", "/api/v1/decisions/"} <= set(LIST_PATHS)
    assert any("/emulation/" in path for path in LIST_PATHS)


def test_list_api_queries_do_not_depend_on_the_page_size(client, demo):
    """Every list of the schema on the one demo province (seeded once: it takes seconds), each
    failure named with its path."""
    # A reform path names a criteria set: this year's for the communes (30 units under it), or
    # last year's for its remedies (remedies follow a published result).
    communes_sets = list(CriteriaSet.objects.filter(unit_group="communes").order_by("-year")
                         .values_list("pk", flat=True))
    failures, checked = [], 0
    for path in [path for path in LIST_PATHS if path not in SHORT_IN_THE_DEMO]:
        # The council's secretary reads the emulation lists; the head of the province reads the rest.
        reader = "thuky" if "/emulation/" in path else "chutich"
        client.force_login(User.objects.get(username=reader))
        owner = (communes_sets[1] if path.endswith("/remedies/") else communes_sets[0]
                 if path.startswith("/api/v1/reform/sets/{") else demo.pk)
        url = path.replace("{id}", str(owner)).replace("{pk}", str(owner))
        counts, sizes = [], []
        for page_size in (2, 200):  # two rows, not one: a single root unit would need no parent query
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url, {"page_size": page_size})
            assert response.status_code == 200, (url, response.content[:300])
            counts.append(len(queries))
            sizes.append(len(response.json()["results"]))
        checked += 1
        if not (sizes[0] == 2 and sizes[1] >= 3):
            failures.append(f"{url}: the demo must give this list at least three rows ({sizes})")
        elif counts[0] != counts[1]:
            failures.append(f"{url}: {counts[0]} queries for 2 rows, {counts[1]} for {sizes[1]}")
    assert checked == len(LIST_PATHS) - len(SHORT_IN_THE_DEMO & set(LIST_PATHS))
    assert not failures, "\n".join(failures)
