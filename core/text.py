"""Diacritic-insensitive text folding for search.

Vietnamese users type names with or without diacritics ("nguyen van a" must find
"Nguyễn Văn A", "dak lak" must find "Đắk Lắk"). Searchable models store a folded copy of
their text, so the same `contains` query works on SQLite and PostgreSQL and can be
indexed; queries are folded with the same function.
"""

import re
import unicodedata

# đ/Đ are letters of their own, not d plus a combining mark, so NFD leaves them alone.
_SPECIAL = str.maketrans({"đ": "d", "Đ": "D"})
# Control characters count as white space: no name holds one, and PostgreSQL refuses NUL in
# text, so a search typed (or sent) with one would otherwise fail instead of finding nothing.
_SPACES = re.compile(r"[\s\x00-\x1f\x7f]+")


def fold(text: str | None) -> str:
    """Lower-case `text`, strip Vietnamese diacritics and collapse white space (control characters
    included)."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFD", text.translate(_SPECIAL))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped).strip().lower()
