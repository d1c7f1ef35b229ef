"""Sales target pages: the year's targets with pending adjustments, setting a target,
requesting and deciding an adjustment."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from opportunities.forms import AdjustmentForm, TargetForm
from opportunities.selectors import targets as selectors
from opportunities.services import targets as services
from salesops.accounts.access import can_manage
from salesops.accounts.decorators import role_required
from salesops.accounts.roles import MANAGERS
from salesops.core.http import posted as _posted
from salesops.core.http import query_int, show_refusal


@login_required
def target_list(request):
    year = query_int(
        request, "year", default=timezone.localdate().year, label=_("Year"), low=2000, high=2100
    )
    targets = selectors.targets_of_year(user=request.user, year=year)
    return render(
        request,
        "opportunities/targets.html",
        {
            "targets": targets,
            "pending": selectors.pending_adjustments(targets=targets),
            "year": year,
            "is_manager": can_manage(request.user),
            "adjust_form": AdjustmentForm(),
        },
    )


@role_required(*MANAGERS)
def target_create(request):
    form = TargetForm(_posted(request), owners=selectors.target_owners(user=request.user))
    if request.method == "POST" and form.is_valid():
        try:
            services.target_set(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            show_refusal(request, exc, form)
        else:
            messages.success(request, _("Targets saved."))
            return redirect("target_list")
    return render(request, "opportunities/target_form.html", {"form": form})


@login_required
@require_POST
def target_adjust(request, pk: int):
    target = selectors.target_get(user=request.user, pk=pk)
    form = AdjustmentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the target, the new value and a reason."))
        return redirect("target_list")
    try:
        services.target_adjustment_request(actor=request.user, target=target, **form.cleaned_data)
    except ValidationError as exc:
        show_refusal(request, exc)
    else:
        messages.success(request, _("Adjustment requested; the manager will decide."))
    return redirect("target_list")


@role_required(*MANAGERS)
@require_POST
def target_decide(request, pk: int):
    adjustment = selectors.adjustment_get(user=request.user, pk=pk)
    try:
        services.target_adjustment_decide(
            actor=request.user, adjustment=adjustment, approve=request.POST.get("approve") == "1"
        )
    except ValidationError as exc:
        show_refusal(request, exc)
    return redirect("target_list")
