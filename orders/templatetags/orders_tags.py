"""The orders section on the customer and opportunity pages: the latest few, a link to all."""

from django import template
from django.urls import reverse

from orders.selectors.orders import orders_latest
from orders.services.orders import opportunity_orderable
from salesops.accounts.access import can_write

register = template.Library()
LATEST = 5


@register.inclusion_tag("orders/_orders_section.html", takes_context=True)
def orders_section(context, *, customer=None, opportunity=None):
    user = context["request"].user
    if opportunity is not None:
        orders = orders_latest(user=user, limit=LATEST, opportunity=opportunity)
        customer = opportunity.customer
    else:
        orders = orders_latest(user=user, limit=LATEST, customer=customer)
    all_url = f"{reverse('order_list')}?customer={customer.pk}"
    return {
        "orders": orders,
        "all_url": all_url,
        "opportunity": opportunity,
        "customer": customer,
        "can_order": can_write(user) and customer.owner_id is not None,
        "orderable": opportunity is not None and opportunity_orderable(opportunity),
        "csrf_token": context.get("csrf_token"),
    }
