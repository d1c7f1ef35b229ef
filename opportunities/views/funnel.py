"""The funnel dashboard and the one-to-one business review."""

from datetime import date

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from opportunities.models import SalesTarget
from opportunities.selectors import deals as deal_selectors
from opportunities.selectors import funnel as selectors
from reports.selectors.plans import plans_for_review
from salesops.core import charts
from salesops.core.http import query_choice, query_date, warn_bad_param

# How the dashboard names each filter when it did not understand it.
FILTER_LABELS = {
    "owner": gettext_lazy("Sales rep"),
    "team": gettext_lazy("Team"),
    "region": gettext_lazy("Region"),
}


def _as_of(request) -> date:
    return query_date(request, "as_of", default=timezone.localdate(), label=_("As of"))


@login_required
def funnel_dashboard(request):
    teams = selectors.funnel_teams(user=request.user)
    narrowing = selectors.funnel_narrowing(
        user=request.user,
        teams=teams,
        **{name: request.GET.get(name, "").strip() for name in ("owner", "team", "region")},
    )
    for name, raw in narrowing.rejected:
        warn_bad_param(request, FILTER_LABELS[name], raw)
    period = query_choice(
        request,
        "period",
        SalesTarget.Period.values,
        default=SalesTarget.Period.QUARTER,
        label=_("Period"),
    )
    data = selectors.funnel(
        user=request.user, owners_qs=narrowing, as_of=_as_of(request), period=period
    )
    return render(
        request,
        "opportunities/funnel.html",
        {
            "funnel": data,
            "funnel_chart": charts.funnel(
                title=_("Deals per level"),
                labels=[row.stage.display_name for row in data.levels],
                values=[row.count for row in data.levels],
                description=_("Open deals per funnel level; collected deals at the last."),
            ),
            "chosen": narrowing.chosen,
            "people": selectors.funnel_people(user=request.user),
            "teams": teams,
            "regions": selectors.regions(),
            "period": period,
        },
    )


@login_required
def business_review(request, username: str):
    rep = deal_selectors.owner_choice(user=request.user, username=username)
    if rep is None:
        raise Http404
    as_of = _as_of(request)
    return render(
        request,
        "opportunities/review.html",
        {
            "rep": rep,
            **selectors.review(user=request.user, rep=rep, as_of=as_of),
            # The rep's plans and reports (reports app: the page layer may read it).
            **plans_for_review(user=request.user, rep=rep, as_of=as_of),
        },
    )
