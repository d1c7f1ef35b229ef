"""Daily and nightly receivables jobs: the escalation ladder and the aging snapshot. Each step
commits on its own, and unique constraints make a rerun (or a run after a crash) a no-op."""

import logging
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import override

from customers.models import Customer
from receivables import aging, selectors
from receivables.models import (
    AgingSnapshot,
    EscalationEvent,
    EscalationLevel,
    Receivable,
    ReceivableSettings,
)
from receivables.services import credit_hold_put
from salesops.core.services import notification_send

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class EscalationResult:
    steps: int = 0
    holds: int = 0
    warnings: int = 0


def escalate_overdue(*, as_of: date) -> EscalationResult:
    """Apply every ladder step an open receivable has reached and not yet had, one transaction
    per (receivable, step); then warn owners whose customers' overdue balance passes the
    configured share of the credit limit (once a month per customer)."""
    levels = list(EscalationLevel.objects.order_by("from_days"))
    if not levels:
        return EscalationResult()
    steps = holds = 0
    done = set(EscalationEvent.objects.values_list("receivable_id", "level_id"))
    overdue = (
        Receivable.objects.overdue(as_of)
        .select_related("customer", "customer__owner", "customer__owner__team__manager")
        .order_by("pk")
    )
    with override(settings.LANGUAGE_CODE):
        for receivable in overdue.iterator(chunk_size=500):
            days = aging.days_overdue(due=receivable.due_date, as_of=as_of)
            for level in levels:
                if level.from_days > days or (receivable.pk, level.pk) in done:
                    continue
                applied, held = _apply_step(receivable, level, as_of=as_of, days=days)
                steps += applied
                holds += held
        warnings = _credit_warnings(as_of)
    logger.info("escalation for %s: %s steps, %s holds, %s warnings", as_of, steps, holds, warnings)
    return EscalationResult(steps=steps, holds=holds, warnings=warnings)


def _apply_step(receivable: Receivable, level: EscalationLevel, *, as_of: date, days: int):
    customer = receivable.customer
    owner = customer.owner
    try:
        with transaction.atomic():
            EscalationEvent.objects.create(
                receivable=receivable,
                level=level,
                as_of=as_of,
                days_overdue=days,
                balance=receivable.balance,
            )
            held = False
            if level.puts_on_hold:
                held = credit_hold_put(
                    customer=customer,
                    reason=_("%(number)s is %(days)s days overdue")
                    % {"number": receivable.number, "days": days},
                )
            title = _("%(customer)s: %(number)s %(days)s days overdue — %(action)s") % {
                "customer": customer.name,
                "number": receivable.number,
                "days": days,
                "action": level.action,
            }
            key = f"escalation:{receivable.pk}:{level.pk}"
            url = reverse("receivable_detail", args=[receivable.pk])
            if owner is not None:
                notification_send(
                    recipient=owner,
                    title=title,
                    url=url,
                    dedupe_key=key,
                    level="danger" if level.puts_on_hold else "warning",
                    body=_("Task: %(action)s") % {"action": level.action}
                    if level.creates_task
                    else "",
                )
            manager = owner.team.manager if owner is not None and owner.team_id else None
            if level.notifies_manager and manager is not None:
                notification_send(
                    recipient=manager, title=title, url=url, dedupe_key=key, level="warning"
                )
    except IntegrityError:
        return 0, 0  # another run applied it at the same moment
    return 1, int(held)


def _credit_warnings(as_of: date) -> int:
    share = ReceivableSettings.load().credit_warning_share
    rows = (
        Receivable.objects.overdue(as_of)
        .filter(customer__credit_limit__gt=0, customer__owner__isnull=False)
        .values("customer")
        .annotate(total=Sum("amount"), allocated=Sum("allocated"), written=Sum("written_off"))
    )
    customers = Customer.objects.in_bulk([row["customer"] for row in rows])
    sent = 0
    for row in rows:
        customer = customers[row["customer"]]
        overdue = row["total"] - row["allocated"] - row["written"]
        if overdue <= customer.credit_limit * share:
            continue
        if notification_send(
            recipient=customer.owner,
            title=_("%(customer)s: overdue ¥%(overdue)s is over %(share)s%% of its credit limit")
            % {"customer": customer.name, "overdue": overdue, "share": int(share * 100)},
            url=customer.get_absolute_url(),
            level="danger",
            dedupe_key=f"credit-warning:{customer.pk}:{as_of:%Y-%m}",
        ):
            sent += 1
    return sent


def aging_snapshot(*, as_of: date) -> int:
    """Store each customer's aging on `as_of`; a rerun for the same day rewrites the same rows."""
    report = selectors.aging_report(user=None, as_of=as_of, group_by="customer")
    with transaction.atomic():
        AgingSnapshot.objects.filter(as_of=as_of).delete()
        AgingSnapshot.objects.bulk_create(
            AgingSnapshot(
                customer_id=int(row.key),
                as_of=as_of,
                not_due=row.not_due,
                b1=row.b1,
                b2=row.b2,
                b3=row.b3,
                b4=row.b4,
                total=row.total,
            )
            for row in report.rows
        )
    return len(report.rows)
