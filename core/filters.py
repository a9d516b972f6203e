"""Filter fields with their range checked once, for every list page's filter form and every list
API's filter serializer.

A date, year or record number from the query string is parsed by Django or DRF, which accept any
value Python can hold: 9999-12-31 then overflows when it is made aware or a day is added to it,
and a twenty-digit year or id overflows in the database. These fields refuse what lies outside
the product's range, with a message naming the range, so the form or serializer answers with the
field's error (a message on the page, or 400) before a query is built."""

from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

FIRST_DATE, LAST_DATE = date(1900, 1, 1), date(2100, 12, 31)
FIRST_YEAR, LAST_YEAR = 2000, 2100  # the years a plan, an inspection or an emulation period can have
LAST_ID = 2**63 - 1  # primary keys are 64-bit (DEFAULT_AUTO_FIELD)

def date_range_message():
    return _("Enter a date between the years %(first)d and %(last)d.") % {"first": FIRST_DATE.year, "last": LAST_DATE.year}


def _year_range_message():
    return _("Enter a year between %(first)d and %(last)d.") % {"first": FIRST_YEAR, "last": LAST_YEAR}


def _id_range_message():
    return _("Not a record number.")


def in_date_range(day: date | None) -> bool:
    return day is None or FIRST_DATE <= day <= LAST_DATE


# --- page filter forms (django.forms) --------------------------------------------------------------

class DateFilterField(forms.DateField):
    def validate(self, value):
        super().validate(value)
        if not in_date_range(value):
            raise ValidationError(date_range_message(), code="date_range")


class _BoundedIntegerField(forms.IntegerField):
    first: int
    last: int

    def validate(self, value):
        super().validate(value)
        if value is not None and not self.first <= value <= self.last:
            raise ValidationError(self.message(), code="range")


class YearFilterField(_BoundedIntegerField):
    first, last = FIRST_YEAR, LAST_YEAR
    message = staticmethod(_year_range_message)


class IdFilterField(_BoundedIntegerField):
    first, last = 1, LAST_ID
    message = staticmethod(_id_range_message)


# --- API filter serializers (DRF) ---------------------------------------------------------------

class DateFilter(serializers.DateField):
    def to_internal_value(self, value):
        day = super().to_internal_value(value)
        if not in_date_range(day):
            raise serializers.ValidationError(date_range_message(), code="date_range")
        return day


class _BoundedInteger(serializers.IntegerField):
    first: int
    last: int

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if not self.first <= value <= self.last:
            raise serializers.ValidationError(self.message(), code="range")
        return value

    def __init__(self, **kwargs):
        # Described in the schema as the range it is.
        kwargs.setdefault("min_value", self.first)
        kwargs.setdefault("max_value", self.last)
        super().__init__(**kwargs)


class YearFilter(_BoundedInteger):
    first, last = FIRST_YEAR, LAST_YEAR
    message = staticmethod(_year_range_message)


class IdFilter(_BoundedInteger):
    first, last = 1, LAST_ID
    message = staticmethod(_id_range_message)
