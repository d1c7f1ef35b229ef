"""Admin: funnel stages with their checklists and lost reasons are data edited here; deals,
targets and their history are changed only through the opportunities services, as on the pages."""

from django import forms
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
from opportunities.services.deals import OPPORTUNITY_FIELDS, opportunity_update
from opportunities.services.targets import TARGET_SET_FIELDS, target_check, target_set
from salesops.accounts.admin_mixins import EventAdmin, ThroughServicesMixin, VisibleToAdmin


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
class OpportunityAdmin(ThroughServicesMixin, VisibleToAdmin):
    """The fields the edit page offers, saved through opportunity_update; stage, status and
    owner change through their own services only. A won or lost deal is read-only here, as it
    is on the page."""

    list_display = ["name", "customer", "owner", "stage", "status", "amount", "expected_close"]
    list_filter = ["status", "stage"]
    search_fields = ["name", "customer__name"]
    list_select_related = ["customer", "owner", "stage"]
    fields = [
        *OPPORTUNITY_FIELDS,
        "customer",
        "owner",
        "stage",
        "status",
        "stage_entered_at",
        "committed_at",
        "closed_at",
        "lost_reason",
        "competitor",
        "lost_note",
        "created_at",
    ]
    readonly_fields = [name for name in fields if name not in OPPORTUNITY_FIELDS]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        if obj is not None and not obj.is_open:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        # Deleting a deal would take its stage history and the funnel's figures with it.
        return False

    def save_model(self, request, obj, form, change):
        # Only what the form changed, and through the service: it locks the row, checks scope
        # and role, and refuses a deal closed since the form was opened.
        opportunity_update(
            actor=request.user,
            opportunity=obj,
            **{name: form.cleaned_data[name] for name in form.changed_data},
        )


class SalesTargetAddForm(forms.ModelForm):
    """Asks target_check what target_set would refuse, so admin shows it on the form."""

    actor = None  # set by SalesTargetAdmin.get_form

    class Meta:
        model = SalesTarget
        fields = TARGET_SET_FIELDS

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            # The checked, unsaved target: what the admin's confirmation message names.
            self.instance = target_check(
                actor=self.actor, **{name: cleaned[name] for name in TARGET_SET_FIELDS}
            )
        return cleaned

    def _post_clean(self):
        # target_check ran the model's full_clean already; twice would say it twice.
        pass


@admin.register(SalesTarget)
class SalesTargetAdmin(ThroughServicesMixin, VisibleToAdmin):
    """A target is added through target_set (period check, the rep's manager only) and never
    edited here: a change is an adjustment request, approved on the targets page."""

    list_display = ["owner", "period", "period_start", "sales_target", "collection_target"]
    list_filter = ["period"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None:
            return super().get_form(request, obj, change=change, **kwargs)
        form = super().get_form(request, obj, change=change, form=SalesTargetAddForm, **kwargs)
        form.actor = request.user
        return form

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        # A deleted and re-added target would change its figures without an adjustment, and
        # take its adjustment history with it.
        return False

    def save_model(self, request, obj, form, change):
        saved = target_set(
            actor=request.user,
            **{name: form.cleaned_data[name] for name in TARGET_SET_FIELDS},
        )
        obj.pk = saved.pk  # the admin's message and redirect name the saved target


@admin.register(StageChange)
class StageChangeAdmin(EventAdmin):
    list_display = ["opportunity", "kind", "from_level", "to_level", "changed_at", "changed_by"]
    list_filter = ["kind"]
    list_select_related = ["opportunity", "changed_by"]


@admin.register(TargetAdjustment)
class TargetAdjustmentAdmin(EventAdmin):
    """Requested and decided on the targets page only (target_adjustment_request/_decide)."""

    list_display = ["target", "field", "old_value", "new_value", "state", "requested_by"]
    list_filter = ["state"]
    list_select_related = ["target__owner", "requested_by"]
