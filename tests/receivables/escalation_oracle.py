"""The escalation job as it was before the set-based rewrite (issue 10), kept as the oracle the
new job is compared with on hand-made data: every candidate streamed through Python, every
applied step read back into memory, one notice per warned customer."""

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import Case, Exists, F, IntegerField, OuterRef, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, override

from customers.models import Customer
from receivables.jobs import EscalationResult
from receivables.models import EscalationEvent, EscalationLevel, Receivable, ReceivableSettings
from receivables.rules import aging
from receivables.rules.credit import credit_warning_due
from receivables.rules.penalty import rate_percent
from receivables.selectors.balances import outstanding_by_customer
from receivables.services import credit_holds_put
from salesops.accounts.models import User
from salesops.core.i18n import lazy_text
from salesops.core.services import notification_send
from salesops.core.templatetags.money import yuan

BATCH = 5000


@dataclass
class DigestItem:
    number: str
    days: int
    balance: Decimal
    level: EscalationLevel


@dataclass
class DigestCustomer:
    name: str
    owner: str
    held: bool = False
    items: list[DigestItem] = field(default_factory=list)


def receivable_escalate(*, as_of: date) -> EscalationResult:
    """Take every open receivable overdue on `as_of` to the highest ladder step it has reached
    and not yet had; then warn owners whose customers' total outstanding passes the configured
    share of the credit limit (once a month per customer)."""
    levels = list(EscalationLevel.objects.order_by("from_days"))
    result = _escalate(levels, as_of=as_of) if levels else EscalationResult()
    warnings = _credit_warnings(as_of)
    return EscalationResult(
        steps=result.steps,
        skipped=result.skipped,
        holds=result.holds,
        digests=result.digests,
        warnings=warnings,
    )


@transaction.atomic
def _escalate(levels: list[EscalationLevel], *, as_of: date) -> EscalationResult:
    """One transaction for the whole run: the steps, the holds and the digests that announce them
    commit together, so a run killed half-way leaves nothing and its rerun does it all. A second
    run at the same moment waits on the unique index for the first, then inserts nothing and so
    sends nothing."""
    run = uuid.uuid4()
    now = timezone.now()
    by_pk = {level.pk: level for level in levels}
    created = _record_steps(levels, by_pk, as_of=as_of, run=run, now=now)
    if not created:
        return EscalationResult()
    applied = list(
        EscalationEvent.objects.filter(run_key=run, status=EscalationEvent.Status.APPLIED)
        .values(
            "level_id",
            "days_overdue",
            "balance",
            number=F("receivable__number"),
            customer_id=F("receivable__customer_id"),
            customer_name=F("receivable__customer__name"),
            owner_id=F("receivable__customer__owner_id"),
            owner_username=F("receivable__customer__owner__username"),
            owner_display=F("receivable__customer__owner__display_name"),
            manager_id=F("receivable__customer__owner__team__manager_id"),
        )
        .order_by("receivable__customer__name", "receivable__customer_id", "-days_overdue", "pk")
    )
    held = _holds_put(applied, by_pk, now=now)
    digests = _digests_send(applied, by_pk, held=held, as_of=as_of, run=run)
    return EscalationResult(
        steps=len(applied), skipped=created - len(applied), holds=len(held), digests=digests
    )


def _record_steps(levels, by_pk, *, as_of: date, run: uuid.UUID, now) -> int:
    """Insert, for each item whose highest reached step is not recorded yet, that step as applied
    and the lower ones it never had as skipped; rows another run already wrote are left alone
    (ignore_conflicts on the unique (receivable, level)). Returns how many rows are this run's."""
    # The highest step reached, in SQL: the first threshold the due date is past, highest first.
    reached = Case(
        *[
            When(due_date__lte=as_of - timedelta(days=level.from_days), then=Value(level.pk))
            for level in reversed(levels)
        ],
        default=None,
        output_field=IntegerField(),
    )
    recorded = EscalationEvent.objects.filter(receivable=OuterRef("pk"), level=OuterRef("target"))
    candidates = (
        Receivable.objects.overdue(as_of)
        .annotate(target=reached)
        .filter(target__isnull=False)
        .filter(~Exists(recorded))
        .annotate(open_balance=F("amount") - F("allocated") - F("written_off"))
        .values_list("pk", "due_date", "target", "open_balance")
        .order_by("pk")  # one insertion order for every run: concurrent runs cannot deadlock
    )
    rows: list[EscalationEvent] = []
    for pk, due_date, target, balance in candidates.iterator(chunk_size=BATCH):
        if len(rows) >= BATCH:  # bounded memory on a first run over a whole book
            EscalationEvent.objects.bulk_create(rows, ignore_conflicts=True)
            rows = []
        days = aging.days_overdue(due=due_date, as_of=as_of)
        top = by_pk[target]
        rows.extend(
            EscalationEvent(
                receivable_id=pk,
                level_id=level.pk,
                status=EscalationEvent.Status.APPLIED
                if level is top
                else EscalationEvent.Status.SKIPPED,
                as_of=as_of,
                days_overdue=days,
                balance=balance,
                run_key=run,
                created_at=now,
            )
            for level in levels
            if level.from_days <= top.from_days
        )
    if rows:
        EscalationEvent.objects.bulk_create(rows, ignore_conflicts=True)
    return EscalationEvent.objects.filter(run_key=run).count()


def _holds_put(applied: list[dict], by_pk, *, now) -> set[int]:
    """停止供货 for the customers with an item at a hold step in this run; the reason names the
    most overdue such item. Customers already on hold are left as they are."""
    reasons: dict[int, dict] = {}
    for item in applied:
        if by_pk[item["level_id"]].puts_on_hold:
            reasons.setdefault(item["customer_id"], item)  # rows come most overdue first
    if not reasons:
        return set()
    # A record, not a notice: written in the product's language like every other reason.
    with override(settings.LANGUAGE_CODE):
        texts = {
            customer_id: _("%(number)s is %(days)s days overdue")
            % {"number": item["number"], "days": item["days_overdue"]}
            for customer_id, item in reasons.items()
        }
    customers = credit_holds_put(reasons=texts, at=now)
    return {customer.pk for customer in customers}


def _digests_send(applied: list[dict], by_pk, *, held: set[int], as_of: date, run) -> int:
    """One notice per owner for the run, grouped by customer, and one per manager for the steps
    that call for the manager (items of their team members; a manager's own customers are in
    their owner digest already)."""
    owners: dict[int, dict[int, DigestCustomer]] = defaultdict(dict)
    managers: dict[int, dict[int, DigestCustomer]] = defaultdict(dict)
    for item in applied:
        level = by_pk[item["level_id"]]
        entry = DigestItem(
            number=item["number"], days=item["days_overdue"], balance=item["balance"], level=level
        )
        owner_name = item["owner_display"] or item["owner_username"] or ""
        recipients = []
        if item["owner_id"] is not None:
            recipients.append(owners[item["owner_id"]])
        manager = item["manager_id"]
        if level.notifies_manager and manager is not None and manager != item["owner_id"]:
            recipients.append(managers[manager])
        for digest in recipients:
            customer = digest.setdefault(
                item["customer_id"],
                DigestCustomer(
                    name=item["customer_name"], owner=owner_name, held=item["customer_id"] in held
                ),
            )
            customer.items.append(entry)
    users = User.objects.in_bulk([*owners, *managers])
    url = reverse("collections")
    sent = 0
    for kind, digests in (("escalation-digest", owners), ("escalation-digest-team", managers)):
        for user_id, customers in digests.items():
            sent += _digest_send(
                users[user_id],
                list(customers.values()),
                key=f"{kind}:{as_of.isoformat()}",
                run=run,
                url=url,
                as_of=as_of,
                for_manager=kind == "escalation-digest-team",
            )
    return sent


def _digest_send(recipient, customers, *, key, run, url, as_of, for_manager) -> int:
    notice = {
        "recipient": recipient,
        "title": partial(_digest_title, count=len(customers), as_of=as_of, for_manager=for_manager),
        "body": partial(_digest_body, customers, for_manager=for_manager),
        "url": url,
        "level": "danger" if any(c.held for c in customers) else "warning",
    }
    # The day's key keeps concurrent runs to one digest; a later run of the same day that does
    # find new items (a receivable imported since) sends them under its own key.
    sent = notification_send(**notice, dedupe_key=key) or notification_send(
        **notice, dedupe_key=f"{key}:{run}"
    )
    return int(sent is not None)


def _digest_title(*, count: int, as_of: date, for_manager: bool) -> str:
    if for_manager:
        text = ngettext(
            "Your team's overdue ladder on %(date)s: %(count)s customer",
            "Your team's overdue ladder on %(date)s: %(count)s customers",
            count,
        )
    else:
        text = ngettext(
            "Overdue ladder on %(date)s: %(count)s customer",
            "Overdue ladder on %(date)s: %(count)s customers",
            count,
        )
    return text % {"date": as_of.isoformat(), "count": count}


def _digest_body(customers: list[DigestCustomer], *, for_manager: bool) -> str:
    """The digest text, grouped by customer; called in the recipient's language."""
    lines = []
    for customer in customers:
        header = customer.name
        if for_manager and customer.owner:
            header += _(" (owner: %(owner)s)") % {"owner": customer.owner}
        if customer.held:
            header += " — " + _("put on credit hold (stop supply)")
        lines.append(header)
        for item in customer.items:
            parts = [
                item.number,
                _("%(days)s days overdue") % {"days": item.days},
                yuan(item.balance),
                f"{item.level.display_name}: {item.level.action}",
            ]
            if item.level.letter:
                parts.append(_("letter: %(letter)s") % {"letter": item.level.get_letter_display()})
            if item.level.creates_task:
                parts.append(_("task for the owner"))
            lines.append("- " + " · ".join(parts))
        lines.append("")
    return "\n".join(lines).strip()


def _credit_warnings(as_of: date) -> int:
    """单一客户累计欠款: warn the owner when a customer's total outstanding on `as_of` (due or not)
    exceeds the configured share of its credit limit; once a month per customer."""
    share = ReceivableSettings.load().credit_warning_share
    limited = Customer.objects.filter(credit_limit__gt=0, owner__isnull=False)
    outstanding = outstanding_by_customer(as_of=as_of, customers=limited)
    over = [
        pk
        for pk, limit in limited.values_list("pk", "credit_limit").iterator(chunk_size=BATCH)
        if pk in outstanding
        and credit_warning_due(outstanding=outstanding[pk], credit_limit=limit, share=share)
    ]
    sent = 0
    for customer in limited.filter(pk__in=over).select_related("owner").order_by("pk"):
        if notification_send(
            recipient=customer.owner,
            title=lazy_text(
                gettext_lazy(
                    "%(customer)s: outstanding %(outstanding)s is over %(share)s%% of its "
                    "credit limit %(limit)s"
                ),
                customer=customer.name,
                outstanding=yuan(outstanding[customer.pk]),
                share=rate_percent(share),
                limit=yuan(customer.credit_limit),
            ),
            url=customer.get_absolute_url(),
            level="danger",
            dedupe_key=f"credit-warning:{customer.pk}:{as_of:%Y-%m}",
        ):
            sent += 1
    return sent
