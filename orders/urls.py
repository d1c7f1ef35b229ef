"""The orders app's URLs, under orders/: orders and contracts (global names, no namespace)."""

from django.urls import path

from orders.views import contracts

urlpatterns = []

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
