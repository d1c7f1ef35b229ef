"""The collection KPI page's read (docs/receivables.md, "KPIs"): collection rate by owner, team and
collection class, turnover, DSO, bad-debt rate and collection targets, and the credit metrics
(best-possible DSO, ADD, CEI, at-risk share), in a fixed number of grouped queries whatever the
size of the book."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.db.models import Case, F, IntegerField, Q, Sum, Value, When
from django.utils.translation import gettext as _

from opportunities.models import SalesTarget
from opportunities.rules.periods import period_bounds
from receivables.models import (
    Allocation,
    CollectionClass,
    CollectionClassRule,
    Payment,
    Receivable,
    ReceivableSettings,
    WriteOff,
)
from receivables.rules import kpis as rules
from receivables.selectors.balances import ZERO, balance_rows_sql, owner_team, scoped_receivables
from salesops.accounts.models import Team, User
from salesops.core.money import from_fen


@dataclass
class RateRow:
    """Collection rate of one group: due in the period, collected on those items by its end."""

    key: object
    name: str
    due: Decimal = ZERO
    collected: Decimal = ZERO
    rate: Decimal | None = None
    below: bool = False


@dataclass
class ClassRow(RateRow):
    collection_class: CollectionClass | None = None
    status: str = rules.NO_RATE

    @property
    def status_label(self) -> str:
        return str(rules.STATUS_LABELS[self.status])


@dataclass
class TargetRow:
    """A seller's collection target for the period against all cash received in it."""

    key: object
    name: str
    target: rules.PeriodTarget
    received: Decimal = ZERO
    achievement: Decimal | None = None

    @property
    def period_label(self) -> str:
        return str(SalesTarget.Period(self.target.period).label) if self.target.period else ""


@dataclass
class Kpis:
    start: date
    end: date
    due_in_period: Decimal
    collected_in_period: Decimal
    received_in_period: Decimal
    collection_rate: Decimal | None
    sales: Decimal
    opening_receivables: Decimal
    closing_receivables: Decimal
    turnover: rules.Figure
    dso: rules.Figure
    dso_warning: bool
    written_off: Decimal
    bad_debt_rate: rules.Figure
    by_owner: list[RateRow]
    by_team: list[RateRow]
    by_class: list[ClassRow]
    targets: list[TargetRow] = field(default_factory=list)
    normal_rate: Decimal = Decimal("0.85")

    @property
    def average_receivables(self) -> Decimal:
        return ((self.opening_receivables + self.closing_receivables) / 2).quantize(rules.FEN)

    @property
    def normal_percent(self) -> str:
        return rules.plain_percent(self.normal_rate)


def collection_class_case(path: str = "customer") -> tuple[Case, dict[int, CollectionClass]]:
    """SQL that puts each row's customer in its collection class (回款分类): the first rule by
    position whose credit ratings include the customer's and whose payment-terms limit the
    customer's terms do not exceed; otherwise the default class (NULL when there is none)."""
    classes = {c.pk: c for c in CollectionClass.objects.all()}
    whens = []
    for rule in CollectionClassRule.objects.order_by("position"):
        condition = Q(**{f"{path}__credit_rating__in": list(rule.credit_ratings)})
        if rule.max_payment_terms_days is not None:
            condition &= Q(**{f"{path}__payment_terms_days__lte": rule.max_payment_terms_days})
        whens.append(When(condition, then=Value(rule.collection_class_id)))
    default = next((pk for pk, c in classes.items() if c.is_default), None)
    return Case(*whens, default=Value(default), output_field=IntegerField()), classes


def kpis(*, user, start: date, end: date) -> Kpis:
    """Every figure of the KPI page for what `user` may see between `start` and `end`."""
    scoped = Receivable.objects.visible_to(user)
    class_case, classes = collection_class_case()
    # One grouped row per (owner, team, class): every table and the totals add up from these.
    # What an item had collected by the period's end is what it has collected now (`allocated`:
    # before go-live plus active allocations) less the active allocations of payments dated
    # after the end: two grouped reads instead of a subquery per item.
    groups = list(
        scoped.filter(due_date__gte=start, due_date__lte=end)
        .annotate(owner_key=F("customer__owner"), team_key=owner_team(), class_key=class_case)
        .values("owner_key", "team_key", "class_key")
        .annotate(due=Sum("amount"), collected=Sum("allocated"))
        .order_by()
    )
    allocations = Allocation.objects.all() if user is None else Allocation.objects.visible_to(user)
    since_case, _classes = collection_class_case("receivable__customer")
    since = {
        (row["owner_key"], row["team_key"], row["class_key"]): row["total"]
        for row in allocations.active()
        .filter(
            payment__date__gt=end, receivable__due_date__gte=start, receivable__due_date__lte=end
        )
        .annotate(
            owner_key=F("receivable__customer__owner"),
            team_key=owner_team("receivable__customer__owner"),
            class_key=since_case,
        )
        .values("owner_key", "team_key", "class_key")
        .annotate(total=Sum("amount"))
        .order_by()
    }
    for group in groups:
        group["collected"] -= since.get(
            (group["owner_key"], group["team_key"], group["class_key"]), ZERO
        )
    return kpis_assemble(
        user=user, start=start, end=end, groups=groups, classes=classes, outstanding=_outstanding
    )


def kpis_assemble(*, user, start: date, end: date, groups, classes, outstanding) -> Kpis:
    """The page's figures from its grouped rows (due and collected per owner, team and class)
    and `outstanding(user, day)`, the open balance on a day; the payments, targets, sales and
    write-offs are read here. The per-row oracle in the tests assembles its own rows with it."""
    settings = ReceivableSettings.load()
    scoped = Receivable.objects.visible_to(user)
    received = dict(
        Payment.objects.visible_to(user)
        .valid()
        .filter(date__gte=start, date__lte=end)
        .values("customer__owner")
        .annotate(total=Sum("amount"))
        .values_list("customer__owner", "total")
    )
    target_spans = _target_spans(user=user, start=start, end=end)
    owner_ids = {g["owner_key"] for g in groups} | set(received) | set(target_spans)
    names = {u.pk: str(u) for u in User.objects.filter(pk__in=owner_ids - {None})}
    names[None] = _("Customer pool")
    team_names = {
        t.pk: t.name for t in Team.objects.filter(pk__in={g["team_key"] for g in groups} - {None})
    }
    team_names[None] = _("No team")

    by_owner = _roll_up(groups, "owner_key", names)
    by_team = _roll_up(groups, "team_key", team_names)
    by_class = _class_rows(groups, classes)
    for row in [*by_owner, *by_team]:
        row.below = row.rate is not None and row.rate < settings.collection_rate_normal

    due_total = sum((g["due"] for g in groups), ZERO)
    collected_total = sum((g["collected"] for g in groups), ZERO)
    sales = (
        scoped.filter(issue_date__gte=start, issue_date__lte=end).aggregate(t=Sum("amount"))["t"]
        or ZERO
    )
    opening = outstanding(user, start - timedelta(days=1))
    closing = outstanding(user, end)
    turnover, dso = rules.turnover_and_dso(
        sales=sales, opening=opening, closing=closing, days=(end - start).days + 1
    )
    written = (
        WriteOff.objects.filter(receivable__in=scoped, date__gte=start, date__lte=end).aggregate(
            t=Sum("amount")
        )["t"]
        or ZERO
    )
    targets = []
    for owner_id in sorted(owner_ids, key=lambda k: names[k]):
        if owner_id is None:
            continue  # pool customers have no seller and no target
        target = rules.target_for_period(target_spans.get(owner_id, []), start=start, end=end)
        cash = received.get(owner_id, ZERO)
        targets.append(
            TargetRow(
                key=owner_id,
                name=names[owner_id],
                target=target,
                received=cash,
                achievement=rules.rate(cash, target.amount or ZERO),
            )
        )
    return Kpis(
        start=start,
        end=end,
        due_in_period=due_total,
        collected_in_period=collected_total,
        received_in_period=sum(received.values(), ZERO),
        collection_rate=rules.rate(collected_total, due_total),
        sales=sales,
        opening_receivables=opening,
        closing_receivables=closing,
        turnover=turnover,
        dso=dso,
        dso_warning=dso.value is not None
        and dso.value > Decimal("1.5") * settings.industry_dso_days,
        written_off=written,
        bad_debt_rate=rules.bad_debt_rate(written_off=written, closing=closing),
        by_owner=by_owner,
        by_team=by_team,
        by_class=by_class,
        targets=targets,
        normal_rate=settings.collection_rate_normal,
    )


def _roll_up(groups: list[dict], key: str, names: dict) -> list[RateRow]:
    rows: dict[object, RateRow] = {}
    for group in groups:
        row = rows.setdefault(group[key], RateRow(key=group[key], name=names[group[key]]))
        row.due += group["due"]
        row.collected += group["collected"]
    for row in rows.values():
        row.rate = rules.rate(row.collected, row.due)
    return sorted(rows.values(), key=lambda r: (r.key is None, r.name))


def _class_rows(groups: list[dict], classes: dict[int, CollectionClass]) -> list[ClassRow]:
    """Every class is listed, also one with nothing due, so its range is always visible."""
    rows = {pk: ClassRow(key=pk, name=c.label, collection_class=c) for pk, c in classes.items()}
    for group in groups:
        row = rows.get(group["class_key"])
        if row is None:  # no rule matched and no class is the default
            row = rows.setdefault(None, ClassRow(key=None, name=_("Unclassified")))
        row.due += group["due"]
        row.collected += group["collected"]
    for row in rows.values():
        row.rate = rules.rate(row.collected, row.due)
        klass = row.collection_class
        row.status = rules.range_status(
            row.rate,
            low=klass.min_rate if klass else None,
            high=klass.max_rate if klass else None,
        )
        row.below = row.status == rules.BELOW
    return sorted(rows.values(), key=lambda r: (r.collection_class is None, r.name))


def _outstanding(user, as_of: date) -> Decimal:
    """Open balance of everything issued by `as_of`, as it stood that day: the sum of the
    balance rows (the open book now, plus what was collected and written off since); one
    query, no subquery per receivable."""
    sql, params = balance_rows_sql(user=user, as_of=as_of)
    with connection.cursor() as cursor:
        # balance_rows_sql is Django's compilation; the values stay parameters.
        cursor.execute(f"SELECT SUM(fen) FROM ({sql}) AS owed", params)  # noqa: S608
        return from_fen(cursor.fetchone()[0])


def _target_spans(*, user, start: date, end: date) -> dict[int, list[rules.TargetSpan]]:
    """Collection targets visible to `user` that overlap [start, end], by owner."""
    spans: dict[int, list[rules.TargetSpan]] = defaultdict(list)
    # A year is the longest target period, so nothing starting a year before `start` can reach it.
    candidates = SalesTarget.objects.visible_to(user).filter(
        period_start__lte=end, period_start__gt=start - timedelta(days=366)
    )
    for owner_id, period, period_start, amount in candidates.values_list(
        "owner_id", "period", "period_start", "collection_target"
    ):
        first, last = period_bounds(period, period_start)
        if last >= start and amount:
            spans[owner_id].append(rules.TargetSpan(period, first, last, amount))
    return spans


@dataclass(frozen=True)
class CreditMetrics:
    """The credit managers' metrics for one period (docs/receivables.md, "Credit metrics"), with
    the balances they come from. The metrics are exact Decimals (round only to show them) or
    None when what they divide by is zero (`reason` says why)."""

    start: date
    end: date
    days: int
    sales: Decimal  # credit sales: receivables issued in the period
    opening: Decimal  # open balance at the end of the day before `start`
    opening_current: Decimal  # of which not yet due that day
    closing: Decimal  # open balance at `end`
    closing_current: Decimal  # of which not yet due on `end`
    closing_at_risk: Decimal  # of which more than `at_risk_days` past due on `end`
    at_risk_days: int  # the last aging boundary (90 by default)
    dso: Decimal | None
    best_possible_dso: Decimal | None
    average_days_delinquent: Decimal | None
    cei: Decimal | None  # a percentage: 67.03 means 67.03 %
    at_risk_share: Decimal | None  # a share: 0.1087 means 10.87 %

    @property
    def figures(self) -> dict[str, rules.Figure]:
        """Each metric rounded for display (days and CEI to 0.1, a share to 0.01 %), or no
        figure with the reason: {"dso": Figure, "best_possible_dso": ..., "cei": ...}."""
        no_sales = _("No credit sales in the period.")
        reasons = {
            "dso": no_sales,
            "best_possible_dso": no_sales,
            "average_days_delinquent": no_sales,
            "cei": _("Nothing was collectable in the period."),
            "at_risk_share": _("Nothing outstanding at the period's end."),
        }
        result = {}
        for name, reason in reasons.items():
            value = getattr(self, name)
            places = rules.RATE_PLACES if name == "at_risk_share" else Decimal("0.1")
            result[name] = (
                rules.Figure(None, reason)
                if value is None
                else rules.Figure(value.quantize(places, ROUND_HALF_UP))
            )
        return result


def credit_metrics(*, user, start: date, end: date) -> CreditMetrics:
    """DSO, best-possible DSO, average days delinquent (ADD), collection effectiveness index (CEI)
    and at-risk share of what `user` may see (None: everything, for jobs) for the period from
    `start` to `end` inclusive. Four queries: the settings row, the credit sales, and the open
    book split into not yet due / over the last aging boundary on the day before `start` and on
    `end`.

    DSO and best-possible DSO both use the average of the opening and closing balances (the KPI
    page's DSO), so ADD = DSO − best-possible DSO is the average overdue balance × days ÷ sales."""
    boundary = ReceivableSettings.load().bucket_3
    days = (end - start).days + 1
    sales = (
        scoped_receivables(user)
        .filter(issue_date__gte=start, issue_date__lte=end)
        .aggregate(t=Sum("amount"))["t"]
        or ZERO
    )
    opening, opening_current, _at_risk = _book_split(user, start - timedelta(days=1), boundary)
    closing, closing_current, closing_at_risk = _book_split(user, end, boundary)
    average = (opening + closing) / 2
    average_current = (opening_current + closing_current) / 2
    dso = rules.days_sales_outstanding(receivables=average, sales=sales, days=days)
    best = rules.best_possible_dso(current=average_current, sales=sales, days=days)
    return CreditMetrics(
        start=start,
        end=end,
        days=days,
        sales=sales,
        opening=opening,
        opening_current=opening_current,
        closing=closing,
        closing_current=closing_current,
        closing_at_risk=closing_at_risk,
        at_risk_days=boundary,
        dso=dso,
        best_possible_dso=best,
        average_days_delinquent=rules.average_days_delinquent(dso=dso, best_possible=best),
        cei=rules.collection_effectiveness(
            opening=opening, sales=sales, closing=closing, closing_current=closing_current
        ),
        at_risk_share=rules.at_risk_share(over_last_bucket=closing_at_risk, outstanding=closing),
    )


def _book_split(user, as_of: date, boundary: int) -> tuple[Decimal, Decimal, Decimal]:
    """What was open on `as_of`: in all, not yet due (due on or after `as_of`, as the aging's
    "not due"), and more than `boundary` days past due; one query over balance_rows_sql."""
    sql, params = balance_rows_sql(user=user, as_of=as_of)
    filters = "SUM(fen) FILTER (WHERE due_date >= %s), SUM(fen) FILTER (WHERE due_date < %s)"
    split = f"SELECT SUM(fen), {filters} FROM ({sql}) AS owed"  # noqa: S608
    with connection.cursor() as cursor:
        # balance_rows_sql is Django's compilation; the values stay parameters.
        cursor.execute(split, [as_of, as_of - timedelta(days=boundary), *params])
        return tuple(from_fen(fen) for fen in cursor.fetchone())
