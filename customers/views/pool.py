"""The pool page (公海) and claiming a customer from it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from customers import selectors
from customers.services.pool import pool_claim
from customers.views.customers import PAGE_SIZE
from salesops.accounts.access import can_manage, role_of
from salesops.accounts.roles import Role
from salesops.core.http import paginate_keys, show_refusal


@login_required
def customer_pool(request):
    page = paginate_keys(request, selectors.pool_list(user=request.user), PAGE_SIZE)
    releases = selectors.recent_ownership_events(customer_ids=[c.pk for c in page])
    for customer in page:
        customer.release = releases.get(customer.pk)
    return render(
        request,
        "customers/pool.html",
        {
            "page_obj": page,
            "is_rep": role_of(request.user) is Role.REP,
            "can_manage": can_manage(request.user),
            "claims_used": selectors.claims_in_window(request.user, now=timezone.now()),
            "claim_cap": selectors.crm_settings().pool_claim_cap,
        },
    )


@login_required
@require_POST
def customer_claim(request, pk: int):
    customer = selectors.pool_customer_get(user=request.user, pk=pk)
    if customer is None:
        taken = selectors.recently_taken_from_pool(request.user, pk)
        if taken is None:
            raise Http404
        # The rep saw it in the pool a moment ago: say why it is gone rather than 404.
        if taken.owner_id == request.user.pk:
            return redirect("customer_detail", pk=pk)
        messages.error(request, _("Someone else has just claimed this customer."))
        return redirect("customer_pool")
    try:
        pool_claim(actor=request.user, customer=customer, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        show_refusal(request, exc)
        return redirect("customer_pool")
    messages.success(request, _("%(name)s is now yours.") % {"name": customer.name})
    return redirect("customer_detail", pk=pk)
