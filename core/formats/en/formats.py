# English pages keep the dd/mm/yyyy dates of the documents they show; only numbers differ.
from core.formats.vi.formats import *  # noqa: F403

DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
