"""Admin of the reports app: rep's plans and reports and the weekly-report subscriptions, listed
and shown in scope, written only through the pages (their services check author and customers).
Commission settings and reps' rates are edited here; commission months are closed here through
the service (`commission_period_close`); the frozen lines are only read, scoped by visible_to
for staff who are not admins."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from reports.models import (
    CollectionPlanSettings,
    CommissionLine,
    CommissionPeriod,
    CommissionProfile,
    CommissionSettings,
    CompetitorReport,
    VisitReport,
    WeeklyDelivery,
    WeeklySubscription,
    WorkPlan,
)
from reports.services.commission import commission_period_close
from salesops.accounts.admin_mixins import EventAdmin, VisibleToAdmin


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


@admin.register(CommissionSettings)
class CommissionSettingsAdmin(SimpleHistoryAdmin):
    list_display = [
        "__str__",
        "rate",
        "base_share",
        "accelerator_threshold",
        "accelerator_multiplier",
    ]

    def has_add_permission(self, request):
        return not CommissionSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CommissionProfile)
class CommissionProfileAdmin(VisibleToAdmin):
    list_display = ["rep", "rate", "note"]
    autocomplete_fields = ["rep"]


@admin.action(description=gettext_lazy("Close the selected months"))
def close_months(modeladmin, request, queryset):
    """Each selected month through the service, earliest first (months close in order)."""
    for period in queryset.order_by("month"):
        try:
            commission_period_close(actor=request.user, month=period.month)
        except ValidationError as exc:
            modeladmin.message_user(
                request, f"{period}: {' '.join(exc.messages)}", level=messages.ERROR
            )
            return
        modeladmin.message_user(request, _("%(month)s is closed.") % {"month": period})


@admin.register(CommissionPeriod)
class CommissionPeriodAdmin(admin.ModelAdmin):
    """A month is added open; closing it (the action) freezes its lines."""

    list_display = ["month", "closed_at", "closed_by"]
    actions = [close_months]
    readonly_fields = ["closed_at", "closed_by", "created_at"]

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "month"] if obj else self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CommissionLine)
class CommissionLineAdmin(EventAdmin):
    list_display = [
        "period",
        "rep",
        "kind",
        "payment_date",
        "customer",
        "receivable",
        "amount",
        "rate",
        "accelerated",
        "commission",
    ]
    list_filter = ["period", "kind"]
    list_select_related = ["period", "rep", "customer", "receivable"]
