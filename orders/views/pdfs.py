"""The order confirmation PDF (订单确认书): always in Chinese; outside the scope a 404."""

from django.contrib.auth.decorators import login_required
from django.utils import timezone, translation
from django.views.decorators.http import require_GET

from orders.pdfs import PDF_LANGUAGE, order_confirmation_context
from orders.selectors.orders import order_get
from salesops.core.pdf import pdf_response, render_pdf


@login_required
@require_GET
def order_confirmation_pdf(request, pk: int):
    order = order_get(user=request.user, pk=pk)
    context = order_confirmation_context(order, timezone.localdate())
    with translation.override(PDF_LANGUAGE):
        content = render_pdf("orders/pdf/confirmation.html", context, request=request)
    return pdf_response(content, f"order-{order.number}.pdf")
