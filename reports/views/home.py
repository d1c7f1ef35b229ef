"""The home page ("/", 工作台): one page per role, each leading with a chart and the one number
that matters, every figure a link to the list behind it. The figures come from
reports.selectors.home; this module only picks the viewer's page and draws its charts."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from customers.selectors import customer_count
from receivables.views.reports import aging_chart, aging_trend_chart
from reports.selectors import home as selectors
from salesops.accounts.access import role_of
from salesops.accounts.roles import Role
from salesops.core import charts
from salesops.core.http import query_date
from salesops.core.selectors import home_summary


def funnel_chart(funnel, *, title: str):
    return charts.funnel(
        title=title,
        labels=[row.stage.display_name for row in funnel.levels],
        values=[row.count for row in funnel.levels],
        description=_("Deals per funnel level."),
    )


def target_chart(targets, *, title: str):
    rows = targets.rows if any(t.target or t.actual for t in targets.rows) else []
    return charts.bar(
        title=title,
        labels=[str(t.owner) for t in rows],
        series=[
            charts.Series(_("Target"), [t.target for t in rows]),
            charts.Series(_("Committed"), [t.actual for t in rows]),
        ],
        unit="yuan",
        horizontal=True,
        description=_("Sales target against committed deals, per seller."),
    )


# Whose target, of which period (the month's, else the quarter's, else the year's).
MY_TARGET = {
    "month": gettext_lazy("My target this month"),
    "quarter": gettext_lazy("My target this quarter"),
    "year": gettext_lazy("My target this year"),
}
TEAM_TARGET = {
    "month": gettext_lazy("Team target this month"),
    "quarter": gettext_lazy("Team target this quarter"),
    "year": gettext_lazy("Team target this year"),
}
REP_TARGETS = {
    "month": gettext_lazy("Target per rep this month"),
    "quarter": gettext_lazy("Target per rep this quarter"),
    "year": gettext_lazy("Target per rep this year"),
}


def rep_context(user, today) -> dict:
    home = selectors.rep_home(user=user, as_of=today)
    return {
        "home": home,
        "funnel_chart": funnel_chart(home.funnel, title=_("My funnel")),
        "target_title": MY_TARGET[home.targets.period],
        "target_chart": target_chart(home.targets, title=str(MY_TARGET[home.targets.period])),
    }


def manager_context(user, today) -> dict:
    home = selectors.manager_home(user=user, as_of=today)
    moved = any(m.moved_in or m.moved_out for m in home.movement)
    levels = [m.name for m in home.movement] if moved else []
    movement = home.movement if moved else []
    return {
        "home": home,
        "funnel_chart": funnel_chart(home.funnel, title=_("Team funnel")),
        "movement_chart": charts.bar(
            title=_("Funnel movement, last 7 days"),
            labels=levels,
            series=[
                charts.Series(_("Moved in"), [m.moved_in for m in movement]),
                charts.Series(_("Moved out"), [m.moved_out for m in movement]),
            ],
            unit="count",
            horizontal=True,
            description=_("Deals that moved into and out of each level."),
        ),
        "compliance_chart": charts.bar(
            title=_("Follow-up compliance per rep"),
            labels=[str(row.owner) for row in home.compliance],
            series=[charts.Series("", [row.rate for row in home.compliance])],
            unit="percent",
            horizontal=True,
            description=_("Customers followed up within their cadence."),
        ),
        "aging_chart": aging_chart(home.aging, title=_("Team aging")),
        "target_title": TEAM_TARGET[home.targets.period],
        "target_chart": target_chart(home.targets, title=str(REP_TARGETS[home.targets.period])),
    }


def finance_context(user, today) -> dict:
    home = selectors.finance_home(user=user, as_of=today)
    return {
        "home": home,
        "aging_chart": aging_chart(home.aging, title=_("Aging today")),
        "trend_chart": aging_trend_chart(home.trend, title=_("Aging trend, last 30 days")),
    }


def admin_context(user, today) -> dict:
    home = selectors.admin_home(user=user)
    names = [job.name for job in home.jobs]
    return {
        "home": home,
        "jobs_chart": charts.bar(
            title=_("Job runs, last 7 days"),
            labels=names,
            series=[
                charts.Series(_("Succeeded"), [j.runs_week - j.failed_week for j in home.jobs]),
                charts.Series(_("Failed"), [j.failed_week for j in home.jobs]),
            ],
            unit="count",
            horizontal=True,
            stacked=True,
            description=_("Runs of each scheduled job."),
        ),
    }


PAGES = {
    Role.REP: ("reports/home_rep.html", rep_context),
    Role.MANAGER: ("reports/home_manager.html", manager_context),
    Role.FINANCE: ("reports/home_finance.html", finance_context),
    Role.ADMIN: ("reports/home_admin.html", admin_context),
}


@login_required
def home(request):
    """Everyone signed in has a home page; a user without a role sees only the shell."""
    user = request.user
    # ?as_of=YYYY-MM-DD shows the page as it stood on a day (the benchmarks' book day).
    today = query_date(request, "as_of", default=timezone.localdate(), label=_("As of"))
    context = home_summary(user=user)
    context["customer_count"] = customer_count(user=user)
    context["today"] = today
    template, build = PAGES.get(role_of(user), ("reports/home_base.html", None))
    if build is not None:
        context.update(build(user, today))
    return render(request, template, context)
