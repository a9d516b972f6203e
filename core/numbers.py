"""Numbers inside sentences, written as the page's language writes them.

Templates localise numbers themselves ("62,67" on a Vietnamese page), but a number put into a
sentence with `%` keeps Python's "62.67" — and such sentences (the reasons behind a score or a
verdict) are stored and shown beside the localised figures. Format them with show_number.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.utils import formats


def show_number(value: Decimal | float | int | None, places: int = 2) -> str:
    """`value` rounded to `places` decimals, trailing zeros dropped, with the active language's
    decimal separator: 62.67 → "62,67", 0.50 → "0,5", 15.00 → "15" on a Vietnamese page;
    "—" for None."""
    if value is None:
        return "—"
    rounded = Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return formats.number_format(Decimal(format(rounded.normalize(), "f")), use_l10n=True)
