"""Order pages: the list (with the on-time delivery rate for managers) and its Excel export,
an order with its timeline, creating and editing a draft, a deal becoming an order."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from customers.selectors import customer_list
from opportunities.selectors.deals import opportunity_get
from orders import exports
from orders.forms import (
    AlertForm,
    ChangeRequestForm,
    LineFormSet,
    OrderCreateForm,
    OrderFieldsForm,
    ReasonForm,
    StepDateForm,
    line_initial,
)
from orders.models import Order
from orders.selectors import orders as selectors
from orders.selectors.contracts import contract_of_order
from orders.services import orders as services
from orders.services.transitions import CANCELLABLE
from salesops.accounts.access import can_manage, can_write
from salesops.core.excel import workbook_response
from salesops.core.http import (
    export_or_page,
    paginate_keys,
    posted,
    query_choice,
    query_date,
    query_int,
    query_text,
    show_refusal,
)
from salesops.core.periods import period_range

ALERTS = ["any", *[value for value, _label in Order.Alert.choices if value]]
PER_PAGE = 25


def _list_query(request) -> dict:
    """The list's filters (page and export alike); defaults, with a message, for bad values."""
    status = query_choice(request, "status", Order.Status.values, default="", label=_("Status"))
    alert = query_choice(request, "alert", ALERTS, default="", label=_("Alert"))
    owner = None
    owners = selectors.order_owners(user=request.user) if can_manage(request.user) else None
    owner_id = query_int(request, "owner", default=None, label=_("Sales rep"), low=1)
    if owners is not None and owner_id:
        owner = owners.filter(pk=owner_id).first()
    filters = {"status": status, "alert": alert, "owner": owner, "search": query_text(request)}
    customer_id = query_int(request, "customer", default=None, label=_("Customer"), low=1)
    if customer_id:
        filters["customer"] = customer_id
    return {"filters": filters, "owners": owners}


@login_required
def order_list(request):
    query = _list_query(request)
    orders = selectors.order_list(user=request.user, **query["filters"])
    context = {
        "page_obj": paginate_keys(request, orders, PER_PAGE),
        "statuses": Order.Status.choices,
        "alerts": [c for c in Order.Alert.choices if c[0]],
        "owners": query["owners"],
        "chosen": query["filters"],
        "can_create": can_write(request.user),
        "query": request.GET.urlencode(),
    }
    if query["owners"] is not None:
        today = timezone.localdate()
        start, end = period_range("this_quarter", today)
        start = query_date(request, "start", default=start, label=_("From"))
        end = query_date(request, "end", default=end, label=_("To"))
        context["on_time"] = selectors.on_time_rates(user=request.user, start=start, end=end)
        context["on_time_period"] = (start, end)
    return render(request, "orders/order_list.html", context)


@login_required
def order_export(request):
    query = _list_query(request)
    if bounce := export_or_page(request, reverse("order_list")):
        return bounce
    orders = selectors.order_list(user=request.user, **query["filters"])
    return workbook_response(exports.orders_sheet(orders, today=timezone.localdate()))


def _actions(request, order: Order) -> dict:
    """What the viewer may do on this order now, by role and status."""
    user = request.user
    writable = can_write(user)
    status = order.status
    mine = user.pk in (order.owner_id, order.created_by_id)
    states = Order.Status
    return {
        "can_edit": writable and status == states.DRAFT,
        "can_confirm": writable and status == states.DRAFT,
        "can_approve": can_manage(user) and status == states.DRAFT and not mine,
        "can_change": writable and status in services.CHANGEABLE,
        "can_cancel": writable and status in CANCELLABLE,
        "can_alert": writable and status not in (states.CLOSED, states.CANCELLED),
        "next_step": (writable and NEXT_STEP.get(status)) or None,
    }


# The step after each status (after confirmation) and whether it takes a date.
NEXT_STEP = {
    Order.Status.CONFIRMED: ("production", False),
    Order.Status.IN_PRODUCTION: ("ship", True),
    Order.Status.SHIPPED: ("deliver", True),
    Order.Status.DELIVERED: ("accept", True),
    Order.Status.ACCEPTED: ("close", False),
}


@login_required
def order_detail(request, pk: int):
    order = selectors.order_get(user=request.user, pk=pk)
    today = timezone.localdate()
    return render(
        request,
        "orders/order_detail.html",
        {
            "order": order,
            "lines": order.lines.all(),
            "exceptions": order.credit_exceptions.all(),
            "timeline": selectors.order_timeline(order=order),
            "contract": contract_of_order(order=order),
            "can_write": can_write(request.user),
            "alert_form": AlertForm(initial={"level": order.alert or "yellow"}),
            "reason_form": ReasonForm(),
            "date_form": StepDateForm(initial={"on": today}),
            **_actions(request, order),
        },
    )


def _line_formset(request, *, initial=None):
    return LineFormSet(
        posted(request),
        initial=initial,
        prefix="lines",
        form_kwargs={"products": selectors.products_for_orders()},
    )


def _fields(form) -> dict:
    data = dict(form.cleaned_data)
    data.pop("customer", None)
    data.pop("reason", None)
    if data.get("payment_terms_days") is None:
        data.pop("payment_terms_days", None)
    return data


@login_required
def order_create(request):
    if not can_write(request.user):
        raise PermissionDenied
    customers = customer_list(user=request.user).filter(owner__isnull=False)
    initial = {"order_date": timezone.localdate()}
    if customer_id := query_int(request, "customer", default=None, label=_("Customer"), low=1):
        initial["customer"] = customer_id
    form = OrderCreateForm(posted(request), customers=customers, initial=initial)
    formset = _line_formset(request)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            order = services.order_create(
                actor=request.user,
                customer=form.cleaned_data["customer"],
                lines=formset.lines(),
                **_fields(form),
            )
        except ValidationError as exc:
            show_refusal(request, exc, form)
        else:
            messages.success(request, _("Order %(number)s saved as a draft.") % {"number": order})
            return redirect(order)
    return render(
        request, "orders/order_form.html", {"form": form, "formset": formset, "order": None}
    )


@login_required
def order_edit(request, pk: int):
    order = selectors.order_get(user=request.user, pk=pk)
    if not can_write(request.user):
        raise PermissionDenied
    if order.status != Order.Status.DRAFT:
        messages.error(request, _("A confirmed order changes through a change request."))
        return redirect(order)
    fields = {name: getattr(order, name) for name in services.EDITABLE}
    form = OrderFieldsForm(posted(request), initial=fields)
    formset = _line_formset(request, initial=line_initial(order))
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            services.order_update(
                actor=request.user, order=order, lines=formset.lines(), **_fields(form)
            )
        except ValidationError as exc:
            show_refusal(request, exc, form)
        else:
            messages.success(request, _("Saved."))
            return redirect(order)
    return render(
        request, "orders/order_form.html", {"form": form, "formset": formset, "order": order}
    )


@login_required
def order_change(request, pk: int):
    order = selectors.order_get(user=request.user, pk=pk)
    if not can_write(request.user):
        raise PermissionDenied
    fields = {name: getattr(order, name) for name in services.EDITABLE}
    form = ChangeRequestForm(posted(request), initial=fields)
    formset = _line_formset(request, initial=line_initial(order))
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            services.order_change_request(
                actor=request.user,
                order=order,
                reason=form.cleaned_data["reason"],
                lines=formset.lines(),
                **_fields(form),
            )
        except ValidationError as exc:
            show_refusal(request, exc, form)
        else:
            messages.success(request, _("Change recorded."))
            return redirect(order)
    return render(
        request,
        "orders/order_form.html",
        {"form": form, "formset": formset, "order": order, "change": True},
    )


@login_required
@require_POST
def order_from_opportunity(request, pk: int):
    opportunity = opportunity_get(user=request.user, pk=pk)
    if not can_write(request.user):
        raise PermissionDenied
    try:
        with transaction.atomic():
            order = services.order_from_opportunity(actor=request.user, opportunity=opportunity)
    except ValidationError as exc:
        show_refusal(request, exc)
        return redirect(opportunity)
    messages.success(
        request, _("Draft order %(number)s created; add its lines.") % {"number": order}
    )
    return redirect("order_edit", pk=order.pk)
