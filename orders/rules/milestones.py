"""Payment milestones (付款节点) as arithmetic: the amounts of a plan and the day each falls due.

A plan is valid when every milestone is either a percent or an amount and the amounts add up to
the contract total to the fen. A percent milestone's amount is its share of the total to the fen
(half up); the last percent milestone not yet raised takes the rounding, so 33.3333% + 33.3333%
+ 33.3334% of 100.00 is 33.33 + 33.33 + 33.34. When every milestone is a percent one (and none
is raised) the percents must add up to exactly 100. A raised milestone (its receivable exists)
keeps its amount whatever the total becomes, so after a supplement the remaining milestones must
make up the rest.
"""

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from salesops.core.workdays import add_working_days

CENT = Decimal("0.01")
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class PlanLine:
    percent: Decimal | None = None
    amount: Decimal | None = None
    raised: bool = False  # the amount is the raised receivable's and does not move


class PlanError(ValueError):
    """Why a plan does not add up: `code` and the figures a message needs."""

    def __init__(self, code: str, **figures):
        super().__init__(code)
        self.code, self.figures = code, figures


def plan_amounts(total: Decimal, lines: Sequence[PlanLine]) -> list[Decimal]:
    """The amount of each milestone of the plan, in order; PlanError when the plan is not valid:
    "empty", "percent_or_amount" (position), "not_positive" (position), "percent_sum" (percent),
    "amount_sum" (planned, total, difference = total − planned)."""
    if not lines:
        raise PlanError("empty")
    for position, line in enumerate(lines, start=1):
        if not line.raised and (line.percent is None) == (line.amount is None):
            raise PlanError("percent_or_amount", position=position)
        value = line.amount if line.percent is None or line.raised else line.percent
        if value is None or value <= 0:
            raise PlanError("not_positive", position=position)
    # Raised milestones' percents were of the total they were raised on: once one is raised,
    # only the amounts must add up.
    if all(line.percent is not None and not line.raised for line in lines):
        percent = sum((line.percent for line in lines), Decimal(0))
        if percent != HUNDRED:
            raise PlanError("percent_sum", percent=percent)
    amounts = [
        line.amount if line.raised or line.percent is None else share(total, line.percent)
        for line in lines
    ]
    shared = [i for i, line in enumerate(lines) if not line.raised and line.percent is not None]
    if shared:
        # The percent milestones together come to their share of the total rounded once; the
        # last of them takes what the separate roundings left over.
        together = share(total, sum((lines[i].percent for i in shared), Decimal(0)))
        amounts[shared[-1]] = together - sum((amounts[i] for i in shared[:-1]), Decimal(0))
    planned = sum(amounts, Decimal("0.00"))
    if planned != total or any(amount <= 0 for amount in amounts):
        raise PlanError("amount_sum", planned=planned, total=total, difference=total - planned)
    return amounts


def share(total: Decimal, percent: Decimal) -> Decimal:
    """`percent` % of `total`, to the fen, half up."""
    return (total * percent / HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP)


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it has no such day
    (2026-01-31 + 1 month = 2026-02-28): when a warranty of that many months ends."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def start_day(
    *, trigger: str, trigger_day: date, fixed_date: date | None, warranty_months: int
) -> date:
    """The day a milestone's offset counts from: its fixed date, the end of the warranty
    (acceptance + warranty months) or else the day of its trigger."""
    if trigger == "fixed":
        return fixed_date
    if trigger == "warranty":
        return add_months(trigger_day, warranty_months)
    return trigger_day


def due_day(*, start: date, offset: int, working_days: bool) -> date:
    """`offset` calendar days or working days (Chinese official calendar, 调休 included) after
    `start`; WorkdayCalendarError when working days reach past the calendar's data."""
    if working_days:
        return add_working_days(start, offset)
    return start + timedelta(days=offset)
