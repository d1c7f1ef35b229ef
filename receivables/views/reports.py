"""Collection reports: the aging report and the collection list with their Excel exports, and
the KPI page."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from receivables import exports
from receivables.selectors import aging as aging_selectors
from receivables.selectors import kpis as kpi_selectors
from receivables.selectors.collections import collection_list
from salesops.core.http import (
    PAGE_LABEL,
    export_or_page,
    paginate,
    query_choice,
    query_date,
    query_int,
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


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _aging_report(request):
    """The aging report the query asks for (page and export alike); defaults for what the
    query got wrong, each with a message. The export reads every row through all_rows()."""
    as_of = _as_of(request)
    group_by = query_choice(
        request, "group_by", aging_selectors.GROUPS, default="customer", label=_("Group by")
    )
    page = query_int(request, "page", default=1, label=PAGE_LABEL, low=1)
    return aging_selectors.aging_report(
        user=request.user, as_of=as_of, group_by=group_by, page=page
    )


@login_required
def aging(request):
    report = _aging_report(request)
    return render(
        request,
        "receivables/aging.html",
        {
            "report": report,
            "page_obj": report.page,
            "groups": GROUP_LABELS,
            "trend": aging_selectors.aging_trend(user=request.user, end=report.as_of),
        },
    )


@login_required
def aging_export(request):
    report = _aging_report(request)
    if bounce := export_or_page(request, reverse("aging")):
        return bounce
    return _xlsx(*exports.aging_workbook(report))


def _collection_items(request):
    as_of = _as_of(request)
    min_days = query_int(
        request, "min_days", default=1, label=_("Overdue at least"), low=1, high=36500
    )
    return (
        as_of,
        min_days,
        collection_list(user=request.user, as_of=as_of, min_days=min_days),
    )


@login_required
def collections(request):
    as_of, min_days, items = _collection_items(request)
    page = paginate(request, items, 50)
    return render(
        request,
        "receivables/collections.html",
        {
            "page_obj": page,
            "as_of": as_of,
            "min_days": min_days,
            "total": sum((i.balance for i in items), Decimal("0.00")),
        },
    )


@login_required
def collections_export(request):
    as_of, _min_days, items = _collection_items(request)
    if bounce := export_or_page(request, reverse("collections")):
        return bounce
    return _xlsx(*exports.collections_workbook(as_of=as_of, items=items))


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
        {"kpis": kpi_selectors.kpis(user=request.user, start=start, end=end)},
    )
