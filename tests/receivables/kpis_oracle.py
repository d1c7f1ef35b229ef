"""The KPI page's figures as they were read before issue 10 (a correlated subquery per receivable
for what it had collected by the period's end, and for each balance on the opening and closing
days), kept as the oracle the grouped reads are compared with on hand-made data."""

from datetime import date, timedelta
from decimal import Decimal

from django.db.models import F, Sum, Value
from django.db.models.functions import Greatest
from django.utils.translation import gettext as _

from receivables.models import Payment, Receivable, ReceivableSettings, WriteOff
from receivables.rules import kpis as rules
from receivables.selectors.balances import (
    MONEY_FIELD,
    ZERO,
    collected_by,
    owner_team,
    receivables_as_of,
)
from receivables.selectors.kpis import (
    Kpis,
    TargetRow,
    _class_rows,
    _roll_up,
    _target_spans,
    collection_class_case,
)
from salesops.accounts.models import Team, User


def kpis(*, user, start: date, end: date) -> Kpis:
    """Every figure of the KPI page for what `user` may see between `start` and `end`."""
    settings = ReceivableSettings.load()
    scoped = Receivable.objects.visible_to(user)
    class_case, classes = collection_class_case()
    # One grouped row per (owner, team, class): every table and the totals add up from these.
    groups = list(
        scoped.filter(due_date__gte=start, due_date__lte=end)
        .annotate(
            collected_by_end=collected_by(end),
            owner_key=F("customer__owner"),
            team_key=owner_team(),
            class_key=class_case,
        )
        .values("owner_key", "team_key", "class_key")
        .annotate(due=Sum("amount"), collected=Sum("collected_by_end"))
        .order_by()
    )
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
    opening = _outstanding(user, start - timedelta(days=1))
    closing = _outstanding(user, end)
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


def _outstanding(user, as_of: date) -> Decimal:
    """Open balance of everything issued by `as_of`, as it stood that day; one query."""
    balance = F("amount") - F("collected_as_of") - F("written_off_as_of")
    return (
        receivables_as_of(user=user, as_of=as_of).aggregate(
            t=Sum(Greatest(balance, Value(ZERO)), output_field=MONEY_FIELD)
        )["t"]
        or ZERO
    )
