"""The commission statement (docs/reports.md, "Commission"): per rep, a month's lines and totals
with the pay split, the report's build function, and the rep's commission so far for the home
page."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from reports.models import CommissionPeriod, CommissionSettings
from reports.selectors.commission_lines import (
    ZERO,
    ClosedRange,
    CommissionLineRow,
    closed_range,
    collection_thresholds,
    commission_lines,
    month_of,
    next_month,
)
from salesops.accounts.models import User
from salesops.accounts.roles import EVERYONE
from salesops.core import charts


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

    @property
    def lines_amount(self) -> Decimal:
        """The amount column's sum: collected, less what adjustments took back (or added)."""
        return sum((line.amount for line in self.lines), ZERO)

    @property
    def lines_accelerated(self) -> Decimal:
        return sum((line.accelerated for line in self.lines), ZERO)


def rep_statements(
    *, user, month: date, reps=None, closed: ClosedRange | None = None, settings=None
) -> list[RepStatement]:
    """Per rep (by name), the month's lines and totals, of the reps `user` may see (and of
    `reps` when given). The threshold is the rep's target now (a closed month keeps the
    accelerated parts it was closed with)."""
    month = month_of(month)
    settings = settings or CommissionSettings.load()
    lines = commission_lines(user=user, month=month, reps=reps, closed=closed, settings=settings)
    by_rep: dict[int, list[CommissionLineRow]] = {}
    for line in lines:
        by_rep.setdefault(line.rep_id, []).append(line)
    if not by_rep:
        return []
    thresholds = collection_thresholds(month=month, settings=settings, reps=list(by_rep))
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


@dataclass
class MonthStatement:
    """One month of the statement: closed (frozen lines) or open (live), and its reps."""

    month: date
    period: CommissionPeriod | None
    statements: list[RepStatement]

    @property
    def closed(self) -> bool:
        return self.period is not None and self.period.is_closed

    @property
    def total(self) -> Decimal:
        return sum((s.total for s in self.statements), ZERO)


def commission_build(request) -> dict:
    """The commission statement report (docs/reports.md, "Commission"): for each month of the
    request's period, each covered rep's lines (payment date, customer, receivable, allocation
    amount, rate, the part above the accelerator, commission), adjustments and totals, with the
    base/commission pay split. `request` is a reports ReportRequest: its user scopes, its
    rep/team filters choose the reps (region and tier do not apply: a rep's running total is
    over all their collections)."""
    months, month = [], month_of(request.period.start)
    while month <= request.period.end:
        months.append(month)
        month = next_month(month)
    reps = request.reps()
    periods = {p.month: p for p in CommissionPeriod.objects.filter(month__in=months)}
    settings, closed = CommissionSettings.load(), closed_range()
    sections = [
        MonthStatement(
            month=m,
            period=periods.get(m),
            statements=rep_statements(
                user=request.user, month=m, reps=reps, closed=closed, settings=settings
            ),
        )
        for m in months
    ]
    totals: dict[int, tuple[User, Decimal]] = {}
    for section in sections:
        for statement in section.statements:
            rep, total = totals.get(statement.rep.pk, (statement.rep, ZERO))
            totals[statement.rep.pk] = (rep, total + statement.total)
    ranked = sorted(totals.values(), key=lambda pair: (-pair[1], str(pair[0])))
    total = sum((amount for _rep, amount in ranked), ZERO)
    chart = charts.bar(
        title=_("Commission per rep"),
        labels=[str(rep) for rep, _amount in ranked],
        series=[
            charts.Series(pgettext("commission", "Commission"), [amount for _rep, amount in ranked])
        ],
        horizontal=True,
    )
    return {
        "months": sections,
        "settings": settings,
        "total_commission": total,
        "chart": chart,
    }


ROWS_PER_PAGE = 38  # table rows on an A4 page of the PDF base (as the aging report measured)
REP_ROWS = 6  # a rep's heading, totals, the table's head and foot


def commission_pages(context: dict) -> int:
    """The PDF's length: the first page holds the header, the summary and the chart; then per
    month a heading and per rep its totals and one row a line. A long statement (finance,
    every rep) is therefore built in the background."""
    rows = sum(
        2 + sum(REP_ROWS + len(statement.lines) for statement in section.statements)
        for section in context["months"]
    )
    return 1 + -(-rows // ROWS_PER_PAGE)


# The catalog entry: register(Report(build=commission_build, **COMMISSION_REPORT)) in
# reports/catalog.py. Every role: a rep reads their own statement, a manager the team's,
# finance everyone's (the build scopes by the viewer).
COMMISSION_REPORT = {
    "slug": "commission",
    "title": gettext_lazy("Commission statement"),
    "roles": EVERYONE,
    "template": "reports/commission_body.html",
    "filters": ("team", "rep"),
    "default_period": "month",
    "estimate": commission_pages,
}
