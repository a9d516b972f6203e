"""The council's ranking page and its export against the plain definitions: the rows the reader may
read, each filter, every sort (decided level before computed, scores highest first with the
unscored last, ties by name, then by id), the distribution by level whatever the filters, paging
a page at a time in a number of queries that does not grow with the page — and outsiders get 404."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import StaffGroup
from core.text import fold
from emulation.models import Rating, RatingLevel
from tests.emulation.factories import RatingFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LEVEL_ORDER = {"htxs": 1, "htt": 2, "ht": 3, "kht": 4}


@pytest.fixture
def ranked(world, period):
    """Ratings of the department's scope in every state: scored and not, equal scores and equal
    names, computed and decided levels, withheld, two staff groups, three units — and one rating
    in a sibling department, outside the secretary's reading."""
    units = [world.dept, world.division, world.sub_division]
    scores = [Decimal("95.50"), Decimal("88.00"), Decimal("88.00"), None, Decimal("72.25"), Decimal("49.00"),
              Decimal("88.00"), None, Decimal("91.00"), Decimal("65.00")]
    computed = ["htxs", "htt", "htt", "", "htt", "kht", "htt", "", "htxs", "ht"]
    decided = ["", "", "htxs", "", "ht", "", "", "", "htt", ""]
    names = ["Nguyễn Văn Bình", "Lê Thị An", "Lê Thị An", "Trần Đức Cường", "Phạm Thu Dung", "Hoàng Văn Em",
             "Đỗ Minh Giang", "Vũ Thị Hà", "Bùi Quốc Khánh", "Ngô Thanh Lâm"]
    ratings = []
    for i in range(30):
        n = i % 10
        person = UserFactory(full_name=names[n] if i < 20 else f"{names[n]} {i}", unit=units[i % 3],
                             staff_group=StaffGroup.CIVIL_SERVANT if i % 4 else StaffGroup.PUBLIC_EMPLOYEE)
        ratings.append(RatingFactory(
            period=period, person=person, score=scores[n], task_points=scores[n] and scores[n] - 20,
            computed_level=computed[n], level=decided[n], level_note="Hội đồng quyết" if decided[n] else "",
            withheld=computed[n] in ("kht", "") or i % 7 == 0, rank_in_unit=i // 3 + 1, rank_tied=i % 5 == 0,
            pending_reason="Chưa chấm điểm tiêu chí chung" if not computed[n] else ""))
    RatingFactory(period=period, person=UserFactory(full_name="Lê Thị An", unit=world.sibling), score=Decimal("99"),
                  computed_level="htxs")
    return ratings


def final(rating) -> str:
    return rating.level or rating.computed_level


def plainly(ratings, *, sort="score", q="", unit=None, level="", staff_group="", withheld=False):
    """The ranking as defined, in Python."""
    rows = [r for r in ratings
            if (not q or fold(q) in r.person.search_text)
            and (unit is None or r.unit.path.startswith(unit.path))
            and (not level or (final(r) == "" if level == "pending" else final(r) == level))
            and (not staff_group or r.staff_group == staff_group)
            and (not withheld or r.withheld)]
    name = lambda r: r.person.full_name  # noqa: E731
    score_desc = lambda r: (r.score is None, -(r.score or 0))  # noqa: E731
    keys = {
        "score": lambda r: (*score_desc(r), name(r), r.pk),
        "name": lambda r: (name(r), r.pk),
        "unit": lambda r: (r.unit.path, r.rank_in_unit, name(r), r.pk),
        "level": lambda r: (LEVEL_ORDER.get(final(r), 99), *score_desc(r), r.pk),
    }
    return sorted(rows, key=keys[sort])


def read_all_pages(client, url, params, size=20):
    """Every row of the ranking, page after page, and what the first page said."""
    ids, number, first = [], 1, None
    while True:
        response = client.get(url, {**params, "size": size, "page": number})
        assert response.status_code == 200
        page = response.context["page"]
        first = first or response
        ids += [r.pk for r in page.object_list]
        assert response.content.decode().count('data-testid="rating-row"') == len(page.object_list)
        if not page.has_next():
            return ids, first
        number += 1


def test_every_sort_pages_the_rows_in_their_defined_order(client, world, period, secretary, ranked):
    client.force_login(secretary)
    for sort in ("score", "name", "unit", "level"):
        ids, first = read_all_pages(client, reverse("emulation:period", args=[period.pk]), {"sort": sort}, size=20)
        assert ids == [r.pk for r in plainly(ranked, sort=sort)], sort
        assert first.context["page"].paginator.count == 30


FILTERS = [
    {"withheld": "on"},
    {"level": "htxs"}, {"level": "htt"}, {"level": "ht"}, {"level": "kht"}, {"level": "pending"},
    {"staff_group": StaffGroup.PUBLIC_EMPLOYEE},
    {"q": "le thi an"}, {"q": "Cường"}, {"q": "nobody"},
    {"unit": "division"},
    {"withheld": "on", "level": "pending", "sort": "name"},
    {"q": "van", "staff_group": StaffGroup.CIVIL_SERVANT, "sort": "level"},
]


def test_the_filters_keep_exactly_the_rows_they_name(client, world, period, secretary, ranked):
    client.force_login(secretary)
    for params in FILTERS:
        params = dict(params)
        if params.get("unit"):
            params["unit"] = world.division.pk
        ids, first = read_all_pages(client, reverse("emulation:period", args=[period.pk]), params, size=20)
        assert "filter-errors" not in first.content.decode(), params
        expected = plainly(ranked, sort=params.get("sort", "score"), q=params.get("q", ""),
                           unit=world.division if params.get("unit") else None, level=params.get("level", ""),
                           staff_group=params.get("staff_group", ""), withheld=bool(params.get("withheld")))
        assert expected or params == {"q": "nobody"}
        assert ids == [r.pk for r in expected], params
        assert first.context["page"].paginator.count == len(expected), params
        # The distribution is the whole period's, whatever the filters.
        assert first.context["chart"] == distribution(ranked), params


def distribution(ratings) -> list[dict]:
    labels = dict(RatingLevel.choices)
    return [{"level": level, "label": labels.get(level, ""), "n": sum(1 for r in ratings if final(r) == level)}
            for level in [*RatingLevel.values, ""]]


def test_the_distribution_counts_each_level_decided_else_computed(client, world, period, secretary, ranked):
    client.force_login(secretary)
    response = client.get(reverse("emulation:period", args=[period.pk]))
    chart = response.context["chart"]
    assert chart == distribution(ranked)
    assert [row["n"] for row in chart] == [6, 9, 6, 3, 6]  # htxs, htt, ht, kht, not rated yet
    table = response.content.decode().split('data-testid="distribution"')[1].split("</table>")[0]
    for row in chart:
        assert f"</span> {row['n']}</td>" in table


def test_the_export_lists_the_pages_rows_in_the_pages_order(client, world, period, secretary, ranked):
    client.force_login(secretary)
    for params, expected in (({"sort": "level", "withheld": "on"}, plainly(ranked, sort="level", withheld=True)),
                             ({}, plainly(ranked))):
        response = client.get(reverse("emulation:ranking_export", args=[period.pk]), params)
        sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
        rows = list(sheet.iter_rows(min_row=4, values_only=True))
        assert [row[0] for row in rows] == list(range(1, len(expected) + 1))
        assert [row[1] for row in rows] == [r.person.full_name for r in expected]
        assert [row[9] or "" for row in rows] == [final(r).upper() for r in expected]
        assert [row[11] == "x" for row in rows] == [r.withheld for r in expected]


def test_outsiders_get_404_and_an_official_only_their_own_page(client, world, period, ranked):
    for url in (reverse("emulation:period", args=[period.pk]), reverse("emulation:ranking_export", args=[period.pk])):
        client.force_login(world.outsider)
        assert client.get(url).status_code == 404
        client.force_login(world.head_sibling)
        assert client.get(url).status_code == 404
    official = Rating.objects.filter(period=period).select_related("person").first().person
    client.force_login(official)
    response = client.get(reverse("emulation:period", args=[period.pk]))
    assert response.status_code == 302 and response.url == reverse("emulation:person", args=[period.pk, official.pk])


@pytest.fixture
def many(world, period):
    """More ratings than the largest page holds."""
    return [RatingFactory(period=period, person=UserFactory(unit=world.division), score=Decimal(i % 50),
                          computed_level="htt", withheld=i % 3 == 0) for i in range(105)]


# session, user, OTP device (the scope comes with the session), the reader's own unit and the period
# (the period visible to them), the distribution with the number of matching rows (one aggregate),
# the page's rows (one query, their ids in a subquery), the running roles twice (what the reader
# may do), the latest recompute run
PAGE_QUERIES = 10


def test_the_ranking_page_reads_a_page_in_a_fixed_number_of_queries(client, period, secretary, many,
                                                                     django_assert_num_queries):
    client.force_login(secretary)
    url = reverse("emulation:period", args=[period.pk])
    client.get(url)
    for sort in ("score", "level", "unit"):
        for size, number in ((20, 1), (100, 1), (20, 3), (100, 2)):
            with django_assert_num_queries(PAGE_QUERIES):
                response = client.get(url, {"size": size, "page": number, "sort": sort})
            rows = response.content.decode().count('data-testid="rating-row"')
            assert rows == min(size, 105 - (number - 1) * size), (sort, size, number)


def test_the_rows_alone_need_no_more_queries_than_the_page(client, period, secretary, many, django_assert_num_queries):
    client.force_login(secretary)
    url = reverse("emulation:period", args=[period.pk])
    client.get(url)
    # What the filters ask again (htmx): the page's share minus the recompute run.
    with django_assert_num_queries(PAGE_QUERIES - 1):
        response = client.get(url, {"size": 100, "withheld": "on"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="results")
    assert response.content.decode().count('data-testid="rating-row"') == 35
