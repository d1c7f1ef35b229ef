"""A customer's money on its page, and group joint liability (连坐)."""

from datetime import date, timedelta

from django.db.models import Max

from receivables.models import EscalationEvent, EscalationLevel, Payment, ReceivableSettings
from receivables.rules.credit import credit_warning_due
from receivables.selectors.balances import ZERO, receivables_as_of


def customer_money(*, customer, as_of: date) -> dict:
    """For the customer page: open receivables, recent payments, escalations, credit status."""
    open_items = list(customer.receivables.open().order_by("due_date", "pk"))
    overdue = sum((r.balance for r in open_items if r.due_date < as_of), ZERO)
    open_total = sum((r.balance for r in open_items), ZERO)
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
    items that have reached a later step's days overdue. One query (two with a trigger step)."""
    settings = ReceivableSettings.load()
    min_days = 1
    if settings.group_flag_level_id is not None:
        min_days = EscalationLevel.objects.get(pk=settings.group_flag_level_id).from_days
    qs = (
        receivables_as_of(user=None, as_of=as_of)
        .filter(customer__group__isnull=False, due_date__lte=as_of - timedelta(days=min_days))
        .owed_then()
    )
    if group_ids is not None:
        qs = qs.filter(customer__group_id__in=group_ids)
    return set(qs.values_list("customer__group_id", flat=True).distinct())


def group_flagged(*, customer, as_of: date) -> bool:
    """Whether the customer's group is flagged on `as_of`: then every member is, and new orders
    for any of them need a manager's approval."""
    if customer.group_id is None:
        return False
    return customer.group_id in flagged_groups(as_of=as_of, group_ids=[customer.group_id])
