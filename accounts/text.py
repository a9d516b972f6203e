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
_SPACES = re.compile(r"\s+")


def fold(text: str | None) -> str:
    """Lower-case `text`, strip Vietnamese diacritics and collapse white space."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFD", text.translate(_SPECIAL))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped).strip().lower()
