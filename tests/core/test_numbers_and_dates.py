"""Numbers and dates inside sentences read as on the pages: "62,67 điểm", "14:30 02/12/2026"."""

from datetime import datetime
from decimal import Decimal

from django.utils import timezone, translation

from core.dates import show_datetime
from core.numbers import show_number


def test_numbers_in_sentences_use_the_comma_on_vietnamese_pages():
    with translation.override("vi"):
        assert show_number(Decimal("62.67")) == "62,67"
        assert show_number(15.0) == "15" and show_number(Decimal("0.5")) == "0,5" and show_number(None) == "—"
    with translation.override("en"):
        assert show_number(Decimal("62.67")) == "62.67"


def test_date_and_time_are_written_in_the_pages_order():
    moment = timezone.make_aware(datetime(2026, 12, 2, 14, 30))
    assert show_datetime(moment) == "14:30 02/12/2026"
