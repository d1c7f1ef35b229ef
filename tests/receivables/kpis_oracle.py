"""The KPI page's figures as they were read before issue 10 (a correlated subquery per receivable
for what it had collected by the period's end, and for each balance on the opening and closing
days), kept as the oracle the grouped reads are compared with on hand-made data. The rows are
its own; it assembles them into the page's figures with the selector's `kpis_assemble`."""

from datetime import date
from decimal import Decimal

from django.db.models import F, Sum, Value
from django.db.models.functions import Greatest

from receivables.models import Receivable
from receivables.selectors.balances import (
    MONEY_FIELD,
    ZERO,
    collected_by,
    owner_team,
    receivables_as_of,
)
from receivables.selectors.kpis import (
    Kpis,
    collection_class_case,
    kpis_assemble,
)


def kpis(*, user, start: date, end: date) -> Kpis:
    """Every figure of the KPI page for what `user` may see between `start` and `end`."""
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
    return kpis_assemble(
        user=user, start=start, end=end, groups=groups, classes=classes, outstanding=_outstanding
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
