"""The buttons on an order's page: confirm (with its credit check), the next step of the status
machine, cancel, alerts, a manager's credit exception. Each posts, calls one service and goes
back to the order; a refusal is shown there as a message (show_refusal)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from orders.forms import AlertForm, ReasonForm, StepDateForm
from orders.selectors.orders import order_get
from orders.services import credit, transitions
from orders.services import orders as services
from salesops.accounts.access import can_manage, can_write
from salesops.core.http import show_refusal


def _writable(request, pk: int):
    order = order_get(user=request.user, pk=pk)
    if not can_write(request.user):
        raise PermissionDenied
    return order


def _run(request, order, action, done: str):
    try:
        action()
    except ValidationError as exc:
        show_refusal(request, exc)
    else:
        messages.success(request, done)
    return redirect(order)


@login_required
@require_POST
def order_confirm(request, pk: int):
    order = _writable(request, pk)
    return _run(
        request,
        order,
        lambda: credit.order_confirm(actor=request.user, order=order),
        _("Order confirmed."),
    )


STEPS = {
    "production": transitions.order_start_production,
    "ship": transitions.order_ship,
    "deliver": transitions.order_deliver,
    "accept": transitions.order_accept,
    "close": transitions.order_close,
}
DATED = {"ship", "deliver", "accept"}


@login_required
@require_POST
def order_step(request, pk: int, step: str):
    if step not in STEPS:
        raise Http404
    order = _writable(request, pk)
    kwargs = {}
    if step in DATED:
        form = StepDateForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Give the date."))
            return redirect(order)
        kwargs["on"] = form.cleaned_data["on"]
    return _run(
        request,
        order,
        lambda: STEPS[step](actor=request.user, order=order, **kwargs),
        _("Status updated."),
    )


@login_required
@require_POST
def order_cancel(request, pk: int):
    order = _writable(request, pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for cancelling."))
        return redirect(order)
    return _run(
        request,
        order,
        lambda: transitions.order_cancel(
            actor=request.user, order=order, reason=form.cleaned_data["reason"]
        ),
        _("Order cancelled."),
    )


@login_required
@require_POST
def order_alert(request, pk: int):
    order = _writable(request, pk)
    if request.POST.get("clear"):
        return _run(
            request,
            order,
            lambda: services.order_alert_clear(
                actor=request.user, order=order, reason=request.POST.get("reason", "")
            ),
            _("Alert cleared."),
        )
    form = AlertForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the alert and give the reason."))
        return redirect(order)
    return _run(
        request,
        order,
        lambda: services.order_alert_set(actor=request.user, order=order, **form.cleaned_data),
        _("Alert set."),
    )


@login_required
@require_POST
def credit_exception_approve(request, pk: int):
    order = order_get(user=request.user, pk=pk)
    if not can_manage(request.user):
        raise PermissionDenied
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for the exception."))
        return redirect(order)
    return _run(
        request,
        order,
        lambda: credit.credit_exception_approve(
            actor=request.user, order=order, reason=form.cleaned_data["reason"]
        ),
        _("Credit exception approved; the order may now be confirmed."),
    )
