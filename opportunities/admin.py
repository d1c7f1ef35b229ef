"""Admin: funnel stages with their checklists, lost reasons, and read views of deals/targets."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from opportunities.models import (
    ChecklistItem,
    FunnelStage,
    LostReason,
    Opportunity,
    SalesTarget,
    StageChange,
    TargetAdjustment,
)
from salesops.accounts.admin_mixins import VisibleToAdmin


class ChecklistInline(admin.TabularInline):
    model = ChecklistItem
    extra = 1
    fields = ["text", "sort_order", "active"]


@admin.register(FunnelStage)
class FunnelStageAdmin(SimpleHistoryAdmin):
    list_display = ["level", "name", "name_en", "win_probability"]
    inlines = [ChecklistInline]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LostReason)
class LostReasonAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "sort_order"]
    list_editable = ["sort_order"]


@admin.register(Opportunity)
class OpportunityAdmin(VisibleToAdmin):
    """Read-mostly: stage, status and owner change through the app's services only."""

    list_display = ["name", "customer", "owner", "stage", "status", "amount", "expected_close"]
    list_filter = ["status", "stage"]
    search_fields = ["name", "customer__name"]
    list_select_related = ["customer", "owner", "stage"]
    readonly_fields = [
        "customer",
        "owner",
        "stage",
        "status",
        "stage_entered_at",
        "committed_at",
        "closed_at",
        "lost_reason",
        "competitor",
        "created_at",
    ]
    exclude = ["checked_items"]

    def has_add_permission(self, request):
        return False


@admin.register(StageChange)
class StageChangeAdmin(admin.ModelAdmin):
    list_display = ["opportunity", "kind", "from_level", "to_level", "changed_at", "changed_by"]
    list_filter = ["kind"]
    list_select_related = ["opportunity", "changed_by"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(SalesTarget)
class SalesTargetAdmin(VisibleToAdmin):
    list_display = ["owner", "period", "period_start", "sales_target", "collection_target"]
    list_filter = ["period"]
    readonly_fields = ["sales_target", "margin_target", "collection_target"]


@admin.register(TargetAdjustment)
class TargetAdjustmentAdmin(admin.ModelAdmin):
    list_display = ["target", "field", "old_value", "new_value", "state", "requested_by"]
    list_filter = ["state"]

    def has_change_permission(self, request, obj=None):
        return False
