"""The toggle of the weekly report by e-mail (managers and admins)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from reports.selectors.subscriptions import weekly_subscribed
from reports.services.subscriptions import weekly_subscription_set
from salesops.accounts.decorators import role_required
from salesops.accounts.roles import MANAGERS


@role_required(*MANAGERS)
def weekly_subscription(request):
    """GET: the state and a button; POST: subscribe (active=1) or unsubscribe, then back to
    `next` (the weekly report page holds the same toggle) or this page."""
    if request.method == "POST":
        active = request.POST.get("active") == "1"
        weekly_subscription_set(actor=request.user, active=active)
        messages.success(
            request,
            _("You will get the weekly report by e-mail every Monday.")
            if active
            else _("You will no longer get the weekly report by e-mail."),
        )
        target = request.POST.get("next", "")
        if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            return redirect(target)
        return redirect("weekly_subscription")
    return render(
        request,
        "reports/weekly_subscription.html",
        {"subscribed": weekly_subscribed(user=request.user), "has_email": bool(request.user.email)},
    )
