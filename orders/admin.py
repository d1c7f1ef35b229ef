"""Admin: products and the order settings row are edited here (model validation and
constraints apply as on any form). Orders are read here, scoped by visible_to: they are written
by the order services (totals, status machine, credit check, events); their lines, events,
change requests and credit exceptions are read-only tables.

Admin of orders and contracts.

Contracts: our legal entities are edited here (saved through `legal_entity_save`, so marking one the
default takes the mark off the other). Contracts, their milestones and supplementary agreements
are only read here, scoped by visible_to for non-admin staff: they change through the contract
services (a signed contract only by a supplementary agreement on its page)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from orders.models import (
    Contract,
    CreditException,
    LegalEntity,
    Order,
    OrderChange,
    OrderEvent,
    OrderLine,
    OrderSettings,
    PaymentMilestone,
    Product,
    SupplementaryAgreement,
)
from orders.services.contracts import legal_entity_save
from salesops.accounts.admin_mixins import EventAdmin, ReadOnlyAdmin

# --- Orders (the orders engineer's block) -------------------------------------------------------


@admin.register(Product)
class ProductAdmin(SimpleHistoryAdmin):
    list_display = [
        "sku",
        "name",
        "product_line",
        "unit",
        "list_price",
        "cost",
        "tax_rate",
        "active",
    ]
    list_filter = ["product_line", "active", "tax_rate"]
    search_fields = ["sku", "name", "product_line"]
    list_per_page = 50


@admin.register(OrderSettings)
class OrderSettingsAdmin(SimpleHistoryAdmin):
    def has_add_permission(self, request):
        return not OrderSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class OrderLineInline(ReadOnlyInline):
    model = OrderLine
    fields = ["position", "product", "quantity", "unit_price", "discount", "tax_rate", "amount"]
    readonly_fields = fields


class OrderEventInline(ReadOnlyInline):
    model = OrderEvent
    fields = ["at", "kind", "from_status", "to_status", "note", "actor"]
    readonly_fields = fields


@admin.register(Order)
class OrderAdmin(ReadOnlyAdmin):
    list_display = ["number", "customer", "owner", "status", "alert", "order_date", "total"]
    list_filter = ["status", "alert"]
    search_fields = ["number", "customer__name"]
    list_select_related = ["customer", "owner"]
    date_hierarchy = "order_date"
    inlines = [OrderLineInline, OrderEventInline]


@admin.register(OrderEvent)
class OrderEventAdmin(EventAdmin):
    list_display = ["order", "kind", "from_status", "to_status", "note", "actor", "at"]
    list_filter = ["kind"]
    list_select_related = ["order", "actor"]


@admin.register(OrderChange)
class OrderChangeAdmin(EventAdmin):
    list_display = ["order", "reason", "actor", "at"]
    list_select_related = ["order", "actor"]


@admin.register(CreditException)
class CreditExceptionAdmin(EventAdmin):
    list_display = ["order", "rules", "exposure", "credit_limit", "approved_by", "used", "at"]
    list_select_related = ["order", "approved_by"]


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
