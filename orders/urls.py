"""The orders app's URLs, under orders/: orders, products and contracts (global names)."""

from django.urls import path

from orders.views import actions, contracts, orders, pdfs, products

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

# contracts
urlpatterns += [
    path("contracts/", contracts.contract_list, name="contract_list"),
    path("contracts/new/", contracts.contract_create, name="contract_create"),
    path(
        "<int:order_pk>/contract/",
        contracts.contract_create_from_order,
        name="contract_create_from_order",
    ),
    path("contracts/<int:pk>/", contracts.contract_detail, name="contract_detail"),
    path("contracts/<int:pk>/edit/", contracts.contract_edit, name="contract_edit"),
    path(
        "contracts/<int:pk>/milestones/", contracts.contract_milestones, name="contract_milestones"
    ),
    path("contracts/<int:pk>/sign/", contracts.contract_sign, name="contract_sign"),
    path("contracts/<int:pk>/deliver/", contracts.contract_deliver, name="contract_deliver"),
    path("contracts/<int:pk>/accept/", contracts.contract_accept, name="contract_accept"),
    path("contracts/<int:pk>/terminate/", contracts.contract_terminate, name="contract_terminate"),
    path(
        "contracts/<int:pk>/supplement/", contracts.contract_supplement, name="contract_supplement"
    ),
    path("contracts/<int:pk>/contract.pdf", contracts.contract_pdf, name="contract_pdf"),
]
