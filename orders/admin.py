"""Admin of orders and contracts.

Contracts: our legal entities are edited here (saved through `legal_entity_save`, so marking one the
default takes the mark off the other). Contracts, their milestones and supplementary agreements
are only read here, scoped by visible_to for non-admin staff: they change through the contract
services (a signed contract only by a supplementary agreement on its page)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from orders.models import Contract, LegalEntity, PaymentMilestone, SupplementaryAgreement
from orders.services.contracts import legal_entity_save
from salesops.accounts.admin_mixins import EventAdmin, ReadOnlyAdmin


# contracts
@admin.register(LegalEntity)
class LegalEntityAdmin(SimpleHistoryAdmin):
    list_display = ["name", "credit_code", "legal_representative", "default"]

    def save_model(self, request, obj, form, change):
        legal_entity_save(entity=obj)


class MilestoneInline(admin.TabularInline):
    model = PaymentMilestone
    extra = 0
    can_delete = False
    fields = ["sequence", "name", "percent", "amount", "trigger", "offset", "offset_kind"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Contract)
class ContractAdmin(ReadOnlyAdmin):
    list_display = ["number", "customer", "status", "signed_on", "total"]
    list_filter = ["status"]
    search_fields = ["number", "customer__name"]
    list_select_related = ["customer"]
    inlines = [MilestoneInline]


@admin.register(SupplementaryAgreement)
class SupplementaryAgreementAdmin(EventAdmin):
    list_display = ["contract", "sequence", "signed_on", "reason", "total_before", "total_after"]
    list_select_related = ["contract"]
