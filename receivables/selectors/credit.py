"""A customer's money on its page, and group joint liability (连坐)."""

from datetime import date, timedelta
from decimal import Decimal

from django.db import connection
from django.db.models import Max, Q, Sum

from customers.models import Customer
from receivables.models import EscalationEvent, EscalationLevel, Payment, ReceivableSettings
from receivables.rules.credit import credit_warning_due
from receivables.selectors.balances import balance_rows_sql
from salesops.core.models import Notification
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


def customers_over_credit_share(*, as_of: date, share: Decimal, dedupe_suffix: str) -> list[tuple]:
    """(id, name, credit limit, owner id, outstanding in fen) of the owned customers whose total
    outstanding on `as_of` reaches `share` of a positive credit limit and whose owner has no
    credit warning with key `credit-warning:<id><dedupe_suffix>` yet; one grouped query over the
    balance rows. The SQL comparison only narrows: the credit rule decides, in Decimal."""
    rows, params = balance_rows_sql(user=None, as_of=as_of)
    customers, notifications = Customer._meta.db_table, Notification._meta.db_table
    sql = f"""
        SELECT c.id, c.name, c.credit_limit, c.owner_id, owed.fen
        FROM (SELECT customer_id, SUM(fen) AS fen FROM ({rows}) AS b GROUP BY customer_id) AS owed
        INNER JOIN {customers} AS c ON c.id = owed.customer_id
        WHERE c.credit_limit > 0 AND c.owner_id IS NOT NULL
          AND owed.fen >= c.credit_limit * %s * 100
          AND NOT EXISTS (
              SELECT 1 FROM {notifications} AS n
              WHERE n.recipient_id = c.owner_id
                AND n.dedupe_key = 'credit-warning:' || CAST(c.id AS varchar(20)) || %s
          )
        ORDER BY c.id
    """  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, share, dedupe_suffix])
        return cursor.fetchall()
