"""Collection plan progress (回款计划进度, docs/reports.md): the year's collection target split by
quarter (CollectionPlanSettings, 25–30 % each), the cash collected in each quarter against its
plan, and per collection class (回款分类 A/B/C, receivables' classes) the cash and the collection
rate on what fell due in each quarter against the class's range."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import F, Q, Sum
from django.db.models.functions import ExtractQuarter
from django.utils import timezone
from django.utils.translation import gettext as _

from opportunities.models import SalesTarget
from opportunities.rules.periods import period_bounds
from receivables.models import Allocation, CollectionClass, Payment, Receivable
from receivables.rules import kpis as kpi_rules
from receivables.selectors.kpis import collection_class_case
from reports.models import CollectionPlanSettings
from reports.rules.stats import quarter_plans, share
from salesops.core import charts

ZERO = Decimal("0.00")
QUARTERS = (1, 2, 3, 4)
DONE, CURRENT, AHEAD = "done", "current", "ahead"


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    return period_bounds("quarter", date(year, 3 * quarter - 2, 1))


@dataclass
class QuarterRow:
    quarter: int
    start: date
    end: date
    share: Decimal  # percent of the annual target
    plan: Decimal
    collected: Decimal = ZERO  # valid payments dated in the quarter, up to the report's day
    state: str = AHEAD

    @property
    def rate(self) -> Decimal | None:
        return share(self.collected, self.plan) if self.state != AHEAD else None

    @property
    def label(self) -> str:
        return _("Q%(n)s") % {"n": self.quarter}


@dataclass
class ClassQuarter:
    """One class in one quarter: cash received, and what fell due (up to the report's day) with
    what was collected on it by the quarter's end."""

    cash: Decimal = ZERO
    due: Decimal = ZERO
    collected_on_due: Decimal = ZERO
    status: str = kpi_rules.NO_RATE

    @property
    def rate(self) -> Decimal | None:
        return kpi_rules.rate(self.collected_on_due, self.due)

    @property
    def status_label(self) -> str:
        return str(kpi_rules.STATUS_LABELS[self.status])


@dataclass
class ClassRow:
    key: int | None
    name: str
    collection_class: CollectionClass | None
    quarters: dict[int, ClassQuarter] = field(default_factory=dict)

    @property
    def cash(self) -> Decimal:
        return sum((q.cash for q in self.quarters.values()), ZERO)

    @property
    def cells(self) -> list[ClassQuarter]:
        return [self.quarters[n] for n in QUARTERS]


def _targets(request, year: int):
    """The year's collection targets (SalesTarget of period "year" starting in `year`) of the
    sellers the viewer sees, narrowed to the chosen rep or team (its members and manager)."""
    targets = SalesTarget.objects.visible_to(request.user).filter(
        period=SalesTarget.Period.YEAR, period_start__year=year
    )
    if request.rep is not None:
        targets = targets.filter(owner=request.rep)
    if request.team is not None:
        targets = targets.filter(Q(owner__team=request.team) | Q(owner=request.team.manager_id))
    return targets


def _today(request) -> date:
    """The request's today: its as_of is min(today, period end), so an as_of before the
    period's end is today; at the end, today may be later, read from the clock."""
    if request.as_of < request.period.end:
        return request.as_of
    return max(request.as_of, timezone.localdate())


def collection_plan_build(request) -> dict:
    """The plan and its progress for the whole year of the request's period, as of
    min(today, 31 December): a quarter or month picked in the year still shows every quarter
    as of today. About ten grouped queries whatever the size of the book."""
    year = request.period.start.year
    first, last = date(year, 1, 1), date(year, 12, 31)
    as_of = min(_today(request), last)
    settings = CollectionPlanSettings.load()
    annual = _targets(request, year).aggregate(t=Sum("collection_target"))["t"] or ZERO
    quarters = []
    for quarter, (plan_share, plan) in enumerate(
        zip(settings.shares, quarter_plans(annual, settings.shares), strict=True), start=1
    ):
        start, end = quarter_bounds(year, quarter)
        state = DONE if end <= as_of else CURRENT if start <= as_of else AHEAD
        quarters.append(QuarterRow(quarter, start, end, plan_share, plan, state=state))

    class_case, classes = collection_class_case()
    rows = {
        pk: ClassRow(pk, klass.label, klass, {n: ClassQuarter() for n in QUARTERS})
        for pk, klass in classes.items()
    }

    def row_of(key) -> ClassRow:
        if key not in rows:  # no rule matched and no class is the default
            empty = {n: ClassQuarter() for n in QUARTERS}
            rows[key] = ClassRow(key, _("Unclassified"), None, empty)
        return rows[key]

    cash = (
        request.scoped(Payment.objects.valid())
        .filter(date__gte=first, date__lte=min(last, as_of))
        .annotate(q=ExtractQuarter("date"), class_key=class_case)
        .order_by()
        .values("q", "class_key")
        .annotate(total=Sum("amount"))
    )
    for group in cash:
        quarters[group["q"] - 1].collected += group["total"]
        row_of(group["class_key"]).quarters[group["q"]].cash += group["total"]

    # What fell due in each quarter (up to the report's day) and was collected on it by the
    # quarter's end: the stored `allocated` less the active allocations of payments dated after
    # that end (as the KPI page counts, docs/receivables.md).
    due = (
        request.scoped(Receivable.objects.all())
        .filter(due_date__gte=first, due_date__lte=min(last, as_of))
        .annotate(q=ExtractQuarter("due_date"), class_key=class_case)
        .order_by()
        .values("q", "class_key")
        .annotate(due=Sum("amount"), allocated=Sum("allocated"))
    )
    for group in due:
        cell = row_of(group["class_key"]).quarters[group["q"]]
        cell.due += group["due"]
        cell.collected_on_due += group["allocated"]
    since_case, _classes = collection_class_case("receivable__customer")
    late = (
        request.scoped(Allocation.objects.active(), customer_path="receivable__customer")
        .filter(receivable__due_date__gte=first, receivable__due_date__lte=min(last, as_of))
        .annotate(
            q=ExtractQuarter("receivable__due_date"),
            paid_q=ExtractQuarter("payment__date"),
            class_key=since_case,
        )
        .filter(Q(payment__date__gt=last) | Q(payment__date__gte=first, paid_q__gt=F("q")))
        .order_by()
        .values("q", "class_key")
        .annotate(total=Sum("amount"))
    )
    for group in late:
        row_of(group["class_key"]).quarters[group["q"]].collected_on_due -= group["total"]
    for row in rows.values():
        klass = row.collection_class
        for cell in row.quarters.values():
            cell.status = kpi_rules.range_status(
                cell.rate,
                low=klass.min_rate if klass else None,
                high=klass.max_rate if klass else None,
            )

    collected = sum((q.collected for q in quarters), ZERO)
    plan_to_date = sum((q.plan for q in quarters if q.state != AHEAD), ZERO)
    current = next((q for q in quarters if q.state == CURRENT), None)
    return {
        "year": year,
        "as_of": as_of,
        "annual_target": annual,
        "shares": settings.shares,
        "quarters": quarters,
        "current": current,
        "collected": collected,
        "annual_rate": share(collected, annual),
        "plan_to_date": plan_to_date,
        "plan_to_date_rate": share(collected, plan_to_date),
        "classes": sorted(rows.values(), key=lambda r: (r.collection_class is None, r.name)),
        "chart": charts.bar(
            title=_("Collection plan and collected per quarter, %(year)s") % {"year": year},
            labels=[q.label for q in quarters],
            series=[
                charts.Series(_("Plan"), [q.plan for q in quarters]),
                charts.Series(_("Collected"), [q.collected for q in quarters]),
            ],
            unit="yuan",
        ),
    }
