"""The commission statement (docs/reports.md, "Commission"): per rep, a month's lines and totals
with the pay split, the report's build function, and the rep's commission so far for the home
page."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from reports.models import CommissionSettings
from reports.selectors.commission_lines import (
    ZERO,
    CommissionLineRow,
    collection_thresholds,
    commission_lines,
    month_of,
)
from salesops.accounts.models import User


@dataclass
class RepStatement:
    """One rep's month: the lines, their totals, the target and the pay split."""

    rep: User
    lines: list[CommissionLineRow] = field(default_factory=list)
    threshold: Decimal | None = None

    @property
    def earned_lines(self) -> list[CommissionLineRow]:
        return [line for line in self.lines if not line.is_adjustment]

    @property
    def adjustment_lines(self) -> list[CommissionLineRow]:
        return [line for line in self.lines if line.is_adjustment]

    @property
    def collected(self) -> Decimal:
        return sum((line.amount for line in self.earned_lines), ZERO)

    @property
    def earned(self) -> Decimal:
        return sum((line.commission for line in self.earned_lines), ZERO)

    @property
    def adjustments(self) -> Decimal:
        return sum((line.commission for line in self.adjustment_lines), ZERO)

    @property
    def total(self) -> Decimal:
        return self.earned + self.adjustments

    @property
    def accelerated(self) -> Decimal:
        return sum((line.accelerated for line in self.earned_lines), ZERO)


def rep_statements(*, user, month: date, lines=None) -> list[RepStatement]:
    """Per rep (by name), the month's lines and totals; `lines` when already read."""
    month = month_of(month)
    lines = commission_lines(user=user, month=month) if lines is None else lines
    by_rep: dict[int, list[CommissionLineRow]] = {}
    for line in lines:
        by_rep.setdefault(line.rep_id, []).append(line)
    if not by_rep:
        return []
    thresholds = collection_thresholds(
        month=month, settings=CommissionSettings.load(), reps=list(by_rep)
    )
    reps = User.objects.filter(pk__in=by_rep)
    statements = [
        RepStatement(rep=rep, lines=by_rep[rep.pk], threshold=thresholds.get(rep.pk))
        for rep in reps
    ]
    return sorted(statements, key=lambda s: str(s.rep))


@dataclass(frozen=True)
class CommissionToDate:
    month: date
    collected: Decimal
    commission: Decimal


def commission_to_date(*, user, as_of: date) -> CommissionToDate:
    """The commission `user` may see (a rep: their own) for the month holding `as_of`, earned
    by payments dated up to `as_of`, plus that month's adjustments: for the rep's home page."""
    lines = commission_lines(user=user, month=month_of(as_of))
    counted = [line for line in lines if line.is_adjustment or line.payment_date <= as_of]
    earned = [line for line in counted if not line.is_adjustment]
    return CommissionToDate(
        month=month_of(as_of),
        collected=sum((line.amount for line in earned), ZERO),
        commission=sum((line.commission for line in counted), ZERO),
    )
