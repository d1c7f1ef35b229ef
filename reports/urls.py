"""Report pages, their PDFs and background builds, plans, commission statements and dashboards."""

from django.urls import path

from reports.views import plans, subscriptions
from reports.views import reports as views

# Fixed paths first: "<slug:slug>/" below would take any one-segment path.
urlpatterns: list = [
    path("", views.report_index, name="report_index"),
    path("builds/<int:pk>/", views.report_build, name="report_build"),
    path("builds/<int:pk>/status/", views.report_build_status, name="report_build_status"),
    path("builds/<int:pk>/download/", views.report_build_download, name="report_build_download"),
    path(
        "subscriptions/weekly/",
        subscriptions.weekly_subscription,
        name="weekly_subscription",
    ),
    path("plans/", plans.work_plan_list, name="work_plan_list"),
    path("plans/new/", plans.work_plan_edit, name="work_plan_create"),
    path("plans/<int:pk>/edit/", plans.work_plan_edit, name="work_plan_edit"),
    path("visits/", plans.visit_report_list, name="visit_report_list"),
    path("visits/new/", plans.visit_report_edit, name="visit_report_create"),
    path("visits/<int:pk>/edit/", plans.visit_report_edit, name="visit_report_edit"),
    path("competitors/", plans.competitor_report_list, name="competitor_report_list"),
    path("competitors/new/", plans.competitor_report_edit, name="competitor_report_create"),
    path(
        "competitors/<int:pk>/edit/",
        plans.competitor_report_edit,
        name="competitor_report_edit",
    ),
    path("<slug:slug>/", views.report_page, name="report_page"),
    path("<slug:slug>/pdf/", views.report_pdf, name="report_pdf"),
]
