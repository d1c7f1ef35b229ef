"""Report pages, their PDFs and background builds, plans, commission statements and dashboards."""

from django.urls import path

from reports import views

# Fixed paths first: "<slug:slug>/" below would take any one-segment path.
urlpatterns: list = [
    path("", views.report_index, name="report_index"),
    path("builds/<int:pk>/", views.report_build, name="report_build"),
    path("builds/<int:pk>/status/", views.report_build_status, name="report_build_status"),
    path("builds/<int:pk>/download/", views.report_build_download, name="report_build_download"),
    path("<slug:slug>/", views.report_page, name="report_page"),
    path("<slug:slug>/pdf/", views.report_pdf, name="report_pdf"),
]
