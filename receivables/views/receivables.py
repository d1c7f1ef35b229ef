"""Receivable pages: the list, a receivable with its history, creating one, writing one off."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from orders.selectors.contracts import milestone_of_receivable
from receivables import services
from receivables.forms import ReceivableForm, WriteOffForm
from receivables.selectors import ledger
from receivables.selectors.statements import receivable_penalties
from salesops.accounts.access import can_write
from salesops.core.http import paginate, posted, query_choice, query_text, show_refusal


@login_required
def receivable_list(request):
    state = query_choice(
        request, "state", ledger.RECEIVABLE_STATES, default="open", label=_("Status")
    )
    today = timezone.localdate()
    receivables = ledger.receivable_list(
        user=request.user, state=state, search=query_text(request), as_of=today
    )
    return render(
        request,
        "receivables/receivable_list.html",
        {
            "page_obj": paginate(request, receivables, 30),
            "state": state,
            "can_money": can_write(request.user, money=True),
            "today": today,
        },
    )


@login_required
def receivable_detail(request, pk: int):
    receivable = ledger.receivable_get(user=request.user, pk=pk)
    today = timezone.localdate()
    penalty = receivable_penalties(receivables=[receivable], end=today)
    return render(
        request,
        "receivables/receivable_detail.html",
        {
            "receivable": receivable,
            "penalty": penalty[receivable.pk],
            "milestone": milestone_of_receivable(receivable=receivable),
            **ledger.receivable_history(receivable=receivable),
            "write_off_form": WriteOffForm(initial={"date": today, "amount": receivable.balance}),
            "can_money": can_write(request.user, money=True),
            "today": today,
        },
    )


@login_required
def receivable_create(request):
    if not can_write(request.user, money=True):
        raise PermissionDenied
    form = ReceivableForm(posted(request), customers=ledger.money_customers(user=request.user))
    if request.method == "POST" and form.is_valid():
        try:
            receivable = services.receivable_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            show_refusal(request, exc, form)
        else:
            messages.success(
                request, _("Receivable %(number)s created.") % {"number": receivable.number}
            )
            return redirect(receivable)
    return render(request, "receivables/receivable_form.html", {"form": form})


@login_required
@require_POST
def receivable_write_off(request, pk: int):
    receivable = ledger.receivable_get(user=request.user, pk=pk)
    if not can_write(request.user, money=True):
        raise PermissionDenied
    form = WriteOffForm(request.POST)
    if form.is_valid():
        try:
            services.receivable_write_off(
                actor=request.user,
                receivable=receivable,
                amount=form.cleaned_data["amount"],
                reason=form.cleaned_data["reason"],
                on=form.cleaned_data["date"],
            )
        except ValidationError as exc:
            show_refusal(request, exc)
        else:
            messages.success(request, _("Written off."))
    else:
        messages.error(request, _("Give the amount, the date and the reason."))
    return redirect(receivable)
