"""Customer statement (对账单 / 客户往来明细表): what a customer owed at the start of a period,
what was invoiced, paid and written off during it, the running balance and what is owed at the
end, plus the late-payment penalty accrued on overdue items by the end (shown apart, never added
to the balance).

Each item counts once, on its own date: a receivable on its issue date (debit), a payment on the
date it was received for the part of it applied to the customer's receivables (credit), a
write-off on its date (credit). Voided payments count as never received. So the closing balance
of one period is the opening balance of the next, and for a period ending today the closing
balance equals the sum of the open receivables' balances. Money the customer paid that is not
yet applied to any receivable is reported beside the statement (`unapplied`), not in it.

Reads only: call with a customer fetched through `Customer.objects.visible_to(user)`.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Sum

from customers.models import Customer
from receivables.aging import days_overdue, late_penalty
from receivables.models import Allocation, Payment, Receivable, ReceivableSettings, WriteOff

ZERO = Decimal("0.00")
# The documents are always in Chinese, whatever language the user reads the site in.
METHOD_LABELS = {"transfer": "银行转账", "bill": "银行承兑汇票", "cash": "现金"}
KIND_LABELS = {"retention": "质保金"}


@dataclass(frozen=True)
class StatementLine:
    kind: str  # "receivable", "payment" or "write_off"
    date: date
    reference: str  # receivable number, payment reference, written-off receivable number
    description: str
    debit: Decimal
    credit: Decimal
    balance: Decimal  # running balance after this line

    @property
    def label(self) -> str:
        return {"receivable": "应收", "payment": "回款", "write_off": "核销"}[self.kind]


@dataclass(frozen=True)
class PenaltyLine:
    receivable: Receivable
    due_date: date
    overdue_balance: Decimal  # balance at the statement's end date
    days_overdue: int
    penalty: Decimal


@dataclass
class Statement:
    customer: Customer
    start: date
    end: date
    opening_balance: Decimal
    lines: list[StatementLine] = field(default_factory=list)
    total_debit: Decimal = ZERO
    total_credit: Decimal = ZERO
    closing_balance: Decimal = ZERO
    daily_rate: Decimal = ZERO
    penalty_lines: list[PenaltyLine] = field(default_factory=list)
    penalty: Decimal = ZERO
    unapplied: Decimal = ZERO  # received by the end date, not applied to any receivable (now)


# Same-day order: invoices before the money that pays them, write-offs last.
_KIND_ORDER = {"receivable": 0, "payment": 1, "write_off": 2}


def statement(
    *, customer: Customer, start: date, end: date, daily_rate: Decimal | None = None
) -> Statement:
    """The statement of `customer` from `start` to `end`, both inclusive. `daily_rate` defaults
    to ReceivableSettings.penalty_daily_rate."""
    if start > end:
        raise ValueError("start must not be after end")
    if daily_rate is None:
        daily_rate = ReceivableSettings.load().penalty_daily_rate

    receivables = list(
        Receivable.objects.filter(customer=customer, issue_date__lte=end).order_by(
            "issue_date", "pk"
        )
    )
    # Applied money per payment, counted on the payment's date; voided payments and reversed
    # allocations are out.
    allocations = list(
        Allocation.objects.filter(
            receivable__customer=customer,
            reversed_at__isnull=True,
            payment__voided_at__isnull=True,
            payment__date__lte=end,
        ).values("payment_id", "receivable_id", "amount", "payment__date")
    )
    write_offs = list(
        WriteOff.objects.filter(receivable__customer=customer, date__lte=end)
        .select_related("receivable")
        .order_by("date", "pk")
    )

    # An opening balance's part paid before go-live has no payment behind it: the statement
    # carries only what was still owed when the system took over.
    def owed(receivable) -> Decimal:
        return receivable.amount - receivable.opening_paid

    opening = sum((owed(r) for r in receivables if r.issue_date < start), ZERO)
    opening -= sum((a["amount"] for a in allocations if a["payment__date"] < start), ZERO)
    opening -= sum((w.amount for w in write_offs if w.date < start), ZERO)

    entries = []  # (date, kind, pk, reference, description, debit, credit)
    for receivable in receivables:
        if receivable.issue_date >= start:
            details = [f"到期日 {receivable.due_date:%Y-%m-%d}"]
            details += [KIND_LABELS[receivable.kind]] if receivable.kind in KIND_LABELS else []
            details += [receivable.note] if receivable.note else []
            if receivable.opening_paid:
                details.append(
                    f"原金额 {receivable.amount:,.2f}，上线前已收 {receivable.opening_paid:,.2f}"
                )
            entries.append(
                (
                    receivable.issue_date,
                    "receivable",
                    receivable.pk,
                    receivable.number,
                    " · ".join(details),
                    owed(receivable),
                    ZERO,
                )
            )
    applied = defaultdict(lambda: ZERO)  # payment id -> amount applied, payments in the period
    applied_to = defaultdict(set)  # payment id -> receivable numbers
    numbers = {r.pk: r.number for r in receivables}
    for allocation in allocations:
        if allocation["payment__date"] >= start:
            applied[allocation["payment_id"]] += allocation["amount"]
            if allocation["receivable_id"] in numbers:
                applied_to[allocation["payment_id"]].add(numbers[allocation["receivable_id"]])
    for payment in Payment.objects.filter(pk__in=list(applied)).order_by("date", "pk"):
        details = [METHOD_LABELS.get(payment.method, payment.method)]
        if applied_to[payment.pk]:
            details.append("冲 " + "、".join(sorted(applied_to[payment.pk])))
        entries.append(
            (
                payment.date,
                "payment",
                payment.pk,
                payment.reference or f"回款 #{payment.pk}",
                " · ".join(details),
                ZERO,
                applied[payment.pk],
            )
        )
    for write_off in write_offs:
        if write_off.date >= start:
            entries.append(
                (
                    write_off.date,
                    "write_off",
                    write_off.pk,
                    write_off.receivable.number,
                    f"坏账核销 · {write_off.reason}",
                    ZERO,
                    write_off.amount,
                )
            )
    entries.sort(key=lambda entry: (entry[0], _KIND_ORDER[entry[1]], entry[2]))

    result = Statement(
        customer=customer, start=start, end=end, opening_balance=opening, daily_rate=daily_rate
    )
    balance = opening
    for on, kind, _pk, reference, description, debit, credit in entries:
        balance = balance + debit - credit
        result.lines.append(StatementLine(kind, on, reference, description, debit, credit, balance))
        result.total_debit += debit
        result.total_credit += credit
    result.closing_balance = balance

    # Penalty at the end date on each receivable's balance as of then, if overdue by then.
    collected = defaultdict(lambda: ZERO)
    for allocation in allocations:
        collected[allocation["receivable_id"]] += allocation["amount"]
    for write_off in write_offs:
        collected[write_off.receivable_id] += write_off.amount
    for receivable in sorted(receivables, key=lambda r: (r.due_date, r.pk)):
        open_at_end = owed(receivable) - collected[receivable.pk]
        days = days_overdue(due=receivable.due_date, as_of=end)
        if open_at_end <= 0 or days <= 0:
            continue
        penalty = late_penalty(overdue_amount=open_at_end, days=days, daily_rate=daily_rate)
        result.penalty_lines.append(
            PenaltyLine(receivable, receivable.due_date, open_at_end, days, penalty)
        )
        result.penalty += penalty

    payments = Payment.objects.filter(customer=customer, voided_at__isnull=True, date__lte=end)
    totals = payments.aggregate(amount=Sum("amount"), allocated=Sum("allocated"))
    result.unapplied = (totals["amount"] or ZERO) - (totals["allocated"] or ZERO)
    return result
