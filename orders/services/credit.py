"""Confirmation with its credit check (信用检查), and a manager's credit exception.

Confirmations for one customer queue on the customer row (SELECT ... FOR UPDATE), so two of
them never pass on the same headroom: the second reads the exposure after the first committed.
A refused confirmation leaves the order a draft and is recorded (an OrderEvent "refused", kept
although the service then raises). Rules and figures: orders.rules.credit, docs/orders.md."""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import Customer
from orders.models import CreditException, Order, OrderEvent, OrderSettings
from orders.rules import credit as rules
from orders.selectors.credit import order_credit_check
from orders.services.orders import event, lock, require_sales
from salesops.accounts.access import can_manage
from salesops.core.errors import NotPermitted, ServiceError
from salesops.core.templatetags.money import yuan


def refusal_lines(check: rules.CreditCheck, failed=None) -> list[str]:
    """One sentence per failing rule, with its figures, in the user's language."""
    f = check.figures
    lines = []
    for rule in check.failed if failed is None else failed:
        if rule == rules.HOLD:
            lines.append(_("The customer is on credit hold (停止供货); release the hold first."))
        elif rule == rules.RATING_D:
            lines.append(_("The customer is rated D: the order needs a prepayment or a guarantee."))
        elif rule == rules.GROUP:
            lines.append(
                _(
                    "A member of the customer's group has an overdue receivable (连坐): "
                    "a manager must approve."
                )
            )
        elif rule == rules.LIMIT:
            lines.append(
                _(
                    "Exposure %(exposure)s (open receivables %(open)s + confirmed orders not yet "
                    "invoiced %(committed)s + this order %(order)s) exceeds the credit limit "
                    "%(limit)s by %(over)s."
                )
                % {
                    "exposure": yuan(f.exposure),
                    "open": yuan(f.open_receivables),
                    "committed": yuan(f.committed_uninvoiced),
                    "order": yuan(f.order_total),
                    "limit": yuan(f.credit_limit),
                    "over": yuan(f.over_limit_by),
                }
            )
    return lines


def _lock_customer(order: Order) -> Customer:
    return Customer.objects.select_for_update().get(pk=order.customer_id)


def _usable_exception(order: Order, check: rules.CreditCheck) -> CreditException | None:
    """The latest unused exception of the order, when it still covers today's figures: an
    exception approved for a smaller exposure does not cover a larger one."""
    found = order.credit_exceptions.filter(used=False).order_by("-at", "-pk").first()
    if found is None:
        return None
    if rules.LIMIT in found.rules and check.figures.exposure > found.exposure:
        return None
    return found


def _confirm(*, actor, order: Order, now) -> tuple[Order, str | None]:
    require_sales(actor)
    customer = _lock_customer(order)  # first: every confirmation for the customer queues here
    order = lock(order)
    if order.status != Order.Status.DRAFT:
        raise ServiceError(
            _("Order %(number)s is %(status)s; only a draft can be confirmed.")
            % {"number": order.number, "status": order.get_status_display()}
        )
    if not order.lines.exists():
        raise ServiceError(_("Add at least one line before confirming."))
    check = order_credit_check(order=order, customer=customer, as_of=timezone.localdate(now))
    exception = _usable_exception(order, check) if not check.ok else None
    failing = check.remaining_after(exception.rules if exception else ())
    if failing:
        message = " ".join(
            [_("Confirmation refused:"), *refusal_lines(check, failing)]
            + ([_("A manager may approve an exception.")] if set(failing) - {rules.HOLD} else [])
        )
        event(order, OrderEvent.Kind.REFUSED, actor=actor, note=message)
        return order, message
    note = ""
    if exception is not None:
        CreditException.objects.filter(pk=exception.pk).update(used=True)
        note = _("With the credit exception approved by %(who)s: %(reason)s") % {
            "who": exception.approved_by,
            "reason": exception.reason,
        }
    order.status, order.confirmed_at = Order.Status.CONFIRMED, now
    order.save(update_fields=["status", "confirmed_at"])
    event(
        order,
        OrderEvent.Kind.STATUS,
        actor=actor,
        from_status=Order.Status.DRAFT,
        to_status=Order.Status.CONFIRMED,
        note=note,
    )
    return order, None


def order_confirm(*, actor, order: Order, now=None) -> Order:
    """Confirm a draft after the credit check; raises ServiceError listing every failing rule
    with its figures. The refusal is committed (its event) before the error is raised, so this
    is one transaction that ends either confirmed or refused-and-recorded."""
    with transaction.atomic():
        order, refusal = _confirm(actor=actor, order=order, now=now or timezone.now())
    if refusal:
        raise ServiceError(refusal)
    return order


@transaction.atomic
def credit_exception_approve(*, actor, order: Order, reason: str, now=None) -> CreditException:
    """A manager's approval to confirm a draft the check refuses, for the rules failing now
    (a credit hold is never overridden); nobody approves their own order."""
    if not can_manage(actor):
        raise NotPermitted(_("Only a manager approves credit exceptions."))
    if actor.pk in (order.owner_id, order.created_by_id):
        raise NotPermitted(_("Nobody approves their own order."))
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("Give the reason for the exception."), field="reason")
    customer = _lock_customer(order)
    order = lock(order)
    if order.status != Order.Status.DRAFT:
        raise ServiceError(_("Only a draft order needs a credit exception."))
    now = now or timezone.now()
    check = order_credit_check(order=order, customer=customer, as_of=timezone.localdate(now))
    overridden = [rule for rule in check.failed if rule in rules.OVERRIDABLE]
    if rules.HOLD in check.failed and not overridden:
        raise ServiceError(refusal_lines(check, [rules.HOLD])[0])
    if not overridden:
        raise ServiceError(_("The credit check passes; no exception is needed."))
    cap = OrderSettings.load().exception_cap_share
    f = check.figures
    if rules.LIMIT in overridden and cap > 0 and f.credit_limit > 0:
        most = (f.credit_limit * cap).quantize(Decimal("0.01"))
        if f.over_limit_by > most:
            raise ServiceError(
                _(
                    "An exception may exceed the credit limit by at most %(most)s; "
                    "this one by %(over)s."
                )
                % {"most": yuan(most), "over": yuan(f.over_limit_by)}
            )
    exception = CreditException.objects.create(
        order=order,
        rules=overridden,
        reason=reason[:300],
        exposure=f.exposure,
        credit_limit=f.credit_limit,
        approved_by=actor,
        at=now,
    )
    event(
        order,
        OrderEvent.Kind.CREDIT,
        actor=actor,
        note=" ".join([reason, *refusal_lines(check, overridden)]),
    )
    return exception
