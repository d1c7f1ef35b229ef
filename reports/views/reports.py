"""Report pages: the index of the reports a role may open, each report's page (the shared form,
then its body) and its PDF, rendered in the request when short, else built in the background
(the build's progress page, its status fragment and its download)."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from reports.catalog import REPORTS, Report, reports_for
from reports.forms import report_query
from reports.models import ReportBuild
from reports.pdfs import filter_labels, report_body, report_pdf_render
from reports.services.builds import report_build_start
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
    """The report as a PDF: in the request when it fits in REPORT_PDF_INLINE_PAGES pages,
    else queued for a worker, and the visitor sent to the build's progress page."""
    report = report_get(request, slug)
    today = report_today()
    parsed = report_query(request, report, today=today)
    context = report.build(parsed.request)
    if report.pages(context) > settings.REPORT_PDF_INLINE_PAGES:
        build = report_build_start(
            owner=request.user,
            report=report,
            params=parsed.params,
            requested_on=today,
            language=get_language() or "",
        )
        return redirect(build)
    content = report_pdf_render(report, parsed.request, context)
    return pdf_response(content, f"{report.slug}-{parsed.request.period.start:%Y%m%d}.pdf")


def _build(request, pk: int) -> ReportBuild:
    # Someone else's build is 404: its existence does not leak.
    return get_object_or_404(ReportBuild.objects.visible_to(request.user), pk=pk)


def _build_context(build: ReportBuild) -> dict:
    report = REPORTS.get(build.slug)
    return {
        "build": build,
        "report": report,
        "report_url": (
            f"{reverse('report_page', args=[build.slug])}?{urlencode(build.params)}"
            if report is not None
            else ""
        ),
    }


@login_required
@require_GET
def report_build(request, pk: int):
    return render(request, "reports/build.html", _build_context(_build(request, pk)))


@never_cache
@login_required
@require_GET
def report_build_status(request, pk: int):
    """The fragment the build page polls every 2 s until the build is finished."""
    return render(request, "reports/_build_status.html", _build_context(_build(request, pk)))


@login_required
@require_GET
def report_build_download(request, pk: int):
    build = _build(request, pk)
    if build.state != ReportBuild.State.DONE or not build.file:
        raise Http404
    # As the report's page: the owner's role now (demoted since the build?) must still open it.
    report = REPORTS.get(build.slug)
    if report is None:
        raise Http404
    if not report.allows(role_of(build.owner)):
        raise PermissionDenied
    with build.file.open("rb") as handle:
        content = handle.read()
    response = pdf_response(content, build.file.name.rsplit("/", 1)[-1])
    response["Content-Disposition"] = response["Content-Disposition"].replace(
        "inline", "attachment", 1
    )
    return response
