"""Payment pages: the list, recording a payment, a payment with its allocations, allocating it
(oldest first or by hand) and voiding it."""

from decimal import InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from receivables import services
from receivables.forms import PaymentForm, VoidForm
from receivables.models import Payment
from receivables.selectors import ledger
from salesops.accounts.access import can_write
from salesops.core.errors import ServiceError
from salesops.core.http import paginate, posted, query_text, show_refusal
from salesops.core.money import read_yuan
from salesops.core.templatetags.money import yuan


def _payment(request, pk: int) -> Payment:
    try:
        return ledger.payment_get(user=request.user, pk=pk)
    except Payment.DoesNotExist as exc:
        raise Http404 from exc


@login_required
def payment_list(request):
    unallocated = request.GET.get("unallocated") == "1"
    payments = ledger.payment_list(
        user=request.user, search=query_text(request), unallocated=unallocated
    )
    return render(
        request,
        "receivables/payment_list.html",
        {
            "page_obj": paginate(request, payments, 30),
            "can_money": can_write(request.user, money=True),
            "unallocated": unallocated,
        },
    )


@login_required
def payment_create(request):
    if not can_write(request.user, money=True):
        raise PermissionDenied
    initial = {"date": timezone.localdate(), "customer": request.GET.get("customer")}
    form = PaymentForm(
        posted(request), customers=ledger.money_customers(user=request.user), initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            payment = services.payment_record(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            show_refusal(request, exc, form)
        else:
            messages.success(
                request,
                _("Payment of %(amount)s recorded; %(allocated)s allocated.")
                % {"amount": yuan(payment.amount), "allocated": yuan(payment.allocated)},
            )
            return redirect("payment_detail", pk=payment.pk)
    return render(request, "receivables/payment_form.html", {"form": form})


def _payment_detail(request, payment: Payment, *, typed=None, allocation_errors=()):
    open_receivables = list(ledger.open_receivables_of(customer=payment.customer))
    typed = typed or {}
    for receivable in open_receivables:
        receivable.typed = typed.get(receivable.pk, "")
    return render(
        request,
        "receivables/payment_detail.html",
        {
            "payment": payment,
            "allocations": ledger.payment_allocations(payment=payment),
            "open_receivables": open_receivables,
            "allocation_errors": allocation_errors,
            "void_form": VoidForm(),
            "can_money": can_write(request.user, money=True),
        },
    )


@login_required
def payment_detail(request, pk: int):
    return _payment_detail(request, _payment(request, pk))


def _entered(payment: Payment, post) -> list[tuple]:
    """(receivable or None, text) for each amount finance typed (amount_<pk> fields); None for
    a receivable that is not open for this payment's customer."""
    receivables = {r.pk: r for r in ledger.open_receivables_of(customer=payment.customer)}
    return [
        (receivables.get(int(suffix)) if suffix.isdigit() else None, value.strip())
        for key, value in post.items()
        if (suffix := key.removeprefix("amount_")) != key and value.strip()
    ]


def _allocation_requests(entered: list[tuple]) -> list[services.AllocationRequest]:
    """The typed amounts as allocation requests; ServiceError for an amount that is not a
    number or a receivable that is not open."""
    requests = []
    for receivable, raw in entered:
        if receivable is None:
            raise ServiceError(_("That receivable is not open for this customer."))
        try:
            amount = read_yuan(raw)
        except InvalidOperation as exc:
            raise ServiceError(
                _("Receivable %(number)s: enter the amount in yuan, e.g. 1200.50.")
                % {"number": receivable.number}
            ) from exc
        requests.append(services.AllocationRequest(receivable=receivable, amount=amount))
    if not requests:
        raise ServiceError(_("Enter an amount for at least one receivable."))
    return requests


@login_required
@require_POST
def payment_allocate(request, pk: int):
    """Oldest first (button), or the amounts finance typed per receivable: all or none. A
    refusal shows the page again with the typed amounts, so nothing has to be typed twice."""
    payment = _payment(request, pk)
    if not can_write(request.user, money=True):
        raise PermissionDenied
    typed = {}
    try:
        if request.POST.get("mode") == "oldest":
            services.payment_allocate_oldest_first(actor=request.user, payment=payment)
        else:
            entered = _entered(payment, request.POST)
            # Shown again on a refusal, so nothing has to be typed twice.
            typed = {receivable.pk: raw for receivable, raw in entered if receivable}
            requests = _allocation_requests(entered)
            services.payment_allocate(actor=request.user, payment=payment, requests=requests)
    except ValidationError as exc:
        return _payment_detail(
            request, _payment(request, pk), typed=typed, allocation_errors=exc.messages
        )
    messages.success(request, _("Allocated."))
    return redirect("payment_detail", pk=pk)


@login_required
@require_POST
def payment_void(request, pk: int):
    payment = _payment(request, pk)
    if not can_write(request.user, money=True):
        raise PermissionDenied
    form = VoidForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the payment is voided."))
        return redirect("payment_detail", pk=pk)
    try:
        services.payment_void(
            actor=request.user, payment=payment, reason=form.cleaned_data["reason"]
        )
    except ValidationError as exc:
        show_refusal(request, exc)
    else:
        messages.success(request, _("Payment voided; its allocations were reversed."))
    return redirect("payment_detail", pk=pk)
