"""Payment milestones (付款节点): the plan of a draft contract, its check, and the seam where a
trigger (signed, delivered, accepted; on the contract or on its order) raises the receivables.

The order services call `milestones_reach` when an order is delivered or accepted; the contract
services call it when a contract is signed, delivered or accepted. Rows are locked in one order
everywhere: the order, then its contract, then the contract's milestones.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import F, Sum
from django.db.models.functions import Least
from django.utils.translation import gettext as _

from orders.models import Contract, Order, PaymentMilestone
from orders.rules.milestones import PlanError, PlanLine, due_day, plan_amounts, start_day
from receivables.models import Receivable
from receivables.services import receivable_create
from salesops.accounts.access import can_write
from salesops.core.errors import NotPermitted, ServiceError
from salesops.core.templatetags.money import yuan
from salesops.core.workdays import WorkdayCalendarError, supported_years

Trigger = PaymentMilestone.Trigger
# What each recorded event reaches: fixed-date milestones are raised at signing (due on their
# date), warranty-end ones at acceptance (due from the end of the warranty).
REACHES = {
    Trigger.SIGNING: (Trigger.SIGNING, Trigger.FIXED_DATE),
    Trigger.DELIVERY: (Trigger.DELIVERY,),
    Trigger.ACCEPTANCE: (Trigger.ACCEPTANCE, Trigger.WARRANTY_END),
}
# A contract whose milestones can be reached: signed and not terminated or completed.
LIVE = (Contract.Status.SIGNED, Contract.Status.DELIVERED, Contract.Status.ACCEPTED)
# What a plan's milestone is given as (the form's fields and the supplement's JSON).
MILESTONE_FIELDS = (
    "name",
    "percent",
    "amount",
    "trigger",
    "fixed_date",
    "offset",
    "offset_kind",
    "retention",
)


def require_contract_write(actor, contract: Contract | None = None) -> None:
    """Reps, managers and admins change contracts, within their scope (finance reads them)."""
    if not can_write(actor):
        raise NotPermitted(_("Your role may not change contracts."))
    if (
        contract is not None
        and not Contract.objects.visible_to(actor).filter(pk=contract.pk).exists()
    ):
        raise NotPermitted(_("This contract is outside your scope."))


def contract_locked(contract: Contract) -> Contract:
    """The contract's row locked, its order's first (the order services lock the order and then
    reach its contract, so the same order here cannot deadlock)."""
    if contract.order_id:
        Order.objects.select_for_update().filter(pk=contract.order_id).values("pk").get()
    return (
        Contract.objects.select_for_update(of=("self",))
        .select_related("customer", "opportunity")
        .get(pk=contract.pk)
    )


def plan_error_message(error: PlanError) -> str:
    figures = error.figures
    if error.code == "empty":
        return _("A contract needs at least one payment milestone.")
    if error.code == "percent_or_amount":
        return _("Milestone %(position)s: give either a percent or an amount.") % figures
    if error.code == "not_positive":
        return _("Milestone %(position)s: the percent or amount must be more than zero.") % figures
    if error.code == "percent_sum":
        return _("The percentages add up to %(percent)s%%, not 100%%.") % {
            "percent": f"{figures['percent'].normalize():f}"
        }
    return _(
        "The milestones add up to %(planned)s but the contract total is %(total)s "
        "(difference %(difference)s)."
    ) % {key: yuan(value) for key, value in figures.items()}


def plan_apply(*, total: Decimal, milestones: list[PaymentMilestone]) -> None:
    """Check the plan against `total` and fill each unraised milestone's amount; ServiceError
    (field "milestones") with the figures when it does not add up. Writes nothing."""
    lines = [
        PlanLine(
            percent=m.percent,
            amount=m.amount if m.percent is None or m.receivable_id else None,
            raised=bool(m.receivable_id),
        )
        for m in milestones
    ]
    try:
        amounts = plan_amounts(total, lines)
    except PlanError as exc:
        raise ServiceError(plan_error_message(exc), field="milestones") from exc
    for milestone, amount in zip(milestones, amounts, strict=True):
        milestone.amount = amount


def milestone_build(contract: Contract, sequence: int, spec: dict) -> PaymentMilestone:
    """An unsaved milestone from a plan's entry, checked like the model checks it."""
    milestone = PaymentMilestone(
        contract=contract,
        sequence=sequence,
        **{key: spec.get(key) for key in MILESTONE_FIELDS if spec.get(key) is not None},
    )
    if milestone.percent is not None:
        milestone.amount = Decimal("0.00")
    elif milestone.amount is None:
        raise ServiceError(
            _("Milestone %(position)s: give either a percent or an amount.")
            % {"position": sequence},
            field="milestones",
        )
    if milestone.trigger == Trigger.FIXED_DATE and milestone.fixed_date is None:
        raise ServiceError(
            _("Milestone %(position)s: a fixed-date milestone needs its date.")
            % {"position": sequence},
            field="milestones",
        )
    milestone.full_clean(exclude=["contract", "receivable"], validate_unique=False)
    if milestone.trigger == Trigger.FIXED_DATE and date.max - milestone.fixed_date < timedelta(
        days=milestone.offset
    ):
        raise ServiceError(
            _("Milestone %(position)s: its due date would be past the year 9999.")
            % {"position": sequence},
            field="milestones",
        )
    return milestone


@transaction.atomic
def milestone_plan_set(*, actor, contract: Contract, milestones: list[dict]) -> list:
    """Replace the payment plan of a draft contract (a signed one changes only through a
    supplementary agreement); refused with the figures, and nothing written, unless it adds up."""
    require_contract_write(actor, contract)
    contract = contract_locked(contract)
    if contract.status != Contract.Status.DRAFT:
        raise ServiceError(
            _("A signed contract changes only through a supplementary agreement."),
            field="milestones",
        )
    built = [milestone_build(contract, n, spec) for n, spec in enumerate(milestones, start=1)]
    plan_apply(total=contract.total, milestones=built)
    PaymentMilestone.objects.filter(contract=contract).delete()
    return PaymentMilestone.objects.bulk_create(built)


def milestones_refresh(contract: Contract) -> None:
    """After a draft's lines changed: percent milestones follow the new total when the plan still
    adds up; otherwise they stay as they are and signing refuses the plan with its figures."""
    milestones = list(PaymentMilestone.objects.filter(contract=contract).order_by("sequence"))
    try:
        plan_apply(total=contract.total, milestones=milestones)
    except ServiceError:
        return
    PaymentMilestone.objects.bulk_update(milestones, ["amount"])


def calendar_refusal(milestone: PaymentMilestone, start: date) -> ServiceError:
    first, last = supported_years()
    return ServiceError(
        _(
            "Milestone %(sequence)s “%(name)s” is due %(offset)s working days after %(start)s, "
            "but the official holiday calendar covers %(first)s to %(last)s only, so its due "
            "date cannot be counted. Nothing was recorded. Count it in calendar days or update "
            "the chinesecalendar package."
        )
        % {
            "sequence": milestone.sequence,
            "name": milestone.name,
            "offset": milestone.offset,
            "start": start.isoformat(),
            "first": f"{first}-01-01",
            "last": f"{last}-12-31",
        }
    )


def milestone_due(milestone: PaymentMilestone, *, on: date, warranty_months: int) -> date:
    """The day the milestone falls due when its trigger happens on `on`; ServiceError naming
    it when working days reach past the calendar data."""
    start = start_day(
        trigger=milestone.trigger,
        trigger_day=on,
        fixed_date=milestone.fixed_date,
        warranty_months=warranty_months,
    )
    try:
        return due_day(
            start=start,
            offset=milestone.offset,
            working_days=milestone.offset_kind == PaymentMilestone.OffsetKind.WORKING,
        )
    except WorkdayCalendarError as exc:
        raise calendar_refusal(milestone, start) from exc


def _follow_order(contract: Contract, trigger: str, on: date) -> None:
    """An order delivered or accepted is the contract delivered or accepted on that day."""
    changed = []
    if trigger == Trigger.DELIVERY and contract.delivered_on is None:
        contract.delivered_on = on
        changed.append("delivered_on")
        if contract.status == Contract.Status.SIGNED:
            contract.status = Contract.Status.DELIVERED
            changed.append("status")
    if trigger == Trigger.ACCEPTANCE and contract.accepted_on is None:
        contract.accepted_on = on
        contract.status = Contract.Status.ACCEPTED
        changed += ["accepted_on", "status"]
    if changed:
        contract.save(update_fields=changed)


@transaction.atomic
def milestones_reach(*, order=None, contract=None, trigger: str, on: date, actor) -> list:
    """Raise the receivables of the milestones `trigger` reaches on `on`, for the contract (or
    the order's contract, whose delivery or acceptance it then records); returns the receivables
    raised now. A milestone that already has its receivable is skipped (the rows are locked and
    `PaymentMilestone.receivable` is one-to-one), so a retry or a double submit raises nothing
    more. Nothing is reached before signing or after termination. ServiceError, with nothing
    written, when a due date cannot be counted."""
    if contract is None:
        contract = Contract.objects.filter(order=order).first() if order is not None else None
        if contract is None:
            return []
    contract = contract_locked(contract)
    if contract.status not in LIVE:
        return []
    if order is not None:
        _follow_order(contract, trigger, on)
    milestones = list(
        PaymentMilestone.objects.select_for_update()
        .filter(contract=contract, trigger__in=REACHES[trigger], receivable__isnull=True)
        .order_by("sequence")
    )
    dues = [milestone_due(m, on=on, warranty_months=contract.warranty_months) for m in milestones]
    for milestone, due in zip(milestones, dues, strict=True):
        if due < on:
            raise ServiceError(
                _("Milestone %(sequence)s “%(name)s” falls due on %(due)s, before %(on)s.")
                % {"sequence": milestone.sequence, "name": milestone.name, "due": due, "on": on}
            )
    raised = []
    for milestone, due in zip(milestones, dues, strict=True):
        receivable = receivable_create(
            actor=actor,
            customer=contract.customer,
            number=_free_number(f"{contract.number}-{milestone.sequence:02d}"),
            issue_date=on,
            due_date=due,
            amount=milestone.amount,
            kind=Receivable.Kind.RETENTION if milestone.retention else Receivable.Kind.NORMAL,
            source=Receivable.Source.MILESTONE,
            opportunity=contract.opportunity,
            note=f"{contract.number} {milestone.name}"[:300],
            penalty_daily_rate=contract.penalty_daily_rate,
            raised_by_milestone=True,
        )
        milestone.receivable, milestone.triggered_on, milestone.due_date = receivable, on, due
        milestone.save(update_fields=["receivable", "triggered_on", "due_date"])
        raised.append(receivable)
    if raised and contract.order_id:
        # What was raised no longer counts toward exposure as an uninvoiced order; capped at
        # the order's total, which a supplement to the contract may have passed.
        amount = sum((r.amount for r in raised), Decimal("0.00"))
        Order.objects.filter(pk=contract.order_id).update(
            invoiced=Least(F("invoiced") + amount, F("total"))
        )
    return raised


def _free_number(number: str) -> str:
    """The milestone's receivable number, or with -2, -3 … when someone already typed it by hand
    for another receivable (otherwise that milestone could never be raised)."""
    taken = set(
        Receivable.objects.filter(number__startswith=number).values_list("number", flat=True)
    )
    candidate, n = number, 1
    while candidate in taken:
        n += 1
        candidate = f"{number}-{n}"
    return candidate


def raised_total(contract: Contract) -> Decimal:
    """What the contract's milestones have raised so far."""
    found = PaymentMilestone.objects.filter(contract=contract, receivable__isnull=False)
    return found.aggregate(total=Sum("amount"))["total"] or Decimal("0.00")
