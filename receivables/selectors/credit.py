"""A customer's money on its page, and group joint liability (连坐)."""

from datetime import date, timedelta

from django.db import connection
from django.db.models import Max, Q, Sum

from receivables.models import EscalationEvent, EscalationLevel, Payment, ReceivableSettings
from receivables.rules.credit import credit_warning_due
from receivables.selectors.balances import balance_rows_sql
from salesops.core.money import from_fen


def customer_money(*, customer, as_of: date) -> dict:
    """For the customer page: open receivables, recent payments, escalations, credit status."""
    open_items = list(customer.receivables.open().order_by("due_date", "pk"))
    # Summed in SQL over the stored balances (an index-only scan of receivable_open), not over
    # the items shown.
    sums = customer.receivables.open().aggregate(
        total=Sum("balance_fen"), overdue=Sum("balance_fen", filter=Q(due_date__lt=as_of))
    )
    overdue, open_total = from_fen(sums["overdue"]), from_fen(sums["total"])
    settings = ReceivableSettings.load()
    return {
        "open_receivables": open_items,
        "open_total": open_total,
        "overdue_total": overdue,
        "credit_warning": credit_warning_due(
            outstanding=open_total,
            credit_limit=customer.credit_limit,
            share=settings.credit_warning_share,
        ),
        "payments": list(customer.payments.order_by("-date", "-pk")[:10]),
        "escalations": list(
            EscalationEvent.objects.filter(receivable__customer=customer).select_related(
                "level", "receivable"
            )[:10]
        ),
        "last_payment": Payment.objects.filter(customer=customer)
        .valid()
        .aggregate(d=Max("date"))["d"],
    }


def flagged_groups(*, as_of: date, group_ids=None) -> set[int]:
    """连坐: the customer groups with a member owing an overdue receivable on `as_of`
    (集团子公司任一成员出现逾期). ReceivableSettings.group_flag_level may raise the trigger to
    items that have reached a later step's days overdue. One query (two with a trigger step)
    over balance_rows_sql: each of its rows is a positive part of what a receivable owed then,
    so a row at all means it still owed."""
    from customers.models import Customer

    settings = ReceivableSettings.load()
    min_days = 1
    if settings.group_flag_level_id is not None:
        min_days = EscalationLevel.objects.get(pk=settings.group_flag_level_id).from_days
    rows, params = balance_rows_sql(user=None, as_of=as_of)
    params = [*params, as_of - timedelta(days=min_days)]
    only = ""
    if group_ids is not None:
        group_ids = [int(pk) for pk in group_ids]
        if not group_ids:
            return set()
        only = f"AND c.group_id IN ({', '.join(['%s'] * len(group_ids))})"
        params += group_ids
    sql = (
        f"SELECT DISTINCT c.group_id FROM ({rows}) owed "  # noqa: S608
        f"JOIN {Customer._meta.db_table} c ON c.id = owed.customer_id "
        f"WHERE c.group_id IS NOT NULL AND owed.due_date <= %s {only}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {group_id for (group_id,) in cursor.fetchall()}


def group_flagged(*, customer, as_of: date) -> bool:
    """Whether the customer's group is flagged on `as_of`: then every member is, and new orders
    for any of them need a manager's approval."""
    if customer.group_id is None:
        return False
    return customer.group_id in flagged_groups(as_of=as_of, group_ids=[customer.group_id])
