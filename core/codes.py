"""Record codes ("NV2026-000042", "TT2026-000007"), drawn once per record from a sequence per
prefix and year, in the transaction that writes the record.

The sequence row stays locked until that transaction ends, so two records written at once get
two numbers, and a transaction that rolls back gives its number back: no gaps, no duplicates,
no temporary codes. A sequence starts after the highest code already in the table (records
imported with their own codes, or written before the sequence existed), and skips a code an
import has taken since."""

from __future__ import annotations

import re

from django.db import IntegrityError, models, transaction
from django.utils import timezone

from core.models import CodeSequence

WIDTH = 6


def code_for(prefix: str, year: int, number: int) -> str:
    return f"{prefix}{year}-{number:0{WIDTH}d}"


def _highest_taken(model: type[models.Model], field: str, prefix: str, year: int) -> int:
    start = f"{prefix}{year}-"
    pattern = re.compile(rf"^{re.escape(start)}(\d+)$")
    numbers = [int(m.group(1)) for value in model._default_manager.filter(**{f"{field}__startswith": start})
               .values_list(field, flat=True).iterator() if (m := pattern.match(value))]
    return max(numbers, default=0)


def _sequence(model: type[models.Model], field: str, prefix: str, year: int) -> CodeSequence:
    sequences = CodeSequence.objects.select_for_update()
    try:
        return sequences.get(prefix=prefix, year=year)
    except CodeSequence.DoesNotExist:
        pass
    try:
        with transaction.atomic():
            return CodeSequence.objects.create(prefix=prefix, year=year,
                                               last=_highest_taken(model, field, prefix, year))
    except IntegrityError:  # another transaction created it first: wait for its lock
        return sequences.get(prefix=prefix, year=year)


def next_code(model: type[models.Model], prefix: str, *, field: str = "code", year: int | None = None) -> str:
    """The next free code of `model` for `prefix` in `year` (this year by default). Call it inside
    the transaction that writes the record."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_code() must run inside the transaction that writes the record.")
    year = year or timezone.localdate().year
    sequence = _sequence(model, field, prefix, year)
    taken = model._default_manager.filter
    number = sequence.last + 1
    while taken(**{field: code_for(prefix, year, number)}).exists():
        number += 1
    sequence.last = number
    sequence.save(update_fields=["last"])
    return code_for(prefix, year, number)
