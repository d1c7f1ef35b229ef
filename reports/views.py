"""Report pages: the index of the reports a role may open, each report's page (the shared form,
then its body) and its PDF, rendered in the request when short."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from reports.catalog import REPORTS, Report, reports_for
from reports.forms import report_query
from reports.pdfs import filter_labels, report_body, report_pdf_render
from salesops.accounts.access import role_of
from salesops.core.pdf import pdf_response


def report_today():
    """Today in Asia/Shanghai: a report's default period holds it, balances are read on it at
    the latest."""
    return timezone.localdate()


def report_get(request, slug: str) -> Report:
    """The report at `slug`: 404 when there is none, 403 when the viewer's role may not open
    it (whose rows a report shows is the build's scope, not this)."""
    report = REPORTS.get(slug)
    if report is None:
        raise Http404
    if not report.allows(role_of(request.user)):
        raise PermissionDenied
    return report


@login_required
@require_GET
def report_index(request):
    return render(request, "reports/index.html", {"reports": reports_for(role_of(request.user))})


@login_required
@require_GET
def report_page(request, slug: str):
    report = report_get(request, slug)
    parsed = report_query(request, report, today=report_today())
    context = report.build(parsed.request)
    query = urlencode(parsed.params)
    return render(
        request,
        "reports/report_page.html",
        {
            "report": report,
            "form": parsed.form,
            "period": parsed.request.period,
            "report_request": parsed.request,
            "filters": filter_labels(parsed.request),
            "body": report_body(report, parsed.request, context, pdf=False),
            "pdf_url": f"{reverse('report_pdf', args=[report.slug])}?{query}",
            "pages": report.pages(context),
            "inline_pages": settings.REPORT_PDF_INLINE_PAGES,
        },
    )


@login_required
@require_GET
def report_pdf(request, slug: str):
    """The report as a PDF, in the request when it fits in REPORT_PDF_INLINE_PAGES pages."""
    report = report_get(request, slug)
    parsed = report_query(request, report, today=report_today())
    context = report.build(parsed.request)
    content = report_pdf_render(report, parsed.request, context)
    return pdf_response(content, f"{report.slug}-{parsed.request.period.start:%Y%m%d}.pdf")
