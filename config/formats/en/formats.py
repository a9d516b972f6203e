# English pages keep the dd/mm/yyyy dates of the documents they show; only numbers differ.
from config.formats.vi.formats import *  # noqa: F403

DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
