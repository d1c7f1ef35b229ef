"""Report pages, their PDFs and background builds, plans, commission statements and dashboards."""

from django.urls import path

from reports import views

urlpatterns: list = [
    path("", views.report_index, name="report_index"),
    path("<slug:slug>/", views.report_page, name="report_page"),
    path("<slug:slug>/pdf/", views.report_pdf, name="report_pdf"),
]
