"""Vietnamese collation of names, the same on PostgreSQL and SQLite.

In the Vietnamese alphabet "Đ" is a letter of its own between "D" and "E", "Ă" and "Â" follow
"A", "Ơ" and "Ô" follow "O", "Ư" follows "U"; tone marks only break ties. A byte or code-point
order puts every "Đ…" name after "V…", and a generic Latin order treats "Đ" as "D".

PostgreSQL orders by the ICU collation VIETNAMESE created by accounts' migration; SQLite orders
by the same rules written here, registered on every new connection under the same name. Order by
`by_vietnamese("full_name")` (or `"person__full_name"`…) wherever people see a sorted list of names.
"""

import unicodedata

from django.db.models import F
from django.db.models.functions import Collate

VIETNAMESE = "vietnamese"  # on PostgreSQL, the ICU collation "vi-VN" (accounts' migration 0003)

# Letter-forming marks: they make another letter of the alphabet ("ă", "â", "ơ", "ư", "ê", "ô").
_LETTER_MARKS = {"\u0306": 1, "\u0302": 2, "\u031b": 3}  # breve, circumflex, horn
# Tone marks, in the order of Vietnamese dictionaries: level, falling, hook, tilde, rising, heavy.
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}


def sort_key(text: str) -> tuple:
    """Key ordering `text` as a Vietnamese dictionary does: letters first (đ after d, ă and â after
    a…), then tones, then case."""
    letters, tones = [], []
    for char in unicodedata.normalize("NFC", text or "").lower():
        if char == "đ":
            letters.append(("d", 9))  # after every "d" (no mark makes another d)
            tones.append(0)
            continue
        base, *marks = unicodedata.normalize("NFD", char)
        letters.append((base, sum(_LETTER_MARKS.get(m, 0) for m in marks)))
        tones.append(sum(_TONES.get(m, 0) for m in marks))
    return tuple(letters), tuple(tones), text or ""


def _compare(left: str, right: str) -> int:
    a, b = sort_key(left), sort_key(right)
    return (a > b) - (a < b)


def register_on_sqlite(sender, connection, **kwargs):
    """connection_created receiver: teaches each new SQLite connection the VIETNAMESE collation."""
    if connection.vendor == "sqlite":
        connection.connection.create_collation(VIETNAMESE, _compare)


def by_vietnamese(field: str) -> Collate:
    """`field` collated the Vietnamese way, for `order_by` (add `.desc()` for the reverse)."""
    return Collate(F(field), VIETNAMESE)
