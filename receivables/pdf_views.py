"""Printable documents of collections, as PDFs: the friendly reminder letter (温馨提醒函), the
lawyer's letter draft (律师函) and the customer statement (对账单). Always in Chinese; every
object is fetched through visible_to, so anything outside the user's scope is a 404."""

import re
from datetime import date
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from customers.models import Customer
from receivables.aging import cny_capital, days_overdue, late_penalty
from receivables.models import Receivable, ReceivableSettings
from receivables.statements import statement
from salesops.core.pdf import pdf_response, render_pdf

COMPANY_NAME = "SalesOps 演示公司"
PDF_LANGUAGE = "zh-hans"


def percent(rate: Decimal) -> str:
    """0.000500 -> "0.05" (per cent, without trailing zeros)."""
    return f"{(rate * 100).normalize():f}"


def _letter_context(receivable: Receivable, today: date) -> dict:
    days = days_overdue(due=receivable.due_date, as_of=today)
    balance = receivable.balance
    daily_rate = ReceivableSettings.load().penalty_daily_rate
    penalty = late_penalty(overdue_amount=balance, days=days, daily_rate=daily_rate)
    return {
        "receivable": receivable,
        "customer": receivable.customer,
        "today": today,
        "days_overdue": days,
        "balance": balance,
        "balance_capital": cny_capital(balance),
        "amount_capital": cny_capital(receivable.amount),
        "settled": receivable.allocated + receivable.written_off,
        "daily_rate": daily_rate,
        "daily_rate_percent": percent(daily_rate),
        "penalty": penalty,
        "penalty_capital": cny_capital(penalty),
        "company_name": COMPANY_NAME,
    }


def _letter(request, pk: int, *, template: str, prefix: str):
    receivable = get_object_or_404(
        Receivable.objects.visible_to(request.user).select_related("customer__owner"), pk=pk
    )
    context = _letter_context(receivable, timezone.localdate())
    with translation.override(PDF_LANGUAGE):
        content = render_pdf(template, context, request=request)
    return pdf_response(content, f"{prefix}-{receivable.number}.pdf")


@login_required
@require_GET
def receivable_reminder_pdf(request, pk: int):
    return _letter(request, pk, template="receivables/pdf/reminder.html", prefix="reminder")


@login_required
@require_GET
def receivable_lawyer_pdf(request, pk: int):
    return _letter(
        request, pk, template="receivables/pdf/lawyer_letter.html", prefix="lawyer-letter-draft"
    )


ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class PeriodError(ValueError):
    """The statement period in the query string is missing, malformed or reversed."""


def statement_period(params, today: date) -> tuple[date, date]:
    """start and end (YYYY-MM-DD, both inclusive) from the query string; with neither, the
    current month up to today."""
    raw_start, raw_end = params.get("start", "").strip(), params.get("end", "").strip()
    if not raw_start and not raw_end:
        return today.replace(day=1), today
    if not raw_start or not raw_end:
        raise PeriodError(
            _("Give both start and end as YYYY-MM-DD, or neither for the current month.")
        )
    try:
        if not (ISO_DATE.fullmatch(raw_start) and ISO_DATE.fullmatch(raw_end)):
            raise ValueError(raw_start, raw_end)
        start, end = date.fromisoformat(raw_start), date.fromisoformat(raw_end)
    except ValueError as exc:
        raise PeriodError(
            _("start and end must be dates written YYYY-MM-DD, e.g. 2025-01-31.")
        ) from exc
    if start > end:
        raise PeriodError(_("The start date must be on or before the end date."))
    return start, end


@login_required
@require_GET
def customer_statement_pdf(request, customer_pk: int):
    customer = get_object_or_404(Customer.objects.visible_to(request.user), pk=customer_pk)
    today = timezone.localdate()
    try:
        start, end = statement_period(request.GET, today)
    except PeriodError as exc:
        return HttpResponseBadRequest(f"{exc}\n", content_type="text/plain; charset=utf-8")
    result = statement(customer=customer, start=start, end=end)
    context = {
        "statement": result,
        "customer": customer,
        "today": today,
        "opening_capital": cny_capital(result.opening_balance),
        "closing_capital": cny_capital(result.closing_balance),
        "penalty_capital": cny_capital(result.penalty),
        "daily_rate_percent": percent(result.daily_rate),
        "company_name": COMPANY_NAME,
    }
    with translation.override(PDF_LANGUAGE):
        content = render_pdf("receivables/pdf/statement.html", context, request=request)
    return pdf_response(content, f"statement-{customer.pk}-{start:%Y%m%d}-{end:%Y%m%d}.pdf")
