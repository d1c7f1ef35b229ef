"""Root URL configuration: accounts, notifications, health, and one include per app."""

from django.contrib import admin
from django.urls import include, path

from customers.urls import followup_urlpatterns
from reports.views import home as home_views
from salesops.core import views as core_views

admin.site.site_header = "SalesOps"
admin.site.site_title = "SalesOps"

urlpatterns = [
    path("", home_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("accounts/", include("salesops.accounts.urls")),
    path("notifications/", include("salesops.core.urls")),
    path("imports/", include("salesops.core.import_run_urls")),
    path("i18n/setlang/", core_views.language_set, name="set_language"),
    path("customers/", include("customers.urls")),
    path("followups/", include(followup_urlpatterns)),
    path("opportunities/", include("opportunities.urls")),
    path("receivables/", include("receivables.urls")),
    path("orders/", include("orders.urls")),
    path("reports/", include("reports.urls")),
    path("admin/", admin.site.urls),
]
