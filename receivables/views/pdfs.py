"""Printable documents of collections, as PDFs: the friendly reminder letter (温馨提醒函), the
lawyer's letter draft (律师函) and the customer statement (对账单), plus the page that picks the
statement's period. Documents are always in Chinese; every object is fetched through
visible_to, so anything outside the user's scope is a 404."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.views.decorators.http import require_GET

from customers.selectors import customer_get
from receivables.forms import StatementPeriodForm
from receivables.pdfs import PDF_LANGUAGE, letter_context, statement_context
from receivables.selectors.ledger import receivable_get
from receivables.selectors.statements import statement
from salesops.core.pdf import pdf_response, render_pdf
from salesops.core.periods import PERIOD_CHOICES


def _letter(request, pk: int, *, template: str, prefix: str, lawyer: bool = False):
    receivable = receivable_get(user=request.user, pk=pk)
    context = letter_context(receivable, timezone.localdate(), lawyer=lawyer)
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
    customer = customer_get(user=request.user, pk=customer_pk)
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
    customer = customer_get(user=request.user, pk=customer_pk)
    today = timezone.localdate()
    form = StatementPeriodForm(request.GET, today=today)
    if not form.is_valid():
        # The picker page shows what is wrong with the period, in the user's language.
        page = reverse("customer_statement", args=[customer.pk])
        return redirect(f"{page}?{request.GET.urlencode()}" if request.GET else page)
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    result = statement(customer=customer, start=start, end=end)
    context = statement_context(customer=customer, result=result, today=today)
    with translation.override(PDF_LANGUAGE):
        content = render_pdf("receivables/pdf/statement.html", context, request=request)
    return pdf_response(content, f"statement-{customer.pk}-{start:%Y%m%d}-{end:%Y%m%d}.pdf")
