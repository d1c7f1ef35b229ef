"""A report as a PDF: its body template (the one the page shows) inside the PDF base, with the
company header, the title, period and filters, the generated-at time (Asia/Shanghai) and page
numbers (salesops.core.pdf's page footer and embedded Noto Sans SC)."""

from __future__ import annotations

from datetime import datetime

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from customers.selectors import tier_labels
from receivables.pdfs import COMPANY_NAME
from reports.selectors.scope import ReportRequest
from salesops.core.pdf import render_pdf_pages

PDF_BASE = "reports/pdf_base.html"


def filter_labels(request: ReportRequest) -> list[tuple[str, str]]:
    """The filters in force, as (label, value) in the reader's language; an empty list for a
    report over the viewer's whole scope."""
    shown = []
    if request.team is not None:
        shown.append((_("Team"), str(request.team)))
    if request.rep is not None:
        shown.append((_("Sales rep"), str(request.rep)))
    if request.region is not None:
        shown.append((_("Region"), str(request.region)))
    if request.tier:
        shown.append((_("Tier"), tier_labels().get(request.tier, request.tier)))
    return shown


def report_body(report, request: ReportRequest, context: dict, *, pdf: bool) -> str:
    """The report's body template rendered with its context plus `request` (the
    ReportRequest), `period` and `pdf`, the same for the page and the PDF."""
    body = render_to_string(
        report.template,
        {**context, "request": request, "period": request.period, "pdf": pdf},
    )
    return mark_safe(body)  # noqa: S308 - rendered by Django's autoescaping templates


def report_pdf_render(
    report, request: ReportRequest, context: dict, *, generated_at: datetime | None = None
) -> bytes:
    """The PDF bytes of `report` built for `request` (its context from report.build)."""
    return report_pdf_render_pages(report, request, context, generated_at=generated_at)[0]


def report_pdf_render_pages(
    report, request: ReportRequest, context: dict, *, generated_at: datetime | None = None
) -> tuple[bytes, int]:
    """report_pdf_render, and the number of pages."""
    generated_at = timezone.localtime(generated_at or timezone.now())
    return render_pdf_pages(
        PDF_BASE,
        {
            "company_name": COMPANY_NAME,
            "title": report.title,
            "period": request.period,
            "as_of": request.as_of,
            "filters": filter_labels(request),
            "viewer": request.user,
            "generated_at": generated_at,
            "body": report_body(report, request, context, pdf=True),
        },
    )
