"""The collection list (催收清单): overdue items with who to call and what was promised."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Max, Min

from customers.models import Contact, FollowUp
from receivables.models import EscalationEvent, Receivable
from receivables.rules import aging
from salesops.core.localized import localized


@dataclass
class CollectionItem:
    receivable: Receivable
    days_overdue: int
    balance: Decimal
    level: str
    contact_name: str
    contact_phone: str
    last_followup: object
    promised_date: date | None


def collection_list(*, user, as_of: date, min_days: int = 1, owner=None) -> list[CollectionItem]:
    """催收清单: open receivables at least `min_days` overdue, most overdue first. Four queries
    (items, contacts, escalation steps, follow-up dates), grouped rather than per row."""
    qs = (
        Receivable.objects.visible_to(user)
        .overdue(as_of - timedelta(days=min_days - 1))
        .select_related("customer", "customer__owner")
        .order_by("due_date", "pk")
    )
    if owner is not None:
        qs = qs.filter(customer__owner=owner)
    receivables = list(qs)
    in_scope = qs.values("pk")

    contacts: dict[int, list] = defaultdict(list)
    for contact in Contact.objects.filter(customer_id__in=qs.values("customer_id")).order_by("pk"):
        contacts[contact.customer_id].append(contact)
    levels: dict[int, tuple[int, str]] = {}
    for receivable_id, from_days, name in EscalationEvent.objects.filter(
        receivable__in=in_scope
    ).values_list("receivable_id", "level__from_days", localized("level__name")):
        if from_days > levels.get(receivable_id, (-1, ""))[0]:
            levels[receivable_id] = (from_days, name)
    followups = FollowUp.objects.filter(customer_id__in=qs.values("customer_id"))
    last_contact = dict(
        followups.values("customer_id")
        .annotate(last=Max("occurred_at"))
        .values_list("customer_id", "last")
    )
    promised = dict(
        followups.filter(next_step_due__gte=as_of, next_step_done_at__isnull=True)
        .values("customer_id")
        .annotate(first=Min("next_step_due"))
        .values_list("customer_id", "first")
    )
    items = []
    for receivable in receivables:
        people = contacts.get(receivable.customer_id, [])
        contact = next((c for c in people if c.decision_role == "purchaser"), None) or (
            people[0] if people else None
        )
        items.append(
            CollectionItem(
                receivable=receivable,
                days_overdue=aging.days_overdue(due=receivable.due_date, as_of=as_of),
                balance=receivable.balance,
                level=levels.get(receivable.pk, (0, ""))[1],
                contact_name=contact.name if contact else "",
                contact_phone=(contact.mobile or contact.phone)
                if contact
                else receivable.customer.phone,
                last_followup=last_contact.get(receivable.customer_id),
                promised_date=promised.get(receivable.customer_id),
            )
        )
    return items
