"""Admin: commission settings and reps' rates are edited here; commission months are closed here
through the service (`commission_period_close`); the frozen lines are only read, scoped by
visible_to for staff who are not admins."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from reports.models import CommissionLine, CommissionPeriod, CommissionProfile, CommissionSettings
from reports.services.commission import commission_period_close
from salesops.accounts.admin_mixins import EventAdmin, VisibleToAdmin


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
