"""The reads of the contract pages and PDF: the list with its filters, a contract with what its
page shows (lines, milestones with their receivables, supplements), the contracts of a customer
or a deal, the milestone behind a receivable, and the milestones whose due date the official
calendar cannot count yet. Scoped by visible_to."""

from datetime import date

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from orders.models import Contract, PaymentMilestone
from orders.rules.milestones import add_months, due_day
from salesops.core.workdays import WorkdayCalendarError

CONTRACT_STATES = ("", *Contract.Status.values)


def contract_list(*, user, status: str = "", search: str = "") -> QuerySet:
    """Contracts newest first; `status` one of Contract.Status ("" for all), `search` matches the
    number or the customer's name."""
    qs = Contract.objects.visible_to(user).select_related("customer", "owner")
    if status:
        qs = qs.filter(status=status)
    return qs.search(search) if search else qs


def contract_get(*, user, pk: int) -> Contract:
    """One contract in scope with its customer, order, deal and owner; Http404 outside it."""
    return get_object_or_404(
        Contract.objects.visible_to(user).select_related(
            "customer", "order", "opportunity", "owner"
        ),
        pk=pk,
    )


def contract_parts(*, contract: Contract) -> dict:
    """What the contract page and PDF list under it."""
    return {
        "lines": list(contract.lines.select_related("product").order_by("position", "pk")),
        "milestones": list(contract.milestones.select_related("receivable").order_by("sequence")),
        "supplements": list(contract.supplements.select_related("actor").order_by("sequence")),
    }


def contracts_of(*, user, customer=None, opportunity=None) -> QuerySet:
    """A customer's or a deal's contracts, newest first (the small list on their pages)."""
    qs = Contract.objects.visible_to(user).select_related("customer")
    if customer is not None:
        qs = qs.filter(customer=customer)
    if opportunity is not None:
        qs = qs.filter(opportunity=opportunity)
    return qs


def contract_of_order(*, order) -> Contract | None:
    """The order's contract, if it has one (the order page's box, `_order_contract.html`)."""
    return Contract.objects.filter(order=order).first()


def milestone_of_receivable(*, receivable) -> PaymentMilestone | None:
    """The milestone that raised `receivable` (already in the viewer's scope), with its contract."""
    return (
        PaymentMilestone.objects.select_related("contract")
        .filter(receivable_id=receivable.pk)
        .first()
    )


def _expected_start(contract: Contract, milestone: PaymentMilestone, today: date) -> date:
    """The earliest day the milestone's trigger can happen, as far as is known now."""
    order = contract.order
    delivered = contract.delivered_on or (order and order.delivery_date) or today
    if milestone.trigger == PaymentMilestone.Trigger.SIGNING:
        return contract.signed_on or today
    if milestone.trigger == PaymentMilestone.Trigger.DELIVERY:
        return max(delivered, today) if not contract.delivered_on else delivered
    accepted = contract.accepted_on or max(delivered, today)
    if milestone.trigger == PaymentMilestone.Trigger.WARRANTY_END:
        return add_months(accepted, contract.warranty_months)
    return accepted


def milestones_beyond_calendar(
    *, contract: Contract, milestones: list[PaymentMilestone], today: date
) -> set[int]:
    """The sequences of the milestones not yet raised, counted in working days, whose due date
    the official calendar cannot count from the earliest day their trigger can happen: recording
    that trigger would be refused until the chinesecalendar package is updated."""
    flagged = set()
    for milestone in milestones:
        if milestone.receivable_id or milestone.offset_kind != "working":
            continue
        try:
            if milestone.trigger == PaymentMilestone.Trigger.FIXED_DATE:
                start = milestone.fixed_date
            else:
                start = _expected_start(contract, milestone, today)
            due_day(start=start, offset=milestone.offset, working_days=True)
        except (WorkdayCalendarError, OverflowError, ValueError):
            # past the calendar data, or even past year 9999 (a date typed as 9999-12-31)
            flagged.add(milestone.sequence)
    return flagged
