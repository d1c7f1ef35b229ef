"""Report pages, their PDFs and background builds, plans, commission statements and dashboards."""

from django.urls import path  # noqa: F401  (the report apps' patterns are added below)

urlpatterns: list = []
