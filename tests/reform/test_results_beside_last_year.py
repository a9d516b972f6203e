"""The index beside the previous year's (the set of year N-1 for the same group) on the ranking page
and in its export, and a unit's page: a chart per area and every lost point explained with a link
to its sub-criterion, the appraiser's comment and the evidence."""

import io
from datetime import timedelta
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from reform import services, structure
from reform.models import Assessment, Result
from tests.reform.conftest import build_set
from tests.reform.test_pages_and_api import JPEG, signed_in

pytestmark = pytest.mark.django_db


def vi(number) -> str:
    """A decimal as the Vietnamese pages show it: 68,00."""
    return str(number).replace(".", ",")


def run_through(exercise, criteria_set, *, cut: Decimal, photo: bool = False):
    """Every unit scores full marks, the appraiser takes `cut` off 1.1.1 of the first unit (with a
    reason), then the set is frozen and published."""
    subs = list(criteria_set.sub_criteria.filter(unit_kinds=[]).order_by("code"))
    for index, (unit, head) in enumerate(zip(exercise.communes, exercise.heads)):
        assessment = Assessment.objects.get(criteria_set=criteria_set, unit=unit)
        for sub in subs:
            files = [SimpleUploadedFile("bien-ban.jpg", JPEG, content_type="image/jpeg")] if (
                photo and index == 0 and sub.code == "1.1.1") else []
            services.score_self(actor=head, assessment=assessment, sub_criterion=sub, points=sub.max_points,
                                files=files)
        services.assessment_submit(actor=head, assessment=assessment)
        if index == 0 and cut:
            sub = criteria_set.sub_criteria.get(code="1.1.1")
            services.score_appraise(actor=exercise.appraiser, assessment=assessment, sub_criterion=sub,
                                    points=sub.max_points - cut, comment="Kế hoạch ban hành chậm 15 ngày")
        services.assessment_finish_appraisal(actor=exercise.appraiser, assessment=assessment)
    services.criteria_set_freeze(actor=exercise.secretary, criteria_set=criteria_set)
    services.criteria_set_publish(actor=exercise.secretary, criteria_set=criteria_set,
                                  published_on=timezone.localdate())


@pytest.fixture
def two_years(world):
    """Last year's set, published; this year's, copied from it and scored on the same communes."""
    this_year = timezone.localdate().year
    last = build_set(world, year=this_year - 1, communes=2)
    run_through(last, last.criteria_set, cut=Decimal(2))
    current = structure.criteria_set_copy(actor=last.secretary, source=last.criteria_set, members=True)
    services.criteria_set_open(actor=last.secretary, criteria_set=current, units=last.communes,
                               deadline=timezone.localdate() + timedelta(days=20))
    for assessment in current.assessments.all():
        services.appraiser_assign(actor=last.secretary, assessment=assessment, appraiser=last.appraiser)
    return last, current


def test_the_ranking_shows_last_years_index_beside_this_years(two_years):
    last, current = two_years
    run_through(last, current, cut=Decimal(0), photo=True)
    before = Result.objects.get(criteria_set=last.criteria_set, unit=last.communes[0])
    page = signed_in(last.secretary).get(f"/reform/{current.pk}/ranking/")
    body = page.content.decode()
    assert f"Chỉ số {current.year - 1} (%)" in body
    first = next(row for row in page.context["rows"] if row.unit_id == last.communes[0].pk)
    assert first.previous.index == before.index < first.index
    assert f'<td data-testid="previous-index">{vi(before.index)}</td>' in body
    # Each row leads the secretary to the scores behind it.
    assert f'href="/reform/assessments/{first.assessment_id}/"' in body


def test_the_ranking_export_has_last_years_columns(two_years):
    last, current = two_years
    run_through(last, current, cut=Decimal(0))
    response = signed_in(last.secretary).get(f"/reform/{current.pk}/ranking.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book.active.iter_rows(values_only=True))
    header = rows[2]
    assert header[-2:] == (f"Chỉ số năm {current.year - 1} (%)", f"Xếp loại năm {current.year - 1}")
    previous = {r.unit.name: r for r in Result.objects.filter(criteria_set=last.criteria_set).select_related("unit")}
    for row in rows[3:]:
        assert row[-2] == float(previous[row[1]].index) and row[-1] == previous[row[1]].band_name


def test_without_a_published_set_last_year_nothing_is_put_beside(small_exercise):
    services.criteria_set_recompute(criteria_set=small_exercise.criteria_set)
    page = signed_in(small_exercise.secretary).get(f"/reform/{small_exercise.criteria_set.pk}/ranking/")
    assert page.context["previous"] is None and 'data-testid="previous-index"' not in page.content.decode()


def test_the_units_page_charts_each_area_and_explains_every_lost_point(two_years):
    last, current = two_years
    run_through(last, current, cut=Decimal(3), photo=True)
    assessment = Assessment.objects.get(criteria_set=current, unit=last.communes[0])
    page = signed_in(last.heads[0]).get(f"/reform/assessments/{assessment.pk}/")
    body = page.content.decode()
    chart = page.context["chart"]
    assert [bar["area"].code for bar in chart] == ["1", "2", "3", "4", "5", "6", "7", "8"]
    first = chart[0]
    assert (first["obtained"], first["max"], first["percent"]) == (Decimal(7), Decimal(10), Decimal("70.0"))
    assert 'role="img"' in body and 'width="70.0%"' in body
    lost = page.context["lost"]
    assert [(sub.code, missing) for sub, _score, missing in lost] == [("1.1.1", Decimal(3))]
    sub, score, _missing = lost[0]
    section = body[body.index('data-testid="lost-points"'):]
    assert f'href="#sub-{sub.pk}"' in section and "Kế hoạch ban hành chậm 15 ngày" in section
    assert f'href="/reform/evidence/{score.evidence.get().pk}/"' in section
    # The unit's index beside last year's.
    assert 'data-testid="unit-result"' in body
    result = page.context["result"]
    previous = page.context["previous"]
    assert previous is not None and f"{vi(previous.index)}%" in body and result.index < 100


def test_the_ranking_page_with_last_year_beside_is_pinned(two_years):
    last, current = two_years
    run_through(last, current, cut=Decimal(0))
    client = signed_in(last.secretary)
    url = f"/reform/{current.pk}/ranking/"
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    # Queries: session, user (the access scope kept in the session), navigation roles, the set, the
    # count, the page of rows, last year's set, last year's results of the page's units, the
    # assessments one may read.
    assert len(small) == 9
