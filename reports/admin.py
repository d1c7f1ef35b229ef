"""Admin of the reports app: rep's plans and reports and the weekly-report subscriptions, listed
and shown in scope, written only through the pages (their services check author and customers)."""

from django.contrib import admin

from reports.models import (
    CollectionPlanSettings,
    CompetitorReport,
    VisitReport,
    WeeklyDelivery,
    WeeklySubscription,
    WorkPlan,
)
from salesops.accounts.admin_mixins import EventAdmin


@admin.register(WorkPlan)
class WorkPlanAdmin(EventAdmin):
    list_display = ["owner", "kind", "period_start", "period_end"]
    list_filter = ["kind"]
    search_fields = ["owner__username", "goals"]
    date_hierarchy = "period_start"


@admin.register(VisitReport)
class VisitReportAdmin(EventAdmin):
    list_display = ["day", "owner", "customer", "next_step"]
    search_fields = ["customer__name", "owner__username", "issues"]
    list_select_related = ["owner", "customer"]
    date_hierarchy = "day"


@admin.register(CompetitorReport)
class CompetitorReportAdmin(EventAdmin):
    list_display = ["month", "owner", "customer", "competitor", "product"]
    search_fields = ["customer__name", "competitor", "product"]
    list_select_related = ["owner", "customer"]


@admin.register(WeeklySubscription)
class WeeklySubscriptionAdmin(EventAdmin):
    list_display = ["user", "active", "changed_at"]
    list_filter = ["active"]


@admin.register(WeeklyDelivery)
class WeeklyDeliveryAdmin(EventAdmin):
    list_display = ["subscription", "week_start", "sent_at"]
    date_hierarchy = "week_start"


@admin.register(CollectionPlanSettings)
class CollectionPlanSettingsAdmin(admin.ModelAdmin):
    """The one row of the quarterly split; added once, never deleted (the default applies until
    it is saved)."""

    list_display = ["__str__", "q1_share", "q2_share", "q3_share", "q4_share"]

    def has_add_permission(self, request):
        return not CollectionPlanSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        obj.pk = 1  # the one row load() reads
        super().save_model(request, obj, form, change)
