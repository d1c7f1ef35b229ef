from django.urls import include, path

from receivables import views

urlpatterns = [
    path("", views.receivable_list, name="receivable_list"),
    path("new/", views.receivable_create, name="receivable_create"),
    path("<int:pk>/", views.receivable_detail, name="receivable_detail"),
    path("<int:pk>/write-off/", views.receivable_write_off, name="receivable_write_off"),
    path("payments/", views.payment_list, name="payment_list"),
    path("payments/new/", views.payment_create, name="payment_create"),
    path("payments/<int:pk>/", views.payment_detail, name="payment_detail"),
    path("payments/<int:pk>/allocate/", views.payment_allocate, name="payment_allocate"),
    path("payments/<int:pk>/void/", views.payment_void, name="payment_void"),
    path("aging/", views.aging, name="aging"),
    path("aging/export.xlsx", views.aging_export, name="aging_export"),
    path("collections/", views.collections, name="collections"),
    path("collections/export.xlsx", views.collections_export, name="collections_export"),
    path("kpis/", views.kpis, name="receivable_kpis"),
    path(
        "credit-hold/<int:customer_pk>/release/",
        views.credit_hold_release,
        name="credit_hold_release",
    ),
    # Opening balances import and the printable documents have their own modules.
    path("", include("receivables.import_urls")),
    path("", include("receivables.pdf_urls")),
]
