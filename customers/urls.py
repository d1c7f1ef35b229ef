from django.urls import path

from customers import followup_views, views

urlpatterns = [
    path("", views.customer_list, name="customer_list"),
    path("export.xlsx", views.customer_export, name="customer_export"),
    path("new/", views.customer_create, name="customer_create"),
    path("import/", views.customer_import, name="customer_import"),
    path("pool/", views.customer_pool, name="customer_pool"),
    path("<int:pk>/", views.customer_detail, name="customer_detail"),
    path("<int:pk>/edit/", views.customer_edit, name="customer_edit"),
    path("<int:pk>/history/", views.customer_history, name="customer_history"),
    path("<int:pk>/reassign/", views.customer_reassign, name="customer_reassign"),
    path("<int:pk>/claim/", views.customer_claim, name="customer_claim"),
    path("<int:pk>/followups/new/", followup_views.followup_create, name="followup_create"),
    path("<int:pk>/contacts/new/", views.contact_edit, name="contact_create"),
    path("<int:pk>/contacts/<int:contact_pk>/edit/", views.contact_edit, name="contact_edit"),
]
