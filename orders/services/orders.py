"""Order writes before and after confirmation: create a draft (also from a won or committed
deal), edit it while it is a draft, change requests (变更) after confirmation, alerts.

Every write locks the order row first; totals are recomputed from the lines by the pure rules
in orders.rules.amounts and the CHECK constraints tie them together."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models.functions import Length
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import Customer
from opportunities.models import Opportunity
from opportunities.querysets import COMMITTED_LEVEL
from orders.models import Order, OrderChange, OrderEvent, OrderLine, OrderSettings, Product
from orders.querysets import COMMITTED
from orders.rules.amounts import MAX_AMOUNT, ZERO, Amounts, line_amounts, order_totals
from salesops.accounts.access import can_write
from salesops.core.errors import NotPermitted, ServiceError

# The fields a draft edit or a change request may set (the customer never changes).
EDITABLE = (
    "order_date",
    "delivery_date",
    "payment_terms_days",
    "prepayment",
    "guarantee",
    "delivery_address",
    "note",
)
# Confirmed, not closed or cancelled: what a change request may still change.
CHANGEABLE = COMMITTED


@dataclass(frozen=True)
class LineInput:
    """One line as a form or an import gives it; unit price and rate default to the product's."""

    product: Product
    quantity: Decimal
    unit_price: Decimal | None = None
    discount: Decimal = Decimal(0)
    tax_rate: Decimal | None = None


def require_sales(actor) -> None:
    if not can_write(actor):
        raise NotPermitted(_("Only sales staff change orders."))


def check_day(
    on: date, *, field: str, today: date | None = None, after: date | None = None, after_label=""
) -> None:
    """A day an order or contract step happened on: not after `today` (default: today in
    Asia/Shanghai) and not before `after`, the previous step's day (named `after_label` in the
    message when given)."""
    if on > (today or timezone.localdate()):
        raise ServiceError(_("The date cannot be in the future."), field=field)
    if after is not None and on < after:
        if after_label:
            message = _("The date cannot be before %(step)s (%(day)s).") % {
                "step": after_label,
                "day": after.isoformat(),
            }
        else:
            message = _("The date cannot be before %(day)s.") % {"day": after.isoformat()}
        raise ServiceError(message, field=field)


def lock(order: Order) -> Order:
    """The order row locked for this transaction, re-read (another request may have moved it)."""
    return Order.objects.select_for_update().get(pk=order.pk)


def event(order: Order, kind: str, *, actor, note: str = "", from_status="", to_status=""):
    return OrderEvent.objects.create(
        order=order,
        kind=kind,
        actor=actor,
        note=str(note)[:500],
        from_status=from_status,
        to_status=to_status,
    )


def order_number_next(*, on: date) -> str:
    """<prefix><YYYYMMDD>-<sequence of the day, 4 digits>. The settings row is locked for the
    rest of the transaction, so two orders created at once queue for their number; the unique
    constraint on the number is the last line of defence."""
    OrderSettings.load()
    settings = OrderSettings.objects.select_for_update().get(pk=1)
    stem = f"{settings.number_prefix}{on:%Y%m%d}-"
    last = (
        Order.objects.filter(number__startswith=stem)
        .annotate(length=Length("number"))
        .order_by("-length", "-number")
        .values_list("number", flat=True)
        .first()
    )
    sequence = 1
    if last is not None:
        tail = last[len(stem) :]
        sequence = int(tail) + 1 if tail.isdigit() else 1
    return f"{stem}{sequence:04d}"


def _build_lines(lines: list[LineInput]) -> list[OrderLine]:
    built = []
    for position, given in enumerate(lines, 1):
        product = given.product
        unit_price = product.list_price if given.unit_price is None else Decimal(given.unit_price)
        tax_rate = product.tax_rate if given.tax_rate is None else Decimal(given.tax_rate)
        quantity, discount = Decimal(given.quantity), Decimal(given.discount or 0)
        if quantity <= 0:
            raise ServiceError(
                _("Line %(n)s: the quantity must be more than zero.") % {"n": position},
                field="lines",
            )
        if unit_price < 0 or not 0 <= discount <= 1 or not 0 <= tax_rate <= 1:
            raise ServiceError(
                _("Line %(n)s: price, discount or tax rate out of range.") % {"n": position},
                field="lines",
            )
        figures = line_amounts(
            quantity=quantity, unit_price=unit_price, discount=discount, tax_rate=tax_rate
        )
        built.append(
            OrderLine(
                product=product,
                quantity=quantity,
                unit_price=unit_price,
                discount=discount,
                tax_rate=tax_rate,
                amount=figures.amount,
                amount_net=figures.net,
                amount_tax=figures.tax,
                position=position,
            )
        )
    return built


def _write_lines(order: Order, lines: list[OrderLine]) -> None:
    """Replace the order's lines and its totals with `lines`' (already built and checked)."""
    OrderLine.objects.filter(order=order).delete()
    for line in lines:
        line.order = order
        line.full_clean(exclude=["order"])
    OrderLine.objects.bulk_create(lines)
    totals = order_totals(
        Amounts(amount=x.amount, net=x.amount_net, tax=x.amount_tax) for x in lines
    )
    if totals.amount > MAX_AMOUNT:
        raise ServiceError(_("The lines add up to more than an order can hold."), field="lines")
    order.total, order.total_net, order.total_tax = totals.amount, totals.net, totals.tax


def _set_fields(order: Order, fields: dict) -> None:
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(order, name, value.strip() if isinstance(value, str) else value)
    if order.delivery_date < order.order_date:
        raise ServiceError(
            _("The delivery date cannot be before the order date."), field="delivery_date"
        )


def _visible_customer(actor, customer: Customer) -> Customer:
    found = Customer.objects.visible_to(actor).filter(pk=customer.pk).first()
    if found is None:
        raise NotPermitted(_("This customer is not one of yours."))
    if found.owner_id is None:
        raise ServiceError(
            _("A customer in the pool has no owner; claim it before taking an order."),
            field="customer",
        )
    return found


@transaction.atomic
def order_create(
    *,
    actor,
    customer: Customer,
    delivery_date: date,
    lines: list[LineInput] = (),
    order_date: date | None = None,
    payment_terms_days: int | None = None,
    prepayment: Decimal = ZERO,
    guarantee: str = "",
    delivery_address: str = "",
    note: str = "",
    opportunity: Opportunity | None = None,
) -> Order:
    """A draft order for a customer the actor may see, credited to the customer's owner."""
    require_sales(actor)
    customer = _visible_customer(actor, customer)
    if opportunity is not None and opportunity.customer_id != customer.pk:
        raise ServiceError(_("This opportunity belongs to another customer."), field="opportunity")
    order_date = order_date or timezone.localdate()
    order = Order(
        customer=customer,
        owner_id=customer.owner_id,
        opportunity=opportunity,
        order_date=order_date,
        delivery_date=delivery_date,
        payment_terms_days=(
            customer.payment_terms_days if payment_terms_days is None else payment_terms_days
        ),
        created_by=actor,
        number=order_number_next(on=order_date),
    )
    _set_fields(
        order,
        {
            "prepayment": prepayment,
            "guarantee": guarantee,
            "delivery_address": delivery_address,
            "note": note,
        },
    )
    built = _build_lines(list(lines))
    order.full_clean(exclude=["number"])
    order.save()
    _write_lines(order, built)
    order.save(update_fields=["total", "total_net", "total_tax"])
    event(order, OrderEvent.Kind.CREATED, actor=actor, to_status=Order.Status.DRAFT)
    return order


@transaction.atomic
def order_update(*, actor, order: Order, lines: list[LineInput] | None = None, **fields) -> Order:
    """Edit a draft: its fields and (when given) all of its lines."""
    require_sales(actor)
    order = lock(order)
    if order.status != Order.Status.DRAFT:
        raise ServiceError(
            _("Order %(number)s is confirmed; change it through a change request.")
            % {"number": order.number}
        )
    _set_fields(order, fields)
    if lines is not None:
        _write_lines(order, _build_lines(list(lines)))
    order.full_clean()
    order.save()
    return order


def _line_snapshot(order: Order) -> list[dict]:
    return [
        {
            "product": line.product.sku,
            "quantity": str(line.quantity),
            "unit_price": str(line.unit_price),
            "discount": str(line.discount),
            "tax_rate": str(line.tax_rate),
            "amount": str(line.amount),
        }
        for line in order.lines.select_related("product").order_by("position", "pk")
    ]


def _as_text(value) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


@transaction.atomic
def order_change_request(
    *, actor, order: Order, reason: str, lines: list[LineInput] | None = None, **fields
) -> OrderChange:
    """A change after confirmation (变更), recorded with what changed before and after and the
    recomputed totals; never below what has been invoiced already."""
    require_sales(actor)
    order = lock(order)
    if order.status not in CHANGEABLE:
        raise ServiceError(
            _("Only a confirmed order that is not closed or cancelled takes change requests.")
        )
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("Give the reason for the change."), field="reason")
    before, after = {}, {}
    old = {name: getattr(order, name) for name in EDITABLE}
    _set_fields(order, fields)
    for name in EDITABLE:
        if getattr(order, name) != old[name]:
            before[name], after[name] = _as_text(old[name]), _as_text(getattr(order, name))
    if lines is not None and not lines:
        raise ServiceError(
            _("A confirmed order keeps at least one line; cancel it instead."), field="lines"
        )
    if lines is not None:
        old_lines, old_total = _line_snapshot(order), order.total
        _write_lines(order, _build_lines(list(lines)))
        new_lines = _line_snapshot(order)
        if new_lines != old_lines:
            before["lines"], after["lines"] = old_lines, new_lines
            before["total"], after["total"] = str(old_total), str(order.total)
    if not after:
        raise ServiceError(_("Nothing was changed."))
    if order.total < order.invoiced:
        raise ServiceError(
            _("The new total %(total)s is below what was already invoiced (%(invoiced)s).")
            % {"total": order.total, "invoiced": order.invoiced},
            field="lines",
        )
    order.full_clean()
    order.save()
    change = OrderChange.objects.create(
        order=order, reason=reason, before=before, after=after, actor=actor
    )
    event(order, OrderEvent.Kind.CHANGE, actor=actor, note=reason)
    return change


@transaction.atomic
def order_alert_set(*, actor, order: Order, level: str, reason: str) -> Order:
    """Raise (or change) the alert: yellow delay risk, orange stock or quality, red complaint."""
    require_sales(actor)
    order = lock(order)
    if level not in (Order.Alert.YELLOW, Order.Alert.ORANGE, Order.Alert.RED):
        raise ServiceError(_("Choose yellow, orange or red."), field="level")
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("Give the reason for the alert."), field="reason")
    order.alert, order.alert_reason = level, reason[:300]
    order.save(update_fields=["alert", "alert_reason"])
    label = Order.Alert(level).label
    event(order, OrderEvent.Kind.ALERT, actor=actor, note=f"{label}: {reason}")
    return order


@transaction.atomic
def order_alert_clear(*, actor, order: Order, reason: str = "") -> Order:
    require_sales(actor)
    order = lock(order)
    if not order.alert:
        raise ServiceError(_("This order has no alert."))
    order.alert, order.alert_reason = Order.Alert.NONE, ""
    order.save(update_fields=["alert", "alert_reason"])
    note = _("Alert cleared")
    event(order, OrderEvent.Kind.ALERT, actor=actor, note=f"{note}: {reason}" if reason else note)
    return order


def opportunity_orderable(opportunity: Opportunity) -> bool:
    """Won (collected), or open at level 5 (committed: contract signed)."""
    return opportunity.status == Opportunity.Status.WON or (
        opportunity.status == Opportunity.Status.OPEN and opportunity.stage.level == COMMITTED_LEVEL
    )


@transaction.atomic
def order_from_opportunity(
    *, actor, opportunity: Opportunity, delivery_date: date | None = None
) -> Order:
    """A won or committed deal becomes a draft order in one step: for its customer, linked to
    it, without lines yet (the deal names no products); the rep adds them on the draft."""
    require_sales(actor)
    locked = (
        Opportunity.objects.visible_to(actor)
        .select_for_update(of=("self",))
        .select_related("stage", "customer")
        .filter(pk=opportunity.pk)
        .first()
    )
    if locked is None:
        raise NotPermitted(_("This opportunity is not one of yours."))
    if not opportunity_orderable(locked):
        raise ServiceError(
            _(
                "Only a won deal or one committed at level %(level)s becomes an order; "
                "this one is %(status)s at level %(now)s."
            )
            % {
                "level": COMMITTED_LEVEL,
                "status": locked.get_status_display(),
                "now": locked.stage.level,
            }
        )
    today = timezone.localdate()
    return order_create(
        actor=actor,
        customer=locked.customer,
        opportunity=locked,
        delivery_date=delivery_date or max(locked.expected_close, today),
        order_date=today,
        note=locked.name,
    )
