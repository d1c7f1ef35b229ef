"""The customers app's URLs: `urlpatterns` under /customers/, `followup_urlpatterns` under
/followups/ (both included by salesops/urls.py)."""

from django.urls import path

from customers.views import customers, followups, imports, pool

urlpatterns = [
    path("", customers.customer_list, name="customer_list"),
    path("export.xlsx", customers.customer_export, name="customer_export"),
    path("new/", customers.customer_create, name="customer_create"),
    path("import/", imports.customer_import, name="customer_import"),
    path("pool/", pool.customer_pool, name="customer_pool"),
    path("<int:pk>/", customers.customer_detail, name="customer_detail"),
    path("<int:pk>/edit/", customers.customer_edit, name="customer_edit"),
    path("<int:pk>/history/", customers.customer_history, name="customer_history"),
    path("<int:pk>/reassign/", customers.customer_reassign, name="customer_reassign"),
    path("<int:pk>/claim/", pool.customer_claim, name="customer_claim"),
    path("<int:pk>/followups/new/", followups.followup_create, name="followup_create"),
    path("<int:pk>/contacts/new/", customers.contact_edit, name="contact_create"),
    path("<int:pk>/contacts/<int:contact_pk>/edit/", customers.contact_edit, name="contact_edit"),
]

followup_urlpatterns = [
    path("due/", followups.followup_due, name="followup_due"),
    path("compliance/", followups.followup_compliance, name="followup_compliance"),
    path("<int:pk>/done/", followups.followup_done, name="followup_done"),
]
