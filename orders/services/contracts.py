"""Writes on a contract (合同): draft it from an order or standalone, edit it while a draft, sign
it, record its delivery and acceptance, terminate it. Once signed it changes only through a
supplementary agreement (orders.services.supplements)."""

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import Customer
from orders.models import (
    Contract,
    ContractLine,
    LegalEntity,
    Order,
    OrderSettings,
    PaymentMilestone,
)
from orders.rules.amounts import MAX_AMOUNT, Amounts, line_amounts, order_totals
from orders.services.milestones import (
    LIVE,
    Trigger,
    contract_locked,
    milestones_reach,
    milestones_refresh,
    plan_apply,
    require_contract_write,
)
from orders.services.orders import check_day
from receivables.models import ReceivableSettings
from salesops.core.errors import NotPermitted, ServiceError

# What a draft's edit (and a supplementary agreement) may change besides the lines.
CONTRACT_FIELDS = (
    "title",
    "delivery_address",
    "acceptance_window_hours",
    "warranty_months",
    "penalty_daily_rate",
)
LINE_FIELDS = ("product", "description", "unit", "quantity", "unit_price", "discount", "tax_rate")


def _today(today: date | None) -> date:
    return today or timezone.localdate()


def _seller() -> LegalEntity:
    seller = LegalEntity.objects.filter(default=True).first()
    if seller is None:
        raise ServiceError(
            _("Our legal entity is not set up: an admin marks one as the default first.")
        )
    return seller


def _next_number(year: int) -> str:
    """HT + year + a 4-digit sequence, under the settings row's lock so two drafts never get
    the same number."""
    OrderSettings.load()
    prefix = OrderSettings.objects.select_for_update().get(pk=1).contract_prefix
    stem = f"{prefix}{year}"
    sequence = Contract.objects.filter(number__startswith=stem).count() + 1
    while Contract.objects.filter(number=f"{stem}{sequence:04d}").exists():
        sequence += 1
    return f"{stem}{sequence:04d}"


def lines_build(contract: Contract, lines: list[dict]) -> list[ContractLine]:
    """Unsaved lines with their amounts (orders.rules.amounts), checked like the model checks
    them; a line without a product needs its description."""
    if not lines:
        raise ServiceError(_("A contract needs at least one line."), field="lines")
    built = []
    for position, spec in enumerate(lines, start=1):
        values = {key: spec[key] for key in LINE_FIELDS if spec.get(key) not in (None, "")}
        product = values.get("product")
        if product is not None:
            values.setdefault("description", product.name)
            values.setdefault("unit", product.unit)
            values.setdefault("tax_rate", product.tax_rate)
        if not values.get("description"):
            raise ServiceError(
                _("Line %(position)s: describe what is sold.") % {"position": position},
                field="lines",
            )
        line = ContractLine(contract=contract, position=position, **values)
        if line.quantity is None or line.unit_price is None or line.tax_rate is None:
            raise ServiceError(
                _("Line %(position)s: give the quantity, the unit price and the VAT rate.")
                % {"position": position},
                field="lines",
            )
        figures = line_amounts(
            quantity=line.quantity,
            unit_price=line.unit_price,
            discount=line.discount or Decimal(0),
            tax_rate=line.tax_rate,
        )
        line.amount, line.amount_net, line.amount_tax = figures.amount, figures.net, figures.tax
        line.full_clean(exclude=["contract"])
        built.append(line)
    return built


def lines_store(contract: Contract, lines: list[ContractLine]) -> None:
    """Replace the contract's lines and keep its totals the sums of them."""
    sums = order_totals(
        Amounts(amount=line.amount, net=line.amount_net, tax=line.amount_tax) for line in lines
    )
    if sums.amount > MAX_AMOUNT:
        raise ServiceError(_("The lines add up to more than a contract can hold."), field="lines")
    ContractLine.objects.filter(contract=contract).delete()
    ContractLine.objects.bulk_create(lines)
    contract.total, contract.total_net, contract.total_tax = sums.amount, sums.net, sums.tax


def _check_opportunity(opportunity, customer: Customer) -> None:
    if opportunity is not None and opportunity.customer_id != customer.pk:
        raise ServiceError(_("This opportunity belongs to another customer."), field="opportunity")


def _draft(*, actor, customer: Customer, today: date, owner=None, **fields) -> Contract:
    if customer.owner_id is None:
        # Contracts are seen through their customer's owner: one in the pool would be nobody's.
        raise ServiceError(
            _("A customer in the pool has no owner; claim it before drafting a contract."),
            field="customer",
        )
    seller = _seller()
    contract = Contract(
        number=_next_number(today.year),
        customer=customer,
        owner=owner or customer.owner or actor,
        seller=seller,
        seller_name=seller.name,
        seller_credit_code=seller.credit_code,
        seller_address=seller.address,
        seller_legal_representative=seller.legal_representative,
        buyer_name=customer.name,
        buyer_credit_code=customer.credit_code or "",
        buyer_address=customer.address or "",
        buyer_legal_representative=customer.legal_rep or "",
        created_by=actor,
        **fields,
    )
    if contract.penalty_daily_rate is None:
        contract.penalty_daily_rate = ReceivableSettings.load().penalty_daily_rate
    if not contract.title:
        contract.title = _("Sales contract")
    contract.full_clean(exclude=["number"])
    return contract


@transaction.atomic
def contract_draft(
    *,
    actor,
    customer: Customer,
    lines: list[dict],
    delivery_address: str,
    title: str = "",
    opportunity=None,
    acceptance_window_hours: int = 72,
    warranty_months: int = 12,
    penalty_daily_rate: Decimal | None = None,
    today: date | None = None,
) -> Contract:
    """A standalone draft contract for `customer`: ours from the default legal entity, the
    buyer's details copied from the customer, `lines` as dicts (product optional, with a
    description)."""
    require_contract_write(actor)
    if not Customer.objects.visible_to(actor).filter(pk=customer.pk).exists():
        raise NotPermitted(_("You cannot draft contracts for this customer."))
    _check_opportunity(opportunity, customer)
    contract = _draft(
        actor=actor,
        customer=customer,
        today=_today(today),
        title=title.strip(),
        opportunity=opportunity,
        delivery_address=delivery_address.strip(),
        acceptance_window_hours=acceptance_window_hours,
        warranty_months=warranty_months,
        penalty_daily_rate=penalty_daily_rate,
    )
    built = lines_build(contract, lines)
    contract.save()
    lines_store(contract, built)
    contract.save(update_fields=["total", "total_net", "total_tax"])
    return contract


@transaction.atomic
def contract_draft_from_order(
    *,
    actor,
    order: Order,
    title: str = "",
    delivery_address: str = "",
    acceptance_window_hours: int = 72,
    warranty_months: int = 12,
    penalty_daily_rate: Decimal | None = None,
    today: date | None = None,
) -> Contract:
    """The order's draft contract: its customer, deal and lines (with the same amounts), the
    delivery address the order gives unless another is given. One contract per order."""
    require_contract_write(actor)
    if not Order.objects.visible_to(actor).filter(pk=order.pk).exists():
        raise NotPermitted(_("This order is outside your scope."))
    order = (
        Order.objects.select_for_update(of=("self",)).select_related("customer").get(pk=order.pk)
    )
    if order.status == Order.Status.CANCELLED:
        raise ServiceError(_("A cancelled order gets no contract."))
    if Contract.objects.filter(order=order).exists():
        raise ServiceError(_("This order already has its contract."))
    contract = _draft(
        actor=actor,
        customer=order.customer,
        today=_today(today),
        title=title.strip(),
        order=order,
        opportunity=order.opportunity,
        owner=order.owner,
        delivery_address=(delivery_address or order.delivery_address).strip(),
        acceptance_window_hours=acceptance_window_hours,
        warranty_months=warranty_months,
        penalty_daily_rate=penalty_daily_rate,
    )
    specs = [
        {key: getattr(line, key) for key in ("quantity", "unit_price", "discount", "tax_rate")}
        | {"product": line.product, "description": line.product.name, "unit": line.product.unit}
        for line in order.lines.select_related("product").order_by("position", "pk")
    ]
    built = lines_build(contract, specs)
    contract.save()
    lines_store(contract, built)
    contract.save(update_fields=["total", "total_net", "total_tax"])
    return contract


def _require_draft(contract: Contract) -> None:
    if contract.status != Contract.Status.DRAFT:
        raise ServiceError(_("A signed contract changes only through a supplementary agreement."))


@transaction.atomic
def contract_update(
    *, actor, contract: Contract, lines: list[dict] | None = None, **fields
) -> Contract:
    """Edit a draft: CONTRACT_FIELDS, the deal, and the lines when given. Refused once signed."""
    require_contract_write(actor, contract)
    contract = contract_locked(contract)
    _require_draft(contract)
    unknown = set(fields) - {*CONTRACT_FIELDS, "opportunity"}
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    if "opportunity" in fields:
        _check_opportunity(fields["opportunity"], contract.customer)
    for key, value in fields.items():
        setattr(contract, key, value.strip() if isinstance(value, str) else value)
    contract.full_clean()
    if lines is not None:
        lines_store(contract, lines_build(contract, lines))
    contract.save()
    if lines is not None:
        milestones_refresh(contract)
    return contract


@transaction.atomic
def contract_sign(
    *, actor, contract: Contract, signed_on: date, today: date | None = None
) -> Contract:
    """Sign a draft on `signed_on` (not in the future). Refused unless its payment plan adds up
    to the total; raises the signing and fixed-date milestones' receivables, and those of a
    delivery or acceptance its order already recorded."""
    require_contract_write(actor, contract)
    contract = contract_locked(contract)
    if contract.status != Contract.Status.DRAFT:
        raise ServiceError(_("This contract is already signed."))
    if contract.order_id and contract.order.status == Order.Status.CANCELLED:
        raise ServiceError(
            _("Order %(number)s was cancelled; its contract is not signed (terminate it).")
            % {"number": contract.order.number}
        )
    check_day(signed_on, today=today, field="signed_on")
    milestones = list(contract.milestones.order_by("sequence"))
    plan_apply(total=contract.total, milestones=milestones)
    PaymentMilestone.objects.bulk_update(milestones, ["amount"])
    contract.status, contract.signed_on = Contract.Status.SIGNED, signed_on
    contract.save(update_fields=["status", "signed_on"])
    milestones_reach(contract=contract, trigger=Trigger.SIGNING, on=signed_on, actor=actor)
    order = contract.order
    if order is not None and order.delivered_on:
        milestones_reach(order=order, trigger=Trigger.DELIVERY, on=order.delivered_on, actor=actor)
    if order is not None and order.accepted_on:
        milestones_reach(order=order, trigger=Trigger.ACCEPTANCE, on=order.accepted_on, actor=actor)
    contract.refresh_from_db()
    return contract


@transaction.atomic
def contract_deliver(
    *, actor, contract: Contract, delivered_on: date, today: date | None = None
) -> Contract:
    """Record delivery (not before signing, not in the future); raises the delivery milestones."""
    require_contract_write(actor, contract)
    contract = contract_locked(contract)
    if contract.status != Contract.Status.SIGNED:
        raise ServiceError(_("Only a signed contract that is not yet delivered can be delivered."))
    check_day(delivered_on, today=today, field="delivered_on", after=contract.signed_on)
    contract.status, contract.delivered_on = Contract.Status.DELIVERED, delivered_on
    contract.save(update_fields=["status", "delivered_on"])
    milestones_reach(contract=contract, trigger=Trigger.DELIVERY, on=delivered_on, actor=actor)
    return contract


@transaction.atomic
def contract_accept(
    *, actor, contract: Contract, accepted_on: date, today: date | None = None
) -> Contract:
    """Record acceptance (验收合格; not before delivery, not in the future); raises the acceptance
    milestones and the warranty-end ones (due from acceptance + the warranty months)."""
    require_contract_write(actor, contract)
    contract = contract_locked(contract)
    if contract.status != Contract.Status.DELIVERED:
        raise ServiceError(_("Only a delivered contract can be accepted."))
    check_day(accepted_on, today=today, field="accepted_on", after=contract.delivered_on)
    contract.status, contract.accepted_on = Contract.Status.ACCEPTED, accepted_on
    contract.save(update_fields=["status", "accepted_on"])
    milestones_reach(contract=contract, trigger=Trigger.ACCEPTANCE, on=accepted_on, actor=actor)
    return contract


@transaction.atomic
def contract_terminate(
    *, actor, contract: Contract, reason: str, terminated_on: date, today: date | None = None
) -> Contract:
    """End a draft or a live contract early, with the reason. Milestones not yet raised are
    never raised; receivables already raised stay for finance to collect or write off."""
    require_contract_write(actor, contract)
    contract = contract_locked(contract)
    if contract.status not in (Contract.Status.DRAFT, *LIVE):
        raise ServiceError(_("This contract is already closed."))
    if not reason.strip():
        raise ServiceError(_("Say why the contract is terminated."), field="reason")
    check_day(terminated_on, today=today, field="terminated_on", after=contract.signed_on)
    contract.status = Contract.Status.TERMINATED
    contract.terminated_on, contract.termination_reason = terminated_on, reason.strip()
    contract.save(update_fields=["status", "terminated_on", "termination_reason"])
    return contract


@transaction.atomic
def legal_entity_save(*, entity: LegalEntity) -> LegalEntity:
    """Save our legal entity (admin): marking it the default takes the mark off the one before,
    so there is always at most one (the constraint) and new contracts know whose it is."""
    entity.full_clean(validate_constraints=False)
    if entity.default:
        LegalEntity.objects.select_for_update().filter(default=True).exclude(pk=entity.pk).update(
            default=False
        )
    entity.save()
    return entity
