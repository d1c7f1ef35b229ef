"""Pure arithmetic of the statistics reports (no ORM): change against a base period, a share,
and the quarterly split of the annual collection target (25–30 % each, docs/reports.md)."""

from decimal import ROUND_HALF_UP, Decimal

RATE_PLACES = Decimal("0.0001")
FEN = Decimal("0.01")
HUNDRED = Decimal(100)
# Each quarter's share of the annual collection target, in percent (docs/reports.md,
# "Collection plan progress").
QUARTER_SHARE_MIN = Decimal(25)
QUARTER_SHARE_MAX = Decimal(30)


def change(now: Decimal, before: Decimal) -> Decimal | None:
    """(now − before) ÷ before to four places (0.25 = +25 %); None without a base to compare
    with (nothing before, or a negative base)."""
    if before is None or before <= 0:
        return None
    return ((now - before) / before).quantize(RATE_PLACES, ROUND_HALF_UP)


def share(part: Decimal, whole: Decimal) -> Decimal | None:
    """part ÷ whole to four places; None when the whole is nothing."""
    if not whole:
        return None
    return (part / whole).quantize(RATE_PLACES, ROUND_HALF_UP)


def split_problems(
    shares: list[Decimal], *, low: Decimal = QUARTER_SHARE_MIN, high: Decimal = QUARTER_SHARE_MAX
) -> list[tuple[int | None, str]]:
    """What is wrong with four quarterly shares (percent): (quarter 1–4, "range") for a share
    outside low–high (25–30 % by default), and (None, "sum") when they do not add up to 100 %.
    Empty when valid. With the default range only 25/25/25/25 passes (four shares of at least
    25 % make 100 % only when each is 25 %); widen the range to split unevenly."""
    problems: list[tuple[int | None, str]] = [
        (index, "range")
        for index, value in enumerate(shares, start=1)
        if value is None or not low <= value <= high
    ]
    if None not in shares and sum(shares, Decimal(0)) != HUNDRED:
        problems.append((None, "sum"))
    return problems


def quarter_plans(annual: Decimal, shares: list[Decimal]) -> list[Decimal]:
    """The annual target split by the four shares, each to the fen half up; the fourth quarter
    takes the rounding so the plans add up to the annual target exactly (100.00 at
    25/25/25/25 of 100.01 is 25.00, 25.00, 25.00, 25.01)."""
    plans = [(annual * share / HUNDRED).quantize(FEN, ROUND_HALF_UP) for share in shares[:3]]
    return [*plans, annual - sum(plans, Decimal(0))]
