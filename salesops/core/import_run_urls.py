"""URLs of the background Excel import runs: /imports/<id>/."""

from django.urls import path

from salesops.core import import_run_views

urlpatterns = [
    path("<int:pk>/", import_run_views.import_run_detail, name="import_run_detail"),
    path("<int:pk>/status/", import_run_views.import_run_status, name="import_run_status"),
]
