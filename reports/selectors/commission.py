"""The commission statement (docs/reports.md, "Commission"): per rep, a month's lines and totals
with the pay split, the report's build function, and the rep's commission so far for the home
page."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from reports.models import CommissionPeriod, CommissionSettings
from reports.selectors.commission_lines import collection_thresholds, commission_lines
from reports.selectors.commission_months import ClosedRange, closed_range, month_of, next_month
from reports.selectors.commission_rows import ZERO, CommissionLineRow
from reports.selectors.commission_totals import RepTotals, commission_totals
from salesops.accounts.access import role_of
from salesops.accounts.models import User
from salesops.accounts.roles import EVERYONE, Role
from salesops.core import charts


@dataclass
class RepStatement:
    """One rep's month: the totals, the target and, when the statement shows them, the lines."""

    rep: User
    totals: RepTotals
    lines: list[CommissionLineRow] = field(default_factory=list)
    threshold: Decimal | None = None
    url: str = ""  # the statement of this rep alone, where a summary links to it

    @property
    def collected(self) -> Decimal:
        return self.totals.collected

    @property
    def earned(self) -> Decimal:
        return self.totals.earned

    @property
    def adjustments(self) -> Decimal:
        return self.totals.adjustments

    @property
    def total(self) -> Decimal:
        return self.earned + self.adjustments

    @property
    def accelerated(self) -> Decimal:
        return self.totals.accelerated

    @property
    def lines_amount(self) -> Decimal:
        """The amount column's sum: collected, less what adjustments took back (or added)."""
        return sum((line.amount for line in self.lines), ZERO)

    @property
    def lines_accelerated(self) -> Decimal:
        return sum((line.accelerated for line in self.lines), ZERO)


def totals_of(rep_id: int, lines: list[CommissionLineRow]) -> RepTotals:
    """A rep's totals from their lines, as commission_totals sums them in SQL."""
    earned = [line for line in lines if not line.is_adjustment]
    return RepTotals(
        rep_id=rep_id,
        collected=sum((line.amount for line in earned), ZERO),
        earned=sum((line.commission for line in earned), ZERO),
        adjustments=sum((line.commission for line in lines if line.is_adjustment), ZERO),
        accelerated=sum((line.accelerated for line in earned), ZERO),
        lines=len(lines),
    )


def rep_statements(
    *,
    user,
    month: date,
    reps=None,
    closed: ClosedRange | None = None,
    settings=None,
    lines: bool = True,
) -> list[RepStatement]:
    """Per rep (by name), the month's totals and (with `lines`) its lines, of the reps `user`
    may see (and of `reps` when given). The threshold is the rep's target now (a closed month
    keeps the accelerated parts it was closed with)."""
    month = month_of(month)
    settings = settings or CommissionSettings.load()
    closed = closed or closed_range()
    scope = {"user": user, "month": month, "reps": reps, "closed": closed, "settings": settings}
    by_rep: dict[int, list[CommissionLineRow]] = {}
    if lines:
        # The lines are read anyway: their sums are the totals (one query instead of two).
        for line in commission_lines(**scope):
            by_rep.setdefault(line.rep_id, []).append(line)
        totals = {rep_id: totals_of(rep_id, rep_lines) for rep_id, rep_lines in by_rep.items()}
    else:
        totals = commission_totals(**scope)
    if not totals:
        return []
    thresholds = collection_thresholds(month=month, settings=settings, reps=list(totals))
    statements = [
        RepStatement(
            rep=rep,
            totals=totals[rep.pk],
            lines=by_rep.get(rep.pk, []),
            threshold=thresholds.get(rep.pk),
        )
        for rep in User.objects.filter(pk__in=totals)
    ]
    return sorted(statements, key=lambda s: str(s.rep))


@dataclass(frozen=True)
class CommissionToDate:
    month: date
    collected: Decimal
    commission: Decimal


def commission_to_date(*, user, as_of: date) -> CommissionToDate:
    """The commission `user` may see (a rep: their own) for the month holding `as_of`, earned
    by payments dated up to `as_of`, plus that month's adjustments: for the rep's home page.
    One summed query (plus the closed months' range and the settings)."""
    totals = commission_totals(user=user, month=month_of(as_of), through=as_of).values()
    return CommissionToDate(
        month=month_of(as_of),
        collected=sum((t.collected for t in totals), ZERO),
        commission=sum((t.earned + t.adjustments for t in totals), ZERO),
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
    # Line by line for one rep (a rep's own statement, or the rep chosen); a summary row a rep
    # otherwise, each linking to that rep's lines (a month of the whole book has 100,000s).
    detail = request.rep is not None or role_of(request.user) is Role.REP
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
                user=request.user,
                month=m,
                reps=reps,
                closed=closed,
                settings=settings,
                lines=detail,
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
    if not detail:
        for section in sections:
            for statement in section.statements:
                statement.url = rep_url(request, statement.rep)
    return {
        "detail": detail,
        "months": sections,
        "settings": settings,
        "total_commission": total,
        "chart": chart,
    }


ROWS_PER_PAGE = 38  # table rows on an A4 page of the PDF base (as the aging report measured)
REP_ROWS = 6  # a rep's heading, totals, the table's head and foot


def rep_url(request, rep: User) -> str:
    """The statement of one rep for the same period: the report page with ?rep=."""
    period = request.period
    query = {"period": period.kind, "rep": rep.pk}
    if period.kind == "custom":
        query.update(start=period.start.isoformat(), end=period.end.isoformat())
    else:
        query["date"] = period.start.isoformat()
    return reverse("report_page", args=["commission"]) + "?" + urlencode(query)


def commission_pages(context: dict) -> int:
    """The PDF's length: the first page holds the header, the summary and the chart; then per
    month a heading and per rep its totals and one row a line (one row a rep in a summary). A
    long statement is therefore built in the background."""
    per_rep = REP_ROWS if context["detail"] else 1
    rows = sum(
        2 + sum(per_rep + len(statement.lines) for statement in section.statements)
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
