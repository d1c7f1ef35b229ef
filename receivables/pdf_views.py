"""Printable documents of collections, as PDFs: the friendly reminder letter (温馨提醒函), the
lawyer's letter draft (律师函) and the customer statement (对账单), plus the page that picks the
statement's period. Documents are always in Chinese; every object is fetched through
visible_to, so anything outside the user's scope is a 404."""

from datetime import date
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.views.decorators.http import require_GET

from customers.models import Customer
from receivables.aging import cny_capital, days_overdue
from receivables.forms import StatementPeriodForm
from receivables.models import Receivable
from receivables.penalty import rate_percent
from receivables.statements import receivable_penalties, statement
from salesops.core.pdf import pdf_response, render_pdf
from salesops.core.periods import PERIOD_CHOICES
from salesops.core.workdays import WorkdayCalendarError, add_working_days

COMPANY_NAME = "SalesOps 演示公司"
PDF_LANGUAGE = "zh-hans"
LAWYER_DEADLINE_WORKING_DAYS = 7  # DOMAIN.md section 6: 7个工作日内


def _letter_context(receivable: Receivable, today: date) -> dict:
    accrual = receivable_penalties(receivables=[receivable], end=today)[receivable.pk]
    balance = receivable.balance
    return {
        "receivable": receivable,
        "customer": receivable.customer,
        "today": today,
        "days_overdue": days_overdue(due=receivable.due_date, as_of=today),
        "balance": balance,
        "balance_capital": cny_capital(balance),
        "amount_capital": cny_capital(receivable.amount),
        "settled": receivable.allocated + receivable.written_off,
        "daily_rate": accrual.daily_rate,
        "daily_rate_percent": rate_percent(accrual.daily_rate),
        "penalty": accrual.total,
        "penalty_capital": cny_capital(accrual.total),
        "penalty_segments": accrual.segments,
        "company_name": COMPANY_NAME,
    }


def lawyer_deadline(today: date) -> date | None:
    """The last day to pay under the lawyer's letter; None when the official calendar does not
    cover the dates (the letter then leaves the date blank for the lawyer to fill in)."""
    try:
        return add_working_days(today, LAWYER_DEADLINE_WORKING_DAYS)
    except WorkdayCalendarError:
        return None


def _letter(request, pk: int, *, template: str, prefix: str, lawyer: bool = False):
    receivable = get_object_or_404(
        Receivable.objects.visible_to(request.user).select_related("customer__owner"), pk=pk
    )
    today = timezone.localdate()
    context = _letter_context(receivable, today)
    if lawyer:
        context["deadline_days"] = LAWYER_DEADLINE_WORKING_DAYS
        context["deadline"] = lawyer_deadline(today)
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
        request,
        pk,
        template="receivables/pdf/lawyer_letter.html",
        prefix="lawyer-letter-draft",
        lawyer=True,
    )


@login_required
@require_GET
def customer_statement(request, customer_pk: int):
    """Pick the statement's period; shows its totals and the link to the PDF."""
    customer = get_object_or_404(Customer.objects.visible_to(request.user), pk=customer_pk)
    form = StatementPeriodForm(request.GET, today=timezone.localdate())
    here = reverse("customer_statement", args=[customer.pk])
    result = pdf_url = None
    if form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        result = statement(customer=customer, start=start, end=end)
        query = urlencode({"start": start.isoformat(), "end": end.isoformat()})
        pdf_url = f"{reverse('customer_statement_pdf', args=[customer.pk])}?{query}"
    chosen = form.data["period"]
    presets = [
        {"label": label, "url": f"{here}?period={key}", "active": key == chosen}
        for key, label in PERIOD_CHOICES
        if key != "custom"
    ]
    return render(
        request,
        "receivables/statement.html",
        {
            "customer": customer,
            "form": form,
            "presets": presets,
            "custom": chosen == "custom",
            "statement": result,
            "pdf_url": pdf_url,
        },
    )


@login_required
@require_GET
def customer_statement_pdf(request, customer_pk: int):
    customer = get_object_or_404(Customer.objects.visible_to(request.user), pk=customer_pk)
    today = timezone.localdate()
    form = StatementPeriodForm(request.GET, today=today)
    if not form.is_valid():
        # The picker page shows what is wrong with the period, in the user's language.
        page = reverse("customer_statement", args=[customer.pk])
        return redirect(f"{page}?{request.GET.urlencode()}" if request.GET else page)
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    result = statement(customer=customer, start=start, end=end)
    context = {
        "statement": result,
        "customer": customer,
        "today": today,
        "opening_capital": cny_capital(result.opening_balance),
        "closing_capital": cny_capital(result.closing_balance),
        "penalty_in_period_capital": cny_capital(result.penalty_in_period),
        "penalty_total_capital": cny_capital(result.penalty_total),
        "company_name": COMPANY_NAME,
    }
    with translation.override(PDF_LANGUAGE):
        content = render_pdf("receivables/pdf/statement.html", context, request=request)
    return pdf_response(content, f"statement-{customer.pk}-{start:%Y%m%d}-{end:%Y%m%d}.pdf")
