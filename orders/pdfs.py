"""The order confirmation (订单确认书) as a printable document: its contents. The view renders it,
always in Chinese, for an order fetched through visible_to."""

from datetime import date

from orders.models import Order
from receivables.pdfs import COMPANY_NAME
from receivables.rules.aging import cny_capital

PDF_LANGUAGE = "zh-hans"


def order_confirmation_context(order: Order, today: date) -> dict:
    """Lines and totals with and without tax, the total in capitals (大写)."""
    return {
        "order": order,
        "customer": order.customer,
        "lines": list(order.lines.all()),
        "total_capital": cny_capital(order.total),
        "today": today,
        "company_name": COMPANY_NAME,
    }
