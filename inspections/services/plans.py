"""Inspection plans."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Unit
from core.errors import require, required_text
from inspections.access import can_inspect_from
from inspections.models import InspectionPlan
from inspections.services._common import _today


@transaction.atomic
def plan_create(*, actor, issuing_unit: Unit, year: int, title: str, number: str = "", approved_on=None,
                note: str = "") -> InspectionPlan:
    require(can_inspect_from(actor, issuing_unit))
    title = required_text(title, "title", _("Give the plan a title."))
    if not 2000 <= int(year) <= 2100:
        raise ValidationError({"year": _("Enter a year such as %(year)d.") % {"year": _today().year}})
    return InspectionPlan.objects.create(organisation_id=issuing_unit.organisation_id, issuing_unit=issuing_unit,
                                         year=year, title=title, number=number.strip(), approved_on=approved_on,
                                         note=note.strip(), created_by=actor)
