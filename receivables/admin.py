"""Admin: receivable settings, the escalation ladder and collection classes are edited here (their
model validation and constraints apply as on any form). Money records (receivables, payments,
allocations, write-offs) and event tables (escalation steps, credit hold events, aging
snapshots) are only read here, scoped by visible_to for non-admin staff: they are written by the
services that keep the totals, the holds and the audit (a payment is voided, a hold released,
a debt written off on its page)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from receivables.models import (
    AgingSnapshot,
    Allocation,
    CollectionClass,
    CollectionClassRule,
    CreditHoldEvent,
    EscalationEvent,
    EscalationLevel,
    Payment,
    Receivable,
    ReceivableSettings,
    WriteOff,
)
from salesops.accounts.admin_mixins import EventAdmin, ReadOnlyAdmin


@admin.register(ReceivableSettings)
class ReceivableSettingsAdmin(SimpleHistoryAdmin):
    def has_add_permission(self, request):
        return not ReceivableSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(EscalationLevel)
class EscalationLevelAdmin(admin.ModelAdmin):
    list_display = [
        "from_days",
        "name",
        "name_en",
        "action",
        "letter",
        "creates_task",
        "notifies_manager",
        "puts_on_hold",
    ]


class CollectionClassRuleInline(admin.TabularInline):
    model = CollectionClassRule
    extra = 0
    ordering = ["position"]


@admin.register(CollectionClass)
class CollectionClassAdmin(admin.ModelAdmin):
    """回款分类 and their collection-rate ranges; the KPI page reads them on every request."""

    list_display = ["code", "name", "name_en", "min_rate", "max_rate", "description", "is_default"]
    inlines = [CollectionClassRuleInline]


@admin.register(CollectionClassRule)
class CollectionClassRuleAdmin(admin.ModelAdmin):
    """Evaluated by position, first match wins; a customer no rule matches is in the default."""

    list_display = ["position", "credit_ratings", "max_payment_terms_days", "collection_class"]
    list_editable = ["credit_ratings", "max_payment_terms_days", "collection_class"]
    list_select_related = ["collection_class"]
    ordering = ["position"]


@admin.register(Receivable)
class ReceivableAdmin(ReadOnlyAdmin):
    list_display = ["number", "customer", "issue_date", "due_date", "amount", "allocated", "kind"]
    list_filter = ["kind", "source"]
    search_fields = ["number", "customer__name"]
    list_select_related = ["customer"]


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ["customer", "date", "amount", "allocated", "method", "voided_at"]
    list_filter = ["method"]
    search_fields = ["customer__name", "reference"]
    list_select_related = ["customer"]


@admin.register(Allocation)
class AllocationAdmin(EventAdmin):
    list_display = ["payment", "receivable", "amount", "created_at", "created_by", "reversed_at"]
    list_select_related = ["payment__customer", "receivable", "created_by"]


@admin.register(WriteOff)
class WriteOffAdmin(EventAdmin):
    list_display = ["receivable", "amount", "date", "reason", "written_off_by"]
    list_select_related = ["receivable", "written_off_by"]


@admin.register(EscalationEvent)
class EscalationEventAdmin(EventAdmin):
    list_display = ["receivable", "level", "status", "as_of", "days_overdue", "balance"]
    list_filter = ["status", "level"]
    list_select_related = ["receivable", "level"]


@admin.register(CreditHoldEvent)
class CreditHoldEventAdmin(EventAdmin):
    list_display = ["customer", "kind", "reason", "actor", "created_at"]
    list_select_related = ["customer", "actor"]


@admin.register(AgingSnapshot)
class AgingSnapshotAdmin(EventAdmin):
    list_display = ["customer", "as_of", "total"]
    list_select_related = ["customer"]
    date_hierarchy = "as_of"
