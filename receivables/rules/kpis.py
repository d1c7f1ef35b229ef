"""Pure KPI arithmetic (no ORM): rates, turnover and DSO, bad-debt rate, where a collection rate
stands against its class's range, and a collection target prorated to the page's period."""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

RATE_PLACES = Decimal("0.0001")
FEN = Decimal("0.01")
DAYS_PER_YEAR = Decimal(365)


@dataclass(frozen=True)
class Figure:
    """A KPI value, or None with the reason there is none (shown, never a silent blank)."""

    value: Decimal | None
    reason: str = ""


def rate(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    """numerator ÷ denominator to four places (0.8512 = 85.12 %); None when nothing to divide by."""
    if not denominator:
        return None
    return (numerator / denominator).quantize(RATE_PLACES, ROUND_HALF_UP)


def plain_percent(value: Decimal) -> str:
    """A setting's rate as a bare percentage for a sentence: 0.85 -> "85", 0.875 -> "87.5"
    (normalize() alone would write 0.9 as "9E+1")."""
    percent = value * 100
    if percent == percent.to_integral_value():
        return str(int(percent))
    return f"{percent.normalize():f}"


def turnover_and_dso(
    *, sales: Decimal, opening: Decimal, closing: Decimal, days: int
) -> tuple[Figure, Figure]:
    """Turnover (周转率) = credit sales annualised (× 365 ÷ days) ÷ average receivables, the mean
    of the opening and closing balance; DSO (周转天数) = 365 ÷ turnover, which is the same as
    average receivables × days ÷ sales. DSO is computed from the unrounded values, so rounding
    the turnover for display never moves it (945.0 stays 945.0, not 365 ÷ 0.39 = 935.9)."""
    if sales <= 0:
        reason = _("No credit sales in the period.")
        return Figure(None, reason), Figure(None, reason)
    average = (opening + closing) / 2
    dso = Figure((average * days / sales).quantize(Decimal("0.1"), ROUND_HALF_UP))
    if average <= 0:
        return Figure(None, _("No receivables outstanding at the start or end.")), dso
    turnover = sales * DAYS_PER_YEAR / days / average
    return Figure(turnover.quantize(FEN, ROUND_HALF_UP)), dso


def bad_debt_rate(*, written_off: Decimal, closing: Decimal) -> Figure:
    """坏账率 = written off in the period ÷ the total receivable balance: outstanding at the
    period's end plus what was written off in it."""
    total = closing + written_off
    if total <= 0:
        return Figure(None, _("Nothing outstanding at the period's end and nothing written off."))
    return Figure(rate(written_off, total))


# Where a collection rate stands against its class's range (min and max both inclusive).
BELOW, IN_RANGE, ABOVE, NO_RANGE, NO_RATE = "below", "in_range", "above", "no_range", "no_rate"
STATUS_LABELS = {
    BELOW: _("Below threshold"),
    IN_RANGE: _("Within range"),
    ABOVE: _("Above range"),
    NO_RANGE: _("No threshold"),
    NO_RATE: _("Nothing due"),
}


def range_status(value: Decimal | None, *, low: Decimal | None, high: Decimal | None) -> str:
    """B's "70–80 %" reads: below 70 % is below threshold, 70–80 % within range, above 80 %
    above range (better than expected, not a warning). A class without either end (C: a
    special collection plan) has no threshold to miss."""
    if value is None:
        return NO_RATE
    if low is None and high is None:
        return NO_RANGE
    if low is not None and value < low:
        return BELOW
    if high is not None and value > high:
        return ABOVE
    return IN_RANGE


@dataclass(frozen=True)
class TargetSpan:
    """One collection target (回款目标): its period kind, first and last day, and amount."""

    period: str
    start: date
    end: date
    amount: Decimal


@dataclass(frozen=True)
class PeriodTarget:
    """The target for a page's period, or None with the reason it cannot be compared."""

    amount: Decimal | None
    period: str = ""
    prorated: bool = False
    reason: str = ""


# Finest first: a quarter's own target says more about that quarter than a share of the year's.
GRAINS = ("month", "quarter", "year")


def target_for_period(spans: list[TargetSpan], *, start: date, end: date) -> PeriodTarget:
    """The collection target for [start, end] from one kind of target (the finest whose targets
    cover every day of it): each target counts in proportion to the share of its days inside the
    period (the year's 36,500 for 1 January – 30 June is 36,500 × 181 ÷ 365 = 18,100.00). When no
    kind covers the whole period (a single quarter's target against a year) the comparison is
    refused: the target would stand for only part of the money collected."""
    days = (end - start).days + 1
    best = 0
    for grain in GRAINS:
        amount, covered, prorated = Decimal(0), 0, False
        for span in spans:
            if span.period != grain:
                continue
            overlap = (min(end, span.end) - max(start, span.start)).days + 1
            if overlap <= 0:
                continue
            span_days = (span.end - span.start).days + 1
            amount += span.amount * overlap / span_days
            covered += overlap
            prorated = prorated or overlap < span_days
        # Targets of one kind never overlap (one per owner, kind and start), so days add up.
        if covered == days:
            return PeriodTarget(amount.quantize(FEN, ROUND_HALF_UP), grain, prorated)
        best = max(best, covered)
    if not best:
        return PeriodTarget(None, reason=_("No collection target for this period."))
    return PeriodTarget(
        None,
        reason=_(
            "The collection targets cover only %(covered)s of this period's %(days)s days; "
            "choose a period they cover, such as the target's own quarter."
        )
        % {"covered": best, "days": days},
    )


# Credit managers' metrics (docs/receivables.md, "Credit metrics"). Each is an exact quotient of
# its inputs, never rounded on the way (ADD is a difference of two unrounded DSOs), and None when
# what it divides by is zero: the caller says why instead of showing a made-up 0.


def days_sales_outstanding(*, receivables: Decimal, sales: Decimal, days: int) -> Decimal | None:
    """DSO (周转天数) = receivables × days ÷ credit sales, unrounded; with the average receivables
    this is 365 ÷ turnover (the rounded figure of `turnover_and_dso`)."""
    if not sales:
        return None
    return receivables * days / sales


def best_possible_dso(*, current: Decimal, sales: Decimal, days: int) -> Decimal | None:
    """Best-possible DSO = current (not yet due) receivables × days ÷ credit sales: the DSO the
    book would have if every customer paid on its due date."""
    return days_sales_outstanding(receivables=current, sales=sales, days=days)


def average_days_delinquent(
    *, dso: Decimal | None, best_possible: Decimal | None
) -> Decimal | None:
    """ADD = DSO − best-possible DSO: the days by which customers pay late, on average."""
    if dso is None or best_possible is None:
        return None
    return dso - best_possible


def collection_effectiveness(
    *, opening: Decimal, sales: Decimal, closing: Decimal, closing_current: Decimal
) -> Decimal | None:
    """CEI = (opening AR + credit sales − closing AR) ÷ (opening AR + credit sales − closing
    current AR) × 100: what was collected against what could have been (everything but what is
    not yet due at the end). 100 means nothing collectable was left unpaid."""
    collectable = opening + sales - closing_current
    if not collectable:
        return None
    return (opening + sales - closing) / collectable * 100


def at_risk_share(*, over_last_bucket: Decimal, outstanding: Decimal) -> Decimal | None:
    """At-risk share = the balance over 90 days past due ÷ everything outstanding (0.25 = 25 %)."""
    if not outstanding:
        return None
    return over_last_bucket / outstanding
