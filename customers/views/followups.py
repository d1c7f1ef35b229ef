"""Follow-up pages: the quick log form (htmx), the due list, next steps, manager compliance."""

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from customers import selectors
from customers.forms import FollowUpForm
from customers.services.followups import followup_log, followup_next_step_done
from opportunities.services.followups import deal_followup_log
from salesops.accounts.access import can_write
from salesops.accounts.decorators import role_required
from salesops.accounts.roles import MANAGERS
from salesops.core.http import PAGE_LABEL, posted, query_date, query_int, show_refusal


def _as_of(request) -> date:
    return query_date(request, "as_of", default=timezone.localdate(), label=_("As of"))


@login_required
def followup_create(request, pk: int):
    """GET: the form (a fragment for htmx). POST: log it; htmx gets the new timeline entry."""
    customer = selectors.customer_get(user=request.user, pk=pk)
    if not can_write(request.user):
        raise PermissionDenied
    form = FollowUpForm(posted(request), customer=customer)
    if request.method == "POST" and form.is_valid():
        try:
            fields = dict(form.cleaned_data)
            deal = fields.pop("opportunity")
            if deal is None:
                followup = followup_log(actor=request.user, customer=customer, **fields)
            else:
                followup = deal_followup_log(
                    actor=request.user, customer=customer, opportunity=deal, **fields
                )
        except ValidationError as exc:
            show_refusal(request, exc, form)
        else:
            if request.htmx:
                customer.refresh_from_db()
                return render(
                    request,
                    "customers/_followup_saved.html",
                    {"followup": followup, "customer": customer, "source": request.GET.get("from")},
                )
            messages.success(request, _("Follow-up logged."))
            return redirect("customer_detail", pk=pk)
    template = "customers/_followup_form.html" if request.htmx else "customers/followup_form.html"
    return render(
        request,
        template,
        # 200 also with errors: htmx swaps only successful responses into the page.
        {"form": form, "customer": customer, "source": request.GET.get("from")},
    )


@login_required
@require_POST
def followup_done(request, pk: int):
    followup = selectors.followup_get(user=request.user, pk=pk)
    try:
        followup_next_step_done(actor=request.user, followup=followup)
    except ValidationError as exc:
        show_refusal(request, exc)
    if request.htmx:
        return render(request, "customers/_next_step_done.html", {"followup": followup})
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "followup_due"
    return redirect(target)


@login_required
def followup_due(request):
    as_of = _as_of(request)
    return render(
        request,
        "customers/due_list.html",
        {
            "due": selectors.due_list(
                user=request.user,
                as_of=as_of,
                page=query_int(request, "page", default=1, label=PAGE_LABEL, low=1),
                steps_page=query_int(request, "steps", default=1, label=PAGE_LABEL, low=1),
            ),
            "rules": selectors.tier_rules(),
            "can_log": can_write(request.user),
        },
    )


@role_required(*MANAGERS)
def followup_compliance(request):
    as_of = _as_of(request)
    since = as_of - timedelta(days=30)
    rows = selectors.followup_compliance(user=request.user, as_of=as_of, since=since)
    return render(
        request,
        "customers/compliance.html",
        {"rows": rows, "as_of": as_of, "since": since},
    )
