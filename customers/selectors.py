"""Reads of customers, always scoped to the requesting user."""

from django.shortcuts import get_object_or_404

from customers.models import Customer


def customer_list(*, user, search: str = ""):
    return Customer.objects.visible_to(user).search(search).select_related("owner", "region")


def customer_get(*, user, pk: int) -> Customer:
    """The customer if `user` may see it, else Http404."""
    return get_object_or_404(customer_list(user=user), pk=pk)
