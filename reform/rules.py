"""How the reform index is computed (DOMAIN.md §5; QĐ 892/QĐ-BNV of 2024 for provinces, each
province's own set for its departments and communes).

The figures themselves — maximum points, survey points, band names and thresholds — are rows of
the criteria set. What is fixed here is the arithmetic the decisions prescribe, and the product's
own defaults (named, each with why) where no decision fixes a figure.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import time
from decimal import ROUND_HALF_UP, Decimal

# "Chỉ số CCHC = tổng điểm đạt được ÷ tổng điểm tối đa áp dụng cho đơn vị × 100" (QĐ 892/QĐ-BNV, Part II).
INDEX_BASIS = "QĐ 892/QĐ-BNV ngày 05/12/2024, Phần II: chỉ số = điểm đạt ÷ điểm tối đa áp dụng × 100"
ZERO = Decimal(0)
HUNDRED = Decimal(100)  # an index, a band's threshold and a share are percentages: 0 to 100
CENT = Decimal("0.01")

# The figures below are the product's defaults, not the law's: no text of QĐ 892/QĐ-BNV or of a
# province's set fixes them, so they are named here, each with why, and a set's own column (its
# data) overrides the one that varies between provinces.

# Days a unit has, after its appraisal, to answer the appraisers (giải trình). A province's set
# names its own (CriteriaSet.answer_window_days); this is the default of a new set.
DEFAULT_ANSWER_WINDOW_DAYS = 7
# A self-assessment task falls due at the end of the set's deadline day: the unit has the whole day.
SELF_ASSESSMENT_DUE_AT = time(23, 59)
# A remedial task falls due at the end of the office day of its deadline, as the task engine's
# deadlines are read by the officials who accept the report.
REMEDY_DUE_AT = time(17, 0)
# A set is copied as the model of a later year, at most this many years on (a longer jump is
# more likely a typing error than a plan).
COPY_YEARS_AHEAD = 5


def index_percent(obtained: Decimal, applicable: Decimal) -> Decimal:
    """Points obtained as a percentage of the points applicable to the unit, to two decimals."""
    if applicable <= 0:
        return Decimal("0.00")
    return (Decimal(obtained) * HUNDRED / Decimal(applicable)).quantize(CENT, rounding=ROUND_HALF_UP)


def classify(percent: Decimal, bands: Iterable) -> object | None:
    """The highest band whose threshold the index reaches (`bands` have `min_percent`), else None."""
    reached = [band for band in bands if percent >= band.min_percent]
    return max(reached, key=lambda band: band.min_percent) if reached else None


def shared_ranks(values: Sequence[Decimal]) -> list[int]:
    """Competition ranking, highest first, ties sharing a rank ("1, 2, 2, 4")."""
    order = sorted(values, reverse=True)
    first = {}
    for position, value in enumerate(order, start=1):
        first.setdefault(value, position)
    return [first[value] for value in values]


def check_points(points: Decimal, *, method: str, max_points: Decimal, step: Decimal | None) -> str | None:
    """Why `points` is not a valid score of a sub-criterion scored by `method`, or None."""
    if points < 0 or points > max_points:
        return "range"
    if method == "yes_no" and points not in (Decimal(0), max_points):
        return "yes_no"
    if method == "scale" and step and (points % step) != 0 and points != max_points:
        return "step"
    return None
