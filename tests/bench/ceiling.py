"""The harness's bare yardstick views: what a Django view behind the product's middleware and
sign-in costs when it does nothing but read the rows a screen needs and return them as JSON.

- `task_rows`, the **ceiling** of the task lists: the first 20 rows of the task list API's query
  for the signed-in user (the same access scope, tasks.access.tasks_visible_to, and the same order,
  tasks.selectors.OPEN_FIRST then deadline and id), the list's plain columns read with `.values()`,
  no count, no serializer, no template. `check_ceiling` asserts before any measuring that its rows
  are the API's first page, id for id.
- the **summary reads**: for each summary page, one bare read of the summary rows it shows — the
  unit overview's task tallies for the head's subtree summed by kind of result (one query),
  the inspector dashboard's findings of the last twelve months by violation type (one GROUP BY),
  the council ranking page's first page of ratings in its SQL order and its counts by level.

They are mounted only in the harness's URL configuration (tests/bench/urls.py, tests/bench/settings.py).
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Sum
from django.http import Http404, JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.access import MANAGING_ROLES
from accounts.selectors import role_units
from emulation.access import ratings_visible_to
from emulation.selectors import SORTS
from inspections.access import findings_visible_to
from inspections.models import FindingStatus
from tasks.access import tasks_visible_to
from tasks.models import TaskTallyTotal
from tasks.selectors import OPEN_FIRST

ROWS = 20
# The columns of the task list API (tasks.serializers.TaskListOutputSerializer) that are columns of
# the task table; the lead and lead unit as their ids, the official status (an expression) left out.
TASK_COLUMNS = ("id", "code", "title", "status", "lead_id", "lead_unit_id", "deadline", "original_deadline",
                "extended", "progress_percent", "source_number", "completed_at")
RATING_COLUMNS = ("id", "person_id", "person__full_name", "unit_id", "staff_group", "score", "computed_level",
                  "level", "withheld")
RANKING_ROWS = 50  # the ranking page's page size (emulation.views.period_detail)


@login_required
@require_GET
def task_rows(request):
    rows = list(tasks_visible_to(request.user).order_by(OPEN_FIRST, "deadline", "id").values(*TASK_COLUMNS)[:ROWS])
    return JsonResponse({"results": rows})


@login_required
@require_GET
def overview_counts(request):
    """The unit overview's totals as the summary rows hold them: the task tallies of the head's first
    managed unit's subtree (the unit the overview opens on) summed by kind of result, one query."""
    units = role_units(request.user, MANAGING_ROLES)
    if not units:
        raise Http404
    rows = list(TaskTallyTotal.objects.filter(unit__path__startswith=units[0].path).values("bucket")
                .annotate(n=Sum("n")).order_by())
    return JsonResponse({"unit": units[0].pk, "results": rows})


@login_required
@require_GET
def inspector_counts(request):
    """The inspector dashboard's chart figures: the findings the inspector may read over the last
    twelve months (withdrawn ones left out) counted by violation type, one GROUP BY."""
    since = (timezone.localdate().replace(day=1) - timedelta(days=31 * 11)).replace(day=1)  # as violation_chart
    rows = list(findings_visible_to(request.user).exclude(status=FindingStatus.WITHDRAWN)
                .filter(occurred_at__date__gte=since).order_by().values("violation_type_id")
                .annotate(n=Count("id")).order_by("-n")[:12])
    return JsonResponse({"results": rows})


@login_required
@require_GET
def ranking_rows(request, pk: int):
    """The council ranking page's rows: its first page of the period's ratings the user may read,
    ordered in SQL as the page orders them (by score), and their counts by level (one GROUP BY)."""
    ratings = ratings_visible_to(request.user).filter(period_id=pk)
    rows = list(ratings.order_by(*SORTS["score"]).values(*RATING_COLUMNS)[:RANKING_ROWS])
    levels = list(ratings.order_by().values("level", "computed_level").annotate(n=Count("id")))
    return JsonResponse({"results": rows, "levels": levels})


def check_ceiling(client, api_url: str, ceiling_url: str, persona: str) -> None:
    """The ceiling's rows are the API's first page for the same signed-in user: same ids, same
    order, ROWS of them. Run before measuring, so the yardstick cannot drift from the list."""
    api = client.get(api_url)
    ceiling = client.get(ceiling_url)
    for name, response in (("API", api), ("ceiling", ceiling)):
        if response.status_code != 200:
            raise AssertionError(f"{persona}: the {name} answered {response.status_code}")
    api_ids = [row["id"] for row in api.json()["results"]]
    ceiling_rows = ceiling.json()["results"]
    ceiling_ids = [row["id"] for row in ceiling_rows]
    if len(ceiling_ids) != ROWS or ceiling_ids != api_ids:
        raise AssertionError(f"{persona}: the ceiling's {len(ceiling_ids)} rows are not the API's first page "
                             f"({len(api_ids)} rows): {ceiling_ids} against {api_ids}")
    api_first = api.json()["results"][0]
    for column in ("code", "title", "status", "progress_percent"):
        if str(ceiling_rows[0][column]) != str(api_first[column]):
            raise AssertionError(f"{persona}: the ceiling's {column} {ceiling_rows[0][column]!r} is not the "
                                 f"API's {api_first[column]!r}")
