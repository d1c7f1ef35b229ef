from django.urls import path

from receivables import import_views

urlpatterns = [
    path("import/", import_views.opening_balance_import, name="opening_balance_import"),
]
