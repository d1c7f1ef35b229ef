"""Releasing a customer's credit hold (停止供货): managers and admins, with a reason."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from customers.selectors import customer_get
from receivables import services
from receivables.forms import ReleaseHoldForm
from salesops.accounts.decorators import role_required
from salesops.accounts.roles import MANAGERS
from salesops.core.http import posted, show_refusal


@role_required(*MANAGERS)
def credit_hold_release(request, customer_pk: int):
    customer = customer_get(user=request.user, pk=customer_pk)
    form = ReleaseHoldForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.credit_hold_release(actor=request.user, customer=customer, **form.cleaned_data)
        except ValidationError as exc:
            show_refusal(request, exc, form)
        else:
            messages.success(request, _("Credit hold released."))
            return redirect(customer)
    return render(request, "receivables/release_hold.html", {"form": form, "customer": customer})
