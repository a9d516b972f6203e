"""Document types: each is one declaration (documents/kinds.py) naming how to find its record for a
user, who issues it, and the context its template reads."""

from dataclasses import dataclass, field
from typing import Any, Callable

# Placeholders every template must contain (Decree 30/2020/NĐ-CP layout); a type adds its own.
COMMON_PLACEHOLDERS = (
    "superior_body", "issuing_body", "number_line", "place_date", "title", "summary",
    "bases", "recipients", "signer_authority", "signer_title", "signer_name",
)


@dataclass(frozen=True)
class DocumentKind:
    key: str  # URL slug and file name of the default template
    label: str  # e.g. "Quyết định kỷ luật"
    abbreviation: str  # the type's abbreviation in "Số: 12/QĐ-UBND" (Decree 30, appendix III)
    get_for_user: Callable[[Any, int], Any]  # the record, or Http404 for whoever may not see it
    context: Callable[[Any], dict]  # the record's part of the template context
    issuing_unit: Callable[[Any], Any]  # the unit whose register numbers the document
    may_issue: Callable[[Any, Any], bool]  # whether the user may register its number
    placeholders: tuple[str, ...] = ()  # what this type's template must contain beyond the common ones
    table: tuple[str, ...] = ()  # headings of the list the template carries (rows in `rows`)
    table_widths_mm: tuple[int, ...] = ()  # its column widths (165 mm in all); default a narrow number column
    body_heading: str = ""  # e.g. "QUYẾT ĐỊNH:" between the bases and the body
    record_url: Callable[[Any], str] | None = None
    # The number and date the record itself carries, when it is signed under a number given outside the
    # product (a decision typed in from the office's paper register): the document prints that one and
    # no register number is drawn for it, so a decision never carries two numbers.
    own_number: Callable[[Any], tuple[str, Any]] | None = None
    extra: dict = field(default_factory=dict)

    @property
    def required(self) -> tuple[str, ...]:
        return COMMON_PLACEHOLDERS + self.placeholders + (("rows",) if self.table else ())


KINDS: dict[str, DocumentKind] = {}


def register(kind: DocumentKind) -> DocumentKind:
    KINDS[kind.key] = kind
    return kind
