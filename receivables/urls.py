"""The receivables app's URLs, under receivables/: pages, the opening-balance import, and the
printable documents with the statement's period page."""

from django.urls import path

from receivables.views import credit_holds, imports, payments, pdfs, receivables, reports

urlpatterns = [
    path("", receivables.receivable_list, name="receivable_list"),
    path("new/", receivables.receivable_create, name="receivable_create"),
    path("<int:pk>/", receivables.receivable_detail, name="receivable_detail"),
    path("<int:pk>/write-off/", receivables.receivable_write_off, name="receivable_write_off"),
    path("payments/", payments.payment_list, name="payment_list"),
    path("payments/new/", payments.payment_create, name="payment_create"),
    path("payments/<int:pk>/", payments.payment_detail, name="payment_detail"),
    path("payments/<int:pk>/allocate/", payments.payment_allocate, name="payment_allocate"),
    path("payments/<int:pk>/void/", payments.payment_void, name="payment_void"),
    path("aging/", reports.aging, name="aging"),
    path("aging/export.xlsx", reports.aging_export, name="aging_export"),
    path("collections/", reports.collections, name="collections"),
    path("collections/export.xlsx", reports.collections_export, name="collections_export"),
    path("kpis/", reports.kpis, name="receivable_kpis"),
    path(
        "credit-hold/<int:customer_pk>/release/",
        credit_holds.credit_hold_release,
        name="credit_hold_release",
    ),
]

import_urlpatterns = [
    path("import/", imports.opening_balance_import, name="opening_balance_import"),
]

pdf_urlpatterns = [
    path("<int:pk>/reminder.pdf", pdfs.receivable_reminder_pdf, name="receivable_reminder_pdf"),
    path("<int:pk>/lawyer-letter.pdf", pdfs.receivable_lawyer_pdf, name="receivable_lawyer_pdf"),
    path(
        "customers/<int:customer_pk>/statement/",
        pdfs.customer_statement,
        name="customer_statement",
    ),
    path(
        "customers/<int:customer_pk>/statement.pdf",
        pdfs.customer_statement_pdf,
        name="customer_statement_pdf",
    ),
]

urlpatterns += import_urlpatterns + pdf_urlpatterns
