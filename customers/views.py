"""Customer pages: list and detail, scoped by visible_to."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from customers import selectors


@login_required
def customer_list(request):
    search = request.GET.get("q", "")
    page = Paginator(selectors.customer_list(user=request.user, search=search), 25).get_page(
        request.GET.get("page")
    )
    return render(request, "customers/customer_list.html", {"page_obj": page, "q": search})


@login_required
def customer_detail(request, pk: int):
    customer = selectors.customer_get(user=request.user, pk=pk)
    return render(request, "customers/customer_detail.html", {"customer": customer})
