"""A whole period recomputed: what a computation remembers while it runs (translated reasons, how
each rule row is named and linked) changes no figure, reason or link of any rating, unit score or
verdict; and the number of queries does not grow with the number of officials."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from emulation import scoring
from emulation.models import Rating, UnitScore, Verdict
from tests.emulation.conftest import AFTER_THE_YEAR, at, task_row
from tests.factories import UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


def _officials(world, unit, n, start=0):
    for i in range(start, start + n):
        person = UserFactory(full_name=f"Công chức {unit.code} {i:02d}", unit=unit)
        task_row(person, deadline=at(3, 1))
        task_row(person, deadline=at(5, 1), submitted=at(5, 4, 9) if i % 3 == 0 else None)
        task_row(person, deadline=at(6, 1), send_backs=1 if i % 4 == 0 else 0, quality="excellent" if i % 5 == 0 else "good")


def _results(period):
    ratings = list(Rating.objects.filter(period=period).order_by("person_id").values(
        "person_id", "unit_id", "staff_group", "rule_set_id", "mode", "task_points", "score", "computed_level", "level",
        "pending_reason", "disqualified", "withheld", "rank_in_unit", "rank_tied", "breakdown"))
    scores = list(UnitScore.objects.filter(period=period).order_by("unit_id").values(
        "unit_id", "total", "max_total", "level", "rank", "rank_tied", "breakdown"))
    verdicts = list(Verdict.objects.filter(period=period).order_by("title", "person_id", "unit_id").values(
        "title", "person_id", "unit_id", "eligible", "conditions", "title_rule_id"))
    return ratings, scores, verdicts


def test_a_recompute_remembering_its_reasons_gives_what_each_official_computed_alone_gives(
        world, period, overdue_withholds, monkeypatch):
    unit = UnitFactory(parent=world.dept, code="D9", name="Phòng Tổng hợp")
    _officials(world, unit, 8)
    scoring.compute_period(period, now=AFTER_THE_YEAR)
    remembered = _results(period)
    assert len(remembered[0]) >= 8 and remembered[2]

    class Forgetful:  # every reason translated and every rule named again, as before the memo
        def set(self, value):
            return None

        def get(self):
            return None

        def reset(self, token):
            pass

    monkeypatch.setattr(scoring, "_MEMO", Forgetful())
    scoring.compute_period(period, now=AFTER_THE_YEAR)
    assert _results(period) == remembered


def test_the_queries_of_a_recompute_do_not_grow_with_the_officials(world, period, overdue_withholds):
    unit = UnitFactory(parent=world.dept, code="D8", name="Phòng Nội vụ")
    _officials(world, unit, 3)
    scoring.compute_period(period, now=AFTER_THE_YEAR)
    with CaptureQueriesContext(connection) as few:
        scoring.compute_period(period, now=AFTER_THE_YEAR)
    _officials(world, unit, 12, start=3)
    scoring.compute_period(period, now=AFTER_THE_YEAR)
    with CaptureQueriesContext(connection) as many:
        scoring.compute_period(period, now=AFTER_THE_YEAR)
    assert Rating.objects.filter(period=period, unit=unit).count() == 15
    assert len(many) == len(few), [q["sql"][:120] for q in many.captured_queries]
