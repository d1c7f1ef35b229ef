"""Funnel arithmetic as pure functions (no ORM): weighted pipeline, V value, stage conversion,
days per stage. Selectors feed them rows; tests feed them hand-made histories."""

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
RATE = Decimal("0.0001")
TENTH = Decimal("0.1")
SECONDS_PER_DAY = Decimal(86400)


def weighted(amount: Decimal, probability_percent: Decimal) -> Decimal:
    return (amount * probability_percent / 100).quantize(CENT, rounding=ROUND_HALF_UP)


def weighted_pipeline(rows: Iterable[tuple[Decimal, Decimal]]) -> Decimal:
    """Σ amount × win % over (amount, probability %) rows."""
    return sum((weighted(amount, p) for amount, p in rows), Decimal("0.00"))


def v_value(*, pipeline: Decimal, target: Decimal, achieved: Decimal) -> Decimal | None:
    """V值 = remaining weighted pipeline ÷ remaining quota. None when the target is met or unset
    (nothing remains to cover); ≥ 1 means the pipeline covers what is left."""
    remaining = target - achieved
    if remaining <= 0:
        return None
    return (pipeline / remaining).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Conversion:
    level: int
    reached: int
    advanced: int  # of those, how many reached the next level

    @property
    def rate(self) -> Decimal | None:
        if not self.reached:
            return None
        return (Decimal(self.advanced) / Decimal(self.reached)).quantize(RATE, ROUND_HALF_UP)


def stage_conversion(max_levels: Iterable[int], *, levels: Sequence[int]) -> list[Conversion]:
    """From the highest level each opportunity ever reached: for each level, how many reached it
    and how many of those went on to the next level."""
    return conversion_from_counts(Counter(max_levels), levels=levels)


def conversion_from_counts(
    highest: Mapping[int, int], *, levels: Sequence[int]
) -> list[Conversion]:
    """stage_conversion from how many opportunities had each highest level ({level: count}),
    what the funnel's SQL returns."""
    result = []
    for level in levels[:-1]:
        reached = sum(n for top, n in highest.items() if top >= level)
        advanced = sum(n for top, n in highest.items() if top >= level + 1)
        result.append(Conversion(level=level, reached=reached, advanced=advanced))
    return result


def average_days(seconds: int | Decimal, stays: int) -> Decimal:
    """The average stay in days, to a tenth rounded half up, from the summed whole seconds of
    `stays` stays."""
    return (Decimal(seconds) / stays / SECONDS_PER_DAY).quantize(TENTH, ROUND_HALF_UP)


def days_per_stage(
    history: Iterable[tuple[int, int, datetime]], *, now: datetime | None = None
) -> dict[int, Decimal]:
    """Average days an opportunity stays in each level, from (opportunity id, level entered,
    when) rows in time order per opportunity. Only finished stays count (the stay in the current
    level is still running), unless `now` is given to close them."""
    # Whole seconds in Decimal, not float days: an average of 6.25 days must round to 6.3.
    stays: dict[int, list[Decimal]] = defaultdict(list)
    previous: dict[int, tuple[int, datetime]] = {}

    def seconds(later: datetime, earlier: datetime) -> Decimal:
        delta = later - earlier
        return Decimal(delta.days * 86400 + delta.seconds)

    for opportunity_id, level, when in history:
        if opportunity_id in previous:
            entered_level, entered_at = previous[opportunity_id]
            stays[entered_level].append(seconds(when, entered_at))
        previous[opportunity_id] = (level, when)
    if now is not None:
        for level, entered_at in previous.values():
            stays[level].append(seconds(now, entered_at))
    return {
        level: average_days(sum(values), len(values)) for level, values in sorted(stays.items())
    }
