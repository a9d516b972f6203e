"""The decision lists' columns say what they hold: the title (danh hiệu) and the nominee."""

import re

import pytest
from django.urls import reverse

from emulation import scoring, services
from emulation.models import Rating, Title
from tests.emulation.conftest import AFTER_THE_YEAR
from tests.emulation.test_council import to_voting
from tests.emulation.test_pages import populate

pytestmark = pytest.mark.django_db


def test_the_nomination_list_says_title_and_nominee(client, world, period, secretary):
    people = populate(world, period, 1)
    scoring.compute_period(period, now=AFTER_THE_YEAR)
    services.rating_set_general(actor=world.head_dept, rating=Rating.objects.get(period=period, person=people[0]),
                                points=15, note="Đạt")
    scoring.compute_period(period, now=AFTER_THE_YEAR)
    period = to_voting(period, secretary)
    services.nomination_create(actor=world.head_dept, period=period, title=Title.LDTT, person=people[0])
    client.force_login(secretary)
    page = client.get(reverse("emulation:nominations", args=[period.pk])).content.decode()
    headers = re.findall(r'<th scope="col">([^<]*)</th>', page)
    assert headers[:2] == ["Danh hiệu", "Cá nhân, tập thể được đề nghị"]


def test_the_score_in_a_verdicts_evidence_uses_the_comma(world, period):
    from decimal import Decimal

    from emulation.models import Verdict

    people = populate(world, period, 1)
    scoring.compute_period(period, now=AFTER_THE_YEAR)
    rating = Rating.objects.get(period=period, person=people[0])
    services.rating_set_general(actor=world.head_dept, rating=rating, points=Decimal("12.67"), note="Đạt")
    scoring.compute_period(period, now=AFTER_THE_YEAR)
    rating.refresh_from_db()
    assert rating.score != rating.score.to_integral_value()  # a score with decimals
    labels = [e["label"] for v in Verdict.objects.filter(period=period, person=people[0])
              for c in v.conditions for e in c.get("evidence", []) if e["label"].startswith("Xếp loại")]
    assert labels and all("." not in label and "," in label for label in labels), labels
