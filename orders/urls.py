"""The orders app's URLs, under orders/."""

from django.urls import path

from orders.views import actions, orders, pdfs, products

# --- Orders (the orders engineer's block) -------------------------------------------------------
urlpatterns = [
    path("", orders.order_list, name="order_list"),
    path("export.xlsx", orders.order_export, name="order_export"),
    path("new/", orders.order_create, name="order_create"),
    path("<int:pk>/", orders.order_detail, name="order_detail"),
    path("<int:pk>/edit/", orders.order_edit, name="order_edit"),
    path("<int:pk>/change/", orders.order_change, name="order_change"),
    path("<int:pk>/confirm/", actions.order_confirm, name="order_confirm"),
    path("<int:pk>/step/<str:step>/", actions.order_step, name="order_step"),
    path("<int:pk>/cancel/", actions.order_cancel, name="order_cancel"),
    path("<int:pk>/alert/", actions.order_alert, name="order_alert"),
    path(
        "<int:pk>/credit-exception/",
        actions.credit_exception_approve,
        name="credit_exception_approve",
    ),
    path("<int:pk>/confirmation.pdf", pdfs.order_confirmation_pdf, name="order_confirmation_pdf"),
    path(
        "from-opportunity/<int:pk>/", orders.order_from_opportunity, name="order_from_opportunity"
    ),
    path("products/import/", products.product_import, name="product_import"),
]
