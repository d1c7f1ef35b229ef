"""Late-payment penalty (违约金) as pure functions: day-by-day accrual on the overdue balance.

Conventions (docs/receivables.md, "Late-payment penalty"):

- Penalty days are the days after the due date: the due date itself accrues nothing, the day
  after it is day 1. This is the same count as `aging.days_overdue`.
- Day D accrues on the balance still owed at the start of D: money received on day P was late
  P - due days, so the paid part accrues up to and including P and stops from P + 1. The end
  date of a computation accrues too. Together: each yuan accrues (min(date it left the balance,
  end) - due) days. 10,000.00 due 2025-01-01, 9,000.00 paid 2025-01-31, to 2025-03-02:
  9,000 x 30 + 1,000 x 60 = 330,000 yuan-days x 0.05 % = 165.00.
- A reduction (payment allocation, write-off) dated on or before the due date was never late.
- Nothing is rounded until the end: a receivable's penalty is the exact sum over its segments,
  rounded half-up to the fen once. The part accrued in a period is the rounded cumulative at the
  period's end minus the rounded cumulative the day before it starts, so consecutive periods
  add up exactly to the total.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
ONE_DAY = timedelta(days=1)


def to_fen(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def rate_percent(rate: Decimal) -> str:
    """A daily rate as printed: 0.000500 -> "0.05" (per cent, no trailing zeros)."""
    return f"{(rate * 100).normalize():f}"


@dataclass(frozen=True)
class Reduction:
    """Something that lowered a receivable's balance on a date: a payment's allocation (dated
    by the payment) or a write-off."""

    on: date
    amount: Decimal


@dataclass(frozen=True)
class Segment:
    """Consecutive penalty days, `first` to `last` inclusive, on the same overdue balance."""

    first: date
    last: date
    balance: Decimal

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def days_within(self, start: date, end: date) -> int:
        first, last = max(self.first, start), min(self.last, end)
        return max((last - first).days + 1, 0)


def overdue_segments(
    *, owed: Decimal, due: date, reductions: Iterable[Reduction], end: date
) -> list[Segment]:
    """The runs of penalty days from the day after `due` to `end` with a positive balance.
    `owed` is what was still owed before any reduction (for an opening balance: the amount
    minus what was paid before go-live). Reductions after `end` are ignored."""
    if end <= due:
        return []
    balance = owed
    later = defaultdict(lambda: ZERO)
    for reduction in reductions:
        if reduction.on <= due:
            balance -= reduction.amount
        elif reduction.on <= end:
            later[reduction.on] += reduction.amount
    segments = []
    first = due + ONE_DAY
    for on in sorted(later):
        if balance > 0:
            segments.append(Segment(first, on, balance))
        balance -= later[on]
        first = on + ONE_DAY
    if balance > 0 and first <= end:
        segments.append(Segment(first, end, balance))
    return segments


@dataclass(frozen=True)
class PenaltyAccrual:
    """The penalty of one receivable up to `end`, from its overdue segments."""

    due: date
    end: date
    daily_rate: Decimal
    segments: tuple[Segment, ...]
    # What is still owed once every reduction dated on or before `end` is counted: a payment on
    # `end` itself still accrues that day (the last segment) but leaves nothing overdue.
    balance_at_end: Decimal = ZERO

    def _exact(self, start: date | None = None) -> Decimal:
        total = ZERO
        for segment in self.segments:
            days = segment.days if start is None else segment.days_within(start, self.end)
            total += segment.balance * days
        return total * self.daily_rate

    @property
    def total(self) -> Decimal:
        """Accrued from the due date up to and including `end`, rounded once."""
        return to_fen(self._exact())

    def in_period(self, start: date) -> Decimal:
        """Accrued on the days `start`..`end`: the rounded total at `end` minus the rounded
        total on the day before `start` (computed without that date, so `date.min` works)."""
        exact = self._exact()
        return to_fen(exact) - to_fen(exact - self._exact(start))

    @property
    def daily_rate_percent(self) -> str:
        return rate_percent(self.daily_rate)

    @property
    def overdue_balance(self) -> Decimal:
        """The balance still overdue at the end of `end` (zero once paid, written off or not
        yet due); a payment dated `end` counts."""
        if self.end <= self.due:
            return ZERO
        return max(self.balance_at_end, ZERO)

    @property
    def days_overdue(self) -> int:
        """Days past due on `end` while something is still overdue, else 0."""
        return (self.end - self.due).days if self.overdue_balance else 0


def penalty_accrual(
    *,
    owed: Decimal,
    due: date,
    reductions: Iterable[Reduction],
    end: date,
    daily_rate: Decimal,
) -> PenaltyAccrual:
    reductions = list(reductions)
    segments = overdue_segments(owed=owed, due=due, reductions=reductions, end=end)
    left = owed - sum((r.amount for r in reductions if r.on <= end), ZERO)
    return PenaltyAccrual(
        due=due, end=end, daily_rate=daily_rate, segments=tuple(segments), balance_at_end=left
    )
