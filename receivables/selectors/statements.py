"""Customer statement (对账单 / 客户往来明细表): what a customer owed at the start of a period,
what was invoiced, paid and written off during it, the running balance and what is owed at the
end, plus the late-payment penalty accrued in the period and in total by the end (shown apart,
never added to the balance). Also `receivable_penalties`, the one penalty read the statement and
both letters use.

Each item counts once, on its own date: a receivable on its issue date (debit), a payment on the
date it was received for the part of it applied to the customer's receivables (credit), a
write-off on its date (credit). Voided payments count as never received. So the closing balance
of one period is the opening balance of the next, and for a period ending today the closing
balance equals the sum of the open receivables' balances. Money the customer paid that is not
yet applied to any receivable is reported beside the statement (`unapplied`), not in it.

Reads only: call with a customer fetched through `Customer.objects.visible_to(user)`.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Sum

from customers.models import Customer
from receivables.models import Allocation, Payment, Receivable, ReceivableSettings, WriteOff
from receivables.rules.penalty import (
    PenaltyAccrual,
    Reduction,
    Segment,
    penalty_accrual,
    rate_percent,
)

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


def receivable_penalties(
    *, receivables: Sequence[Receivable], end: date, default_rate: Decimal | None = None
) -> dict[int, PenaltyAccrual]:
    """The penalty accrued by `end` on each receivable (already fetched through visible_to),
    from its history: allocations count on their payment's date, voided payments and reversed
    allocations never count, write-offs count on their date, and what an opening balance had
    paid before go-live counts as paid before the due date. Rate: the receivable's own, else
    `default_rate`, else ReceivableSettings' (one more query). Two queries for any number of
    receivables."""
    ids = [receivable.pk for receivable in receivables]
    reductions = defaultdict(list)
    allocations = (
        Allocation.objects.counted_by(end)
        .filter(receivable_id__in=ids)
        .values_list("receivable_id", "payment__date", "amount")
    )
    write_offs = WriteOff.objects.filter(receivable_id__in=ids, date__lte=end).values_list(
        "receivable_id", "date", "amount"
    )
    for receivable_id, on, amount in [*allocations, *write_offs]:
        reductions[receivable_id].append(Reduction(on, amount))
    if default_rate is None and any(r.penalty_daily_rate is None for r in receivables):
        default_rate = ReceivableSettings.load().penalty_daily_rate
    return {
        receivable.pk: penalty_accrual(
            owed=receivable.owed_after_go_live,
            due=receivable.due_date,
            reductions=reductions[receivable.pk],
            end=end,
            daily_rate=(
                default_rate
                if receivable.penalty_daily_rate is None
                else receivable.penalty_daily_rate
            ),
        )
        for receivable in receivables
    }


@dataclass(frozen=True)
class PenaltyLine:
    receivable: Receivable
    due_date: date
    daily_rate: Decimal
    overdue_balance: Decimal  # accruing on the statement's end date (0 once settled)
    days_overdue: int  # on the end date, while something is overdue
    segments: tuple[Segment, ...]
    in_period: Decimal
    total: Decimal  # accrued from the due date to the end date

    @property
    def daily_rate_percent(self) -> str:
        return rate_percent(self.daily_rate)


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
    daily_rate: Decimal = ZERO  # the settings' rate, for receivables without their own
    penalty_lines: list[PenaltyLine] = field(default_factory=list)
    penalty_in_period: Decimal = ZERO
    penalty_total: Decimal = ZERO
    unapplied: Decimal = ZERO  # received by the end date, not applied to any receivable (now)


# Same-day order: invoices before the money that pays them, write-offs last.
_KIND_ORDER = {"receivable": 0, "payment": 1, "write_off": 2}


def statement(
    *, customer: Customer, start: date, end: date, daily_rate: Decimal | None = None
) -> Statement:
    """The statement of `customer` from `start` to `end`, both inclusive. `daily_rate` is the
    penalty rate of receivables without their own; it defaults to ReceivableSettings'."""
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
        Allocation.objects.counted_by(end)
        .filter(receivable__customer=customer)
        .values("payment_id", "receivable_id", "amount", "payment__date")
    )
    write_offs = list(
        WriteOff.objects.filter(receivable__customer=customer, date__lte=end)
        .select_related("receivable")
        .order_by("date", "pk")
    )

    # An opening balance's part paid before go-live has no payment behind it: the statement
    # carries only what was still owed when the system took over.
    def owed(receivable) -> Decimal:
        return receivable.owed_after_go_live

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

    # Every item that accrued anything by the end date, also the ones paid late in full since:
    # they keep what they accrued. Each item is rounded once; the totals add the printed lines.
    penalties = receivable_penalties(receivables=receivables, end=end, default_rate=daily_rate)
    for receivable in sorted(receivables, key=lambda r: (r.due_date, r.pk)):
        accrual = penalties[receivable.pk]
        if not accrual.total:
            continue
        line = PenaltyLine(
            receivable=receivable,
            due_date=receivable.due_date,
            daily_rate=accrual.daily_rate,
            overdue_balance=accrual.overdue_balance,
            days_overdue=accrual.days_overdue,
            segments=accrual.segments,
            in_period=accrual.in_period(start),
            total=accrual.total,
        )
        result.penalty_lines.append(line)
        result.penalty_in_period += line.in_period
        result.penalty_total += line.total

    payments = Payment.objects.filter(customer=customer, date__lte=end).valid()
    totals = payments.aggregate(amount=Sum("amount"), allocated=Sum("allocated"))
    result.unapplied = (totals["amount"] or ZERO) - (totals["allocated"] or ZERO)
    return result
