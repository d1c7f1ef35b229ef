"""Collection reports: the aging report and the collection list with their Excel exports, and
the KPI page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from receivables import exports
from receivables.selectors import aging as aging_selectors
from receivables.selectors import kpis as kpi_selectors
from receivables.selectors.collections import collection_list, collection_owners, collection_rows
from salesops.core import charts
from salesops.core.excel import workbook_response
from salesops.core.http import (
    export_or_page,
    page_number,
    query_choice,
    query_date,
    query_int,
    query_text,
    warn_bad_param,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
GROUP_LABELS = [
    ("customer", gettext_lazy("Customer")),
    ("owner", gettext_lazy("Owner")),
    ("team", gettext_lazy("Team")),
    ("region", gettext_lazy("Region")),
]


def _as_of(request):
    """as_of from the query: today when absent, and (with a message) when malformed."""
    return query_date(request, "as_of", default=timezone.localdate(), label=_("As of"))


def _aging_report(request):
    """The aging report the query asks for (page and export alike); defaults for what the
    query got wrong, each with a message. The export reads every row through all_rows()."""
    as_of = _as_of(request)
    group_by = query_choice(
        request, "group_by", aging_selectors.GROUPS, default="customer", label=_("Group by")
    )
    return aging_selectors.aging_report(
        user=request.user, as_of=as_of, group_by=group_by, page=page_number(request)
    )


# The trend chart prints every point's value: one point every TREND_STEP days, ending with the
# latest, so that thirty of them do not print over each other.
TREND_STEP = 5


def bucket_labels(buckets) -> list[str]:
    """ "Not due", "1-30 days", …, "90+ days": the aging buckets as the charts name them."""
    return [
        _("Not due") if bucket.low is None else _("%(range)s days") % {"range": bucket.label()}
        for bucket in buckets
    ]


def aging_chart(report, *, title: str):
    """The totals of an aging report per bucket, as a bar chart."""
    totals = report.totals
    return charts.bar(
        title=title,
        labels=bucket_labels(report.buckets),
        series=[charts.Series("", [getattr(totals, key) for key in aging_selectors.BUCKET_KEYS])],
        unit="yuan",
        description=_("Outstanding balance per aging bucket."),
    )


def aging_trend_chart(trend: list[dict], *, title: str):
    """Outstanding and overdue from the nightly snapshots (aging_trend), as lines."""
    points = trend[::-1][::TREND_STEP][::-1]
    return charts.line(
        title=title,
        labels=[point["as_of"].strftime("%m-%d") for point in points],
        series=[
            charts.Series(_("Outstanding"), [point["total"] for point in points]),
            charts.Series(pgettext("money", "Overdue"), [point["overdue"] for point in points]),
        ],
        unit="yuan",
        description=_("Totals of the nightly aging snapshots."),
    )


@login_required
def aging(request):
    report = _aging_report(request)
    trend = aging_selectors.aging_trend(user=request.user, end=report.as_of)
    return render(
        request,
        "receivables/aging.html",
        {
            "report": report,
            "page_obj": report.page,
            "groups": GROUP_LABELS,
            "trend": trend,
            "aging_chart": aging_chart(report, title=_("Aging on the day")),
            "trend_chart": aging_trend_chart(trend, title=_("Aging trend, last 30 days")),
        },
    )


@login_required
def aging_export(request):
    report = _aging_report(request)
    if bounce := export_or_page(request, reverse("aging")):
        return bounce
    return workbook_response(exports.aging_sheet(report))


def _collection_query(request) -> dict:
    """The collection list's filters from the query (page and export alike): as of, overdue at
    least, owner (one the viewer may see), search; defaults for what was not understood."""
    owners = collection_owners(user=request.user)
    owner_id = query_int(request, "owner", default=None, label=_("Owner"), low=1)
    owner = owners.filter(pk=owner_id).first() if owner_id else None
    if owner_id and owner is None:
        warn_bad_param(request, _("Owner"), request.GET.get("owner", ""))
    return {
        "user": request.user,
        "as_of": _as_of(request),
        "min_days": query_int(
            request, "min_days", default=1, label=_("Overdue at least"), low=1, high=36500
        ),
        "owner": owner,
        "search": query_text(request),
    }


@login_required
def collections(request):
    query = _collection_query(request)
    listed = collection_list(**query, page=page_number(request))
    return render(
        request,
        "receivables/collections.html",
        {
            "listing": listed,
            "page_obj": listed.page,
            "as_of": listed.as_of,
            "min_days": listed.min_days,
            "owner": query["owner"],
            "owners": collection_owners(user=request.user),
            "total": listed.total,
        },
    )


@login_required
def collections_export(request):
    query = _collection_query(request)
    if bounce := export_or_page(request, reverse("collections")):
        return bounce
    return workbook_response(
        exports.collections_sheet(as_of=query["as_of"], rows=collection_rows(**query))
    )


@login_required
def kpis(request):
    today = timezone.localdate()
    year_start = today.replace(month=1, day=1)
    start = query_date(request, "start", default=year_start, label=_("Period start"))
    end = query_date(request, "end", default=today, label=_("Period end"))
    if start > end:
        messages.warning(
            request, _("The period must not start after it ends; the year to date is shown.")
        )
        start, end = year_start, today
    return render(
        request,
        "receivables/kpis.html",
        {
            "kpis": kpi_selectors.kpis(user=request.user, start=start, end=end),
            "credit": kpi_selectors.credit_metrics(user=request.user, start=start, end=end),
        },
    )
