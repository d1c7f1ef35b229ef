"""Printable documents (PDF) and the statement's period page; included by receivables.urls
under the receivables/ prefix."""

from django.urls import path

from receivables import pdf_views

urlpatterns = [
    path(
        "<int:pk>/reminder.pdf", pdf_views.receivable_reminder_pdf, name="receivable_reminder_pdf"
    ),
    path(
        "<int:pk>/lawyer-letter.pdf", pdf_views.receivable_lawyer_pdf, name="receivable_lawyer_pdf"
    ),
    path(
        "customers/<int:customer_pk>/statement/",
        pdf_views.customer_statement,
        name="customer_statement",
    ),
    path(
        "customers/<int:customer_pk>/statement.pdf",
        pdf_views.customer_statement_pdf,
        name="customer_statement_pdf",
    ),
]
