"""Money writes: receivables, payments, allocation, voids, write-offs, escalation, credit hold,
aging snapshots. Each runs in one transaction and locks the rows whose totals it changes, in a
fixed order (payment, then receivables by id), so concurrent requests queue instead of racing;
the CHECK constraints on the tables are the last line of defence."""

import logging
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import Customer
from customers.services.credit import customer_credit_hold_clear, customer_credit_hold_set
from receivables.models import (
    Allocation,
    CreditHoldEvent,
    Payment,
    Receivable,
    WriteOff,
)
from salesops.accounts.access import can_manage, can_write
from salesops.core.errors import NotPermitted, ServiceError
from salesops.core.money import is_in_fen, read_yuan
from salesops.core.templatetags.money import yuan

logger = logging.getLogger(__name__)
ZERO = Decimal("0.00")
CENT = Decimal("0.01")


def _require_finance(actor, *, system: bool = False) -> None:
    if not can_write(actor, money=True) and not (system and can_write(actor)):
        raise NotPermitted(_("Only finance records money."))


def _money(value, field: str) -> Decimal:
    """A positive amount in yuan with at most two decimals (fen); never rounded silently."""
    try:
        amount = read_yuan(value)
        exact = is_in_fen(amount)
    except ArithmeticError as exc:
        raise ServiceError(_("Enter an amount in yuan."), field=field) from exc
    if not exact:
        raise ServiceError(_("Enter an amount in yuan with at most two decimals."), field=field)
    if amount <= 0:
        raise ServiceError(_("The amount must be more than zero."), field=field)
    return amount


@transaction.atomic
def receivable_create(
    *,
    actor,
    customer: Customer,
    number: str,
    issue_date: date,
    due_date: date,
    amount: Decimal,
    kind: str = Receivable.Kind.NORMAL,
    source: str = Receivable.Source.MANUAL,
    allocated: Decimal = ZERO,
    opportunity=None,
    note: str = "",
    penalty_daily_rate: Decimal | None = None,
    raised_by_milestone: bool = False,
) -> Receivable:
    """A receivable (manual, opening balance or contract milestone). `allocated` is only for
    opening balances: the part paid before the system existed, with no payment record.
    `penalty_daily_rate` is the contract's rate; None uses ReceivableSettings'. Finance's only but
    for `raised_by_milestone` (source MILESTONE, by orders.services.milestones; docs/orders.md)."""
    _require_finance(actor, system=raised_by_milestone and source == Receivable.Source.MILESTONE)
    amount = _money(amount, "amount")
    allocated = Decimal(allocated)
    if allocated and source != Receivable.Source.OPENING:
        raise ServiceError(_("Only opening balances start partly paid."), field="allocated")
    if allocated < 0 or allocated > amount or allocated != allocated.quantize(CENT):
        raise ServiceError(_("Already paid must be between 0 and the amount."), field="allocated")
    if due_date < issue_date:
        raise ServiceError(_("The due date cannot be before the issue date."), field="due_date")
    if opportunity is not None and opportunity.customer_id != customer.pk:
        raise ServiceError(_("This opportunity belongs to another customer."), field="opportunity")
    receivable = Receivable(
        customer=customer,
        number=number.strip(),
        issue_date=issue_date,
        due_date=due_date,
        amount=amount,
        kind=kind,
        source=source,
        allocated=allocated,
        opening_paid=allocated,
        # Paid in full before go-live: settled from the start.
        settled_on=issue_date if allocated == amount else None,
        opportunity=opportunity,
        note=note,
        penalty_daily_rate=penalty_daily_rate,
    )
    receivable.full_clean()
    receivable.save()
    return receivable


@transaction.atomic
def payment_record(
    *,
    actor,
    customer: Customer,
    date: date,
    amount: Decimal,
    method: str,
    reference: str = "",
    submission_key: uuid.UUID | None = None,
    allocate: bool = True,
    now: datetime | None = None,
) -> Payment:
    """Record money received. With a submission_key, a second submit of the same form returns
    the first payment instead of recording the money twice. By default the payment is then
    allocated to the customer's open receivables, oldest due first."""
    _require_finance(actor)
    if submission_key is not None:
        existing = Payment.objects.filter(submission_key=submission_key).first()
        if existing is not None:
            return existing
    payment = Payment(
        customer=customer,
        date=date,
        amount=_money(amount, "amount"),
        method=method,
        reference=reference.strip(),
        recorded_by=actor,
        recorded_at=now or timezone.now(),
        submission_key=submission_key,
    )
    if date > timezone.localdate():
        raise ServiceError(_("A payment cannot be received in the future."), field="date")
    payment.full_clean(exclude=["submission_key"])
    try:
        with transaction.atomic():
            payment.save()
    except IntegrityError:
        # The same form submitted twice at once: the other request won; return its payment.
        existing = Payment.objects.filter(submission_key=submission_key).first()
        if existing is None:
            raise
        return existing
    if allocate:
        payment_allocate_oldest_first(actor=actor, payment=payment)
    return Payment.objects.get(pk=payment.pk)


@dataclass(frozen=True)
class AllocationRequest:
    receivable: Receivable
    amount: Decimal


def _lock_payment(payment: Payment) -> Payment:
    return Payment.objects.select_for_update().get(pk=payment.pk)


def _refuse_beyond_balance(receivable: Receivable, amount: Decimal) -> None:
    if amount > receivable.balance:
        raise ServiceError(
            _("Receivable %(number)s has only %(balance)s open; %(amount)s was entered.")
            % {
                "number": receivable.number,
                "balance": yuan(receivable.balance),
                "amount": yuan(amount),
            }
        )


def _apply(*, actor, payment: Payment, receivable: Receivable, amount: Decimal) -> Allocation:
    """Move `amount` from a locked payment to a locked receivable, within both limits."""
    if receivable.customer_id != payment.customer_id:
        raise ServiceError(_("A payment pays only its own customer's receivables."))
    left = payment.amount - payment.allocated
    # Name the limit that binds: the smaller of the payment's remainder and the balance.
    if receivable.balance <= left:
        _refuse_beyond_balance(receivable, amount)
    if amount > left:
        raise ServiceError(
            _("Only %(left)s of this payment is unallocated; %(amount)s was entered.")
            % {"left": yuan(left), "amount": yuan(amount)}
        )
    allocation = Allocation.objects.create(
        payment=payment, receivable=receivable, amount=amount, created_by=actor
    )
    # F() updates: the database adds to the committed value under the row lock.
    Payment.objects.filter(pk=payment.pk).update(allocated=F("allocated") + amount)
    Receivable.objects.filter(pk=receivable.pk).add_to_totals(allocated=amount)
    payment.allocated += amount
    receivable.allocated += amount
    return allocation


@transaction.atomic
def payment_allocate(
    *, actor, payment: Payment, requests: list[AllocationRequest]
) -> list[Allocation]:
    """Allocate parts of a payment to receivables finance chose. All requested parts or none."""
    _require_finance(actor)
    payment = _lock_payment(payment)
    if payment.voided_at:
        raise ServiceError(_("A voided payment cannot be allocated."))
    ids = sorted({r.receivable.pk for r in requests})
    receivables = {
        r.pk: r for r in Receivable.objects.select_for_update().filter(pk__in=ids).order_by("pk")
    }
    amounts = [_money(request.amount, "amount") for request in requests]
    for request, amount in zip(requests, amounts, strict=True):
        _refuse_beyond_balance(receivables[request.receivable.pk], amount)
    left = payment.amount - payment.allocated
    if len(amounts) > 1 and sum(amounts) > left:
        # The sum against the remainder the page shows; checked row by row, the remainder
        # after the earlier rows would be a figure the user never saw.
        raise ServiceError(
            _("The amounts add up to %(total)s; only %(left)s of this payment is unallocated.")
            % {"total": yuan(sum(amounts)), "left": yuan(left)}
        )
    allocations = []
    for request, amount in zip(requests, amounts, strict=True):
        allocations.append(
            _apply(
                actor=actor,
                payment=payment,
                receivable=receivables[request.receivable.pk],
                amount=amount,
            )
        )
    _after_collection(receivables.values())
    return allocations


@transaction.atomic
def payment_allocate_oldest_first(*, actor, payment: Payment) -> list[Allocation]:
    """Allocate what is left of a payment to the customer's open receivables, oldest due first."""
    _require_finance(actor)
    payment = _lock_payment(payment)
    if payment.voided_at:
        raise ServiceError(_("A voided payment cannot be allocated."))
    # Lock by id, as every other money write does (no deadlock between them), then pay the
    # oldest due first.
    receivables = sorted(
        Receivable.objects.select_for_update()
        .filter(customer_id=payment.customer_id)
        .open()
        .order_by("pk"),
        key=lambda r: (r.due_date, r.pk),
    )
    allocations = []
    for receivable in receivables:
        left = payment.amount - payment.allocated
        if left <= 0:
            break
        amount = min(left, receivable.balance)
        if amount > 0:
            allocations.append(
                _apply(actor=actor, payment=payment, receivable=receivable, amount=amount)
            )
    _after_collection(receivables)
    return allocations


@transaction.atomic
def payment_void(*, actor, payment: Payment, reason: str, now: datetime | None = None) -> Payment:
    """Void a payment with a reason: its allocations are reversed, nothing is deleted."""
    _require_finance(actor)
    if not reason.strip():
        raise ServiceError(_("Say why the payment is voided."), field="reason")
    payment = _lock_payment(payment)
    if payment.voided_at:
        raise ServiceError(_("This payment is already voided."))
    now = now or timezone.now()
    allocations = list(payment.allocations.active().order_by("receivable_id"))
    locked = {
        r.pk: r
        for r in Receivable.objects.select_for_update()
        .filter(pk__in=[a.receivable_id for a in allocations])
        .order_by("pk")
    }
    for allocation in allocations:
        # Reversed first: the receivable's settled day is read from its active allocations.
        allocation.reversed_at = now
        allocation.save(update_fields=["reversed_at"])
        Receivable.objects.filter(pk=allocation.receivable_id).add_to_totals(
            allocated=-allocation.amount
        )
    _after_reversal([a.receivable_id for a in allocations], now=now)
    payment.allocated = ZERO
    payment.voided_at, payment.voided_by, payment.void_reason = now, actor, reason.strip()
    payment.save(update_fields=["allocated", "voided_at", "voided_by", "void_reason"])
    logger.info(
        "payment %s voided by %s: %s (%s receivables reopened)",
        payment.pk,
        actor,
        reason,
        len(locked),
    )
    return payment


@transaction.atomic
def receivable_write_off(
    *, actor, receivable: Receivable, amount: Decimal, reason: str, on: date
) -> WriteOff:
    """Finance writes off bad debt (坏账核销) with a reason; never more than the open balance."""
    _require_finance(actor)
    if not reason.strip():
        raise ServiceError(_("Say why the debt is written off."), field="reason")
    receivable = Receivable.objects.select_for_update().get(pk=receivable.pk)
    amount = _money(amount, "amount")
    if on > timezone.localdate() or on < receivable.issue_date:
        raise ServiceError(
            _("A write-off is dated between the issue date and today."), field="date"
        )
    if amount > receivable.balance:
        raise ServiceError(
            _("Only %(balance)s is open.") % {"balance": yuan(receivable.balance)}, field="amount"
        )
    write_off = WriteOff.objects.create(
        receivable=receivable, amount=amount, date=on, reason=reason.strip(), written_off_by=actor
    )
    Receivable.objects.filter(pk=receivable.pk).add_to_totals(written_off=amount)
    return write_off


def _after_collection(receivables) -> None:
    """A committed deal reaches level 6 when the money collected on its receivables covers the
    deal amount and none of them is open. Written-off debt is not money collected."""
    from opportunities.models import Opportunity
    from opportunities.services.stages import opportunity_mark_collected

    opportunity_ids = {r.opportunity_id for r in receivables if r.opportunity_id}
    for opportunity in Opportunity.objects.filter(pk__in=opportunity_ids).awaiting_collection():
        linked = Receivable.objects.filter(opportunity=opportunity)
        collected = linked.aggregate(total=Sum("allocated"))["total"] or ZERO
        if collected >= opportunity.amount and not linked.open().exists():
            opportunity_mark_collected(opportunity=opportunity)


def _after_reversal(receivable_ids, *, now: datetime) -> None:
    """A voided payment that reopens a receivable of a deal already marked collected takes the
    deal back to level 5."""
    from opportunities.models import Opportunity
    from opportunities.services.stages import opportunity_collection_reversed

    reopened = Receivable.objects.filter(pk__in=receivable_ids).values("opportunity_id")
    for opportunity in Opportunity.objects.filter(pk__in=reopened).collected():
        if Receivable.objects.filter(opportunity=opportunity).open().exists():
            opportunity_collection_reversed(opportunity=opportunity, now=now)


# --- Credit hold --------------------------------------------------------------------------------


@transaction.atomic
def credit_holds_put(*, reasons: dict[int, str], at: datetime, actor=None) -> list[Customer]:
    """停止供货 for the customers in `reasons` ({customer id: why}) not yet on hold: customers sets
    the flag (set-based), this app records a hold event for each. Returns those put on hold."""
    held = customer_credit_hold_set(reasons=reasons, at=at)
    CreditHoldEvent.objects.bulk_create(
        [
            CreditHoldEvent(
                customer=customer,
                kind=CreditHoldEvent.Kind.HOLD,
                reason=customer.credit_hold_reason,
                actor=actor,
                created_at=at,
            )
            for customer in held
        ],
        batch_size=500,
    )
    return held


def credit_hold_put(*, customer: Customer, reason: str, actor=None) -> bool:
    return bool(credit_holds_put(reasons={customer.pk: reason}, at=timezone.now(), actor=actor))


@transaction.atomic
def credit_hold_release(*, actor, customer: Customer, reason: str) -> Customer:
    """停止供货 is lifted only by a manager (or admin), with a reason."""
    if not can_manage(actor):
        raise NotPermitted(_("Only a manager may release a credit hold."))
    if not reason.strip():
        raise ServiceError(_("Say why the hold is released."), field="reason")
    released = customer_credit_hold_clear(customer=customer)
    if released is None:
        raise ServiceError(_("This customer is not on credit hold."))
    CreditHoldEvent.objects.create(
        customer=released, kind=CreditHoldEvent.Kind.RELEASE, reason=reason.strip(), actor=actor
    )
    return released
