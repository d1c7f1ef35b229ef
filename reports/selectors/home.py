"""The home page of each role (工作台): what the viewer does today, read from every app's own
selectors (the due list, the funnel, the collection list, the aging report, the KPIs,
compliance) and a few grouped queries of its own where no selector gives the figure per rep
(targets against committed sales, stage movement of the week, the jobs' last runs).

Everything is scoped by the viewer (`visible_to(user)`, through the selectors) and set-based:
a fixed number of queries whatever the size of the book (tests/test_query_counts.py). The
rules and figures are described in docs/reports.md, "Home pages".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from customers.models import Customer, FollowUp
from customers.selectors import ComplianceRow, DueList, due_list, followup_compliance
from opportunities.models import COMMITTED_LEVEL, Opportunity, SalesTarget, StageChange
from opportunities.rules.periods import period_bounds
from opportunities.selectors.funnel import Funnel, funnel
from orders.selectors.orders import order_list
from receivables.models import Payment, ReceivableSettings
from receivables.selectors.aging import Aging, aging_report, aging_trend
from receivables.selectors.collections import CollectionList, collection_list
from receivables.selectors.kpis import Kpis, kpis
from receivables.selectors.ledger import payment_list
from salesops.accounts.models import User
from salesops.accounts.roles import Role
from salesops.core.selectors import AdminHome, job_statuses

ZERO = Decimal("0.00")
# The finance page's DSO and collection rate are those of the 30 days ending with the day (a
# month to date says nothing on the 2nd).
KPI_DAYS = 30
# How many rows each short list on a home page shows; its figure links to the whole list.
SHORT_LIST = 5
# The manager's "movement this week" and the admin's failures look this far back.
WEEK = timedelta(days=7)

# Slots other branches fill (the lead wires them at merge if the names differ): the rep's
# commission so far and the finance credit metrics (best-possible DSO, ADD, CEI). Each is read
# when its module is there, else the page shows the slot as "not available yet".
try:  # LEAD: reports.selectors.commission.commission_to_date(*, user, as_of) (branch i12-com)
    from reports.selectors.commission import commission_to_date
except ImportError:  # pragma: no cover - until the commission branch is merged
    commission_to_date = None
try:  # LEAD: receivables.selectors.kpis.credit_metrics(*, user, start, end) (branch i12-com)
    from receivables.selectors.kpis import credit_metrics
except ImportError:  # pragma: no cover - until the credit metrics branch is merged
    credit_metrics = None


def _share(part: Decimal | int, whole: Decimal | int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"), ROUND_HALF_UP)


@dataclass(frozen=True)
class TargetProgress:
    """One seller's sales target for a period against the deals committed in it (level 5
    reached, not lost: the funnel's "achieved")."""

    owner: User
    target: Decimal
    actual: Decimal

    @property
    def share(self) -> Decimal | None:
        return _share(self.actual, self.target)


# --- rep --------------------------------------------------------------------------------------


@dataclass
class RepHome:
    as_of: date
    due: DueList
    overdue_steps: int
    funnel: Funnel
    receivables: CollectionList
    targets: Targets
    commission: object = None  # what commission_to_date returns, None until it exists
    commission_available: bool = False

    @property
    def due_now(self) -> int:
        """The one number: customers whose follow-up or visit is due today or overdue."""
        return self.due.counts.get("overdue", 0) + self.due.counts.get("today", 0)

    @property
    def due_rows(self) -> list:
        return (self.due.overdue + self.due.today)[: SHORT_LIST * 2]

    @property
    def late_steps(self) -> list:
        return [s for s in self.due.next_steps if s.next_step_due < self.as_of][:SHORT_LIST]

    @property
    def target(self) -> TargetProgress:
        return self.targets.rows[0]


def rep_home(*, user, as_of: date) -> RepHome:
    """A rep's day: customers due (follow-up or visit) today or overdue, open next steps past
    their date, their funnel by level, their overdue receivables with the promised dates of the
    collection list (the nearest open next step of the customer: there is no separate
    promise-to-pay record), their sales target against committed sales (the month's, else the
    quarter's, else the year's: target_progress, as on the manager's page), and the commission
    so far when that module exists."""
    due = due_list(user=user, as_of=as_of)
    overdue_steps = (
        FollowUp.objects.visible_to(user)
        .open_next_steps()
        .filter(next_step_due__lt=as_of, customer__owner__isnull=False)
        .count()
    )
    home = RepHome(
        as_of=as_of,
        due=due,
        overdue_steps=overdue_steps,
        funnel=funnel(user=user, as_of=as_of, period="month"),
        receivables=collection_list(user=user, as_of=as_of, per_page=SHORT_LIST),
        targets=target_progress(user=user, as_of=as_of, sellers=[user]),
    )
    if commission_to_date is not None:
        home.commission = commission_to_date(user=user, as_of=as_of)
        home.commission_available = True
    return home


# --- manager ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LevelMovement:
    """Deals that moved into and out of one funnel level in the last seven days."""

    level: int
    name: str
    moved_in: int
    moved_out: int

    @property
    def net(self) -> int:
        return self.moved_in - self.moved_out


@dataclass
class ManagerHome:
    as_of: date
    funnel: Funnel
    movement: list[LevelMovement]
    compliance: list[ComplianceRow]
    compliance_since: date
    aging: Aging
    targets: Targets
    credit_holds: int
    credit_hold_customers: list[Customer]
    red_orders: int
    red_order_list: list = field(default_factory=list)

    @property
    def team_compliance(self) -> Decimal | None:
        """The one number: the team's customers followed up within their cadence."""
        return _share(
            sum(r.within_cadence for r in self.compliance),
            sum(r.customers for r in self.compliance),
        )

    @property
    def target_total(self) -> Decimal:
        return sum((t.target for t in self.targets.rows), ZERO)

    @property
    def actual_total(self) -> Decimal:
        return sum((t.actual for t in self.targets.rows), ZERO)

    @property
    def target_share(self) -> Decimal | None:
        return _share(self.actual_total, self.target_total)


def stage_movement(*, user, as_of: date, levels: list[tuple[int, str]]) -> list[LevelMovement]:
    """Per level, the stage changes of the seven days ending with `as_of` (Asia/Shanghai) of
    the deals `user` sees that came into it (to_level) and that left it (from_level, to
    another level): one grouped query."""
    since = timezone.make_aware(datetime.combine(as_of - WEEK + timedelta(days=1), time.min))
    until = timezone.make_aware(datetime.combine(as_of + timedelta(days=1), time.min))
    moved_in: dict[int, int] = {}
    moved_out: dict[int, int] = {}
    for from_level, to_level, n in (
        StageChange.objects.visible_to(user)
        .filter(changed_at__gte=since, changed_at__lt=until)
        .values_list("from_level", "to_level")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        if from_level == to_level:
            continue  # lost or reopened at the same level: no movement between levels
        moved_in[to_level] = moved_in.get(to_level, 0) + n
        if from_level is not None:
            moved_out[from_level] = moved_out.get(from_level, 0) + n
    return [
        LevelMovement(level, name, moved_in.get(level, 0), moved_out.get(level, 0))
        for level, name in levels
    ]


# The target of the home pages is the month's; where nobody in view has one, the quarter's,
# then the year's (teams that set only quarterly targets still see their progress).
TARGET_PERIODS = (SalesTarget.Period.MONTH, SalesTarget.Period.QUARTER, SalesTarget.Period.YEAR)


@dataclass(frozen=True)
class Targets:
    """The sellers' targets of one period (`period`: month, quarter or year, holding the day)
    against the deals committed in it."""

    period: str
    start: date
    end: date
    rows: list[TargetProgress]


def target_progress(*, user, as_of: date, sellers) -> Targets:
    """Each seller in `sellers` (users `user` sees): their sales target of the month holding
    `as_of` (or, when none of them has one, of the quarter, then of the year) against the
    amount of the deals they own committed (level 5 reached, not lost) in that period, as the
    funnel counts it. Three grouped queries (the kinds of period with targets, the targets,
    the committed amounts)."""
    sellers = list(sellers)
    bounds = {period: period_bounds(period, as_of) for period in TARGET_PERIODS}
    scoped = SalesTarget.objects.visible_to(user).filter(owner__in=sellers)
    kinds = Q()
    for period, (start, _end) in bounds.items():
        kinds |= Q(period=period, period_start=start)
    present = set(scoped.filter(kinds).values_list("period", flat=True).distinct().order_by())
    period = next((p for p in TARGET_PERIODS if p in present), SalesTarget.Period.MONTH)
    start, end = bounds[period]
    targets = dict(
        scoped.filter(period=period, period_start=start)
        .values_list("owner")
        .annotate(total=Sum("sales_target"))
        .order_by()
    )
    actual = dict(
        Opportunity.objects.visible_to(user)
        .not_lost()
        .from_level(COMMITTED_LEVEL)
        .filter(owner__in=sellers, committed_at__date__gte=start, committed_at__date__lte=end)
        .values_list("owner")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    rows = [
        TargetProgress(
            owner=seller,
            target=targets.get(seller.pk) or ZERO,
            actual=actual.get(seller.pk) or ZERO,
        )
        for seller in sellers
    ]
    return Targets(period=str(period), start=start, end=end, rows=rows)


def team_sellers(*, user):
    """The active reps and managers `user` sees, by username (the per-rep bars)."""
    return (
        User.objects.visible_to(user)
        .active()
        .filter(groups__name__in=[Role.REP, Role.MANAGER])
        .distinct()
        .order_by("username")
    )


def manager_home(*, user, as_of: date) -> ManagerHome:
    """A manager's day for their team: the funnel of the month and the last seven days'
    movement per level, follow-up compliance per rep (the last 30 days' logs, as the compliance
    page), the aging and its health against the settings' thresholds, the target against
    committed sales per rep (target_progress), customers on credit hold and orders with a red
    alert."""
    team_funnel = funnel(user=user, as_of=as_of, period="month")
    levels = [(row.stage.level, row.stage.display_name) for row in team_funnel.levels]
    holds = Customer.objects.visible_to(user).filter(credit_hold=True)
    reds = order_list(user=user, alert="red")
    since = as_of - timedelta(days=30)
    return ManagerHome(
        as_of=as_of,
        funnel=team_funnel,
        movement=stage_movement(user=user, as_of=as_of, levels=levels),
        compliance=followup_compliance(user=user, as_of=as_of, since=since, until=as_of),
        compliance_since=since,
        aging=aging_report(user=user, as_of=as_of, group_by="owner", per_page=SHORT_LIST),
        targets=target_progress(user=user, as_of=as_of, sellers=team_sellers(user=user)),
        credit_holds=holds.count(),
        credit_hold_customers=list(
            holds.select_related("owner").order_by(
                F("credit_hold_since").desc(nulls_last=True), "pk"
            )[:SHORT_LIST]
        ),
        red_orders=reds.count(),
        red_order_list=list(reds[:SHORT_LIST]),
    )


# --- finance ----------------------------------------------------------------------------------


@dataclass
class FinanceHome:
    as_of: date
    aging: Aging
    trend: list[dict]
    collections: CollectionList
    unallocated_count: int
    unallocated_total: Decimal
    unallocated_payments: list[Payment]
    kpis: Kpis
    kpi_start: date
    industry_dso_days: int
    credit_metrics: object = None  # what credit_metrics returns, None until it exists
    credit_metrics_available: bool = False

    @property
    def overdue_total(self) -> Decimal:
        """The one number: what is past due on the day (every bucket but "not due")."""
        totals = self.aging.totals
        return totals.b1 + totals.b2 + totals.b3 + totals.b4

    @property
    def dso_limit(self) -> Decimal:
        """DSO above 1.5 × the industry DSO is a warning (docs/receivables.md)."""
        return Decimal(self.industry_dso_days) * Decimal("1.5")


def finance_home(*, user, as_of: date) -> FinanceHome:
    """Finance's day: the aging on the day with the last 30 nightly snapshots, the top of the
    collection list, payments not yet fully allocated, and the last 30 days' DSO and
    collection rate against their targets (the industry DSO and the normal collection rate of
    the settings); best-possible DSO, ADD and CEI when the credit metrics exist."""
    kpi_start = as_of - timedelta(days=KPI_DAYS - 1)
    unallocated = payment_list(user=user, unallocated=True)
    figures = unallocated.order_by().aggregate(
        n=Count("pk"), total=Sum(F("amount") - F("allocated"))
    )
    home = FinanceHome(
        as_of=as_of,
        aging=aging_report(user=user, as_of=as_of, group_by="customer", per_page=SHORT_LIST),
        trend=aging_trend(user=user, end=as_of, days=30),
        collections=collection_list(user=user, as_of=as_of, per_page=SHORT_LIST),
        unallocated_count=figures["n"],
        unallocated_total=figures["total"] or ZERO,
        unallocated_payments=list(unallocated[:SHORT_LIST]),
        kpis=kpis(user=user, start=kpi_start, end=as_of),
        kpi_start=kpi_start,
        industry_dso_days=ReceivableSettings.load().industry_dso_days,
    )
    if credit_metrics is not None:
        home.credit_metrics = credit_metrics(user=user, start=kpi_start, end=as_of)
        home.credit_metrics_available = True
    return home


def admin_home(*, user, now: datetime | None = None) -> AdminHome:
    """The admin's day: each scheduled job's last run, outcome and duration, and the failures
    (core's own selector over JobRun)."""
    return job_statuses(user=user, now=now)
