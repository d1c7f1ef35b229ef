"""Admin: products and the order settings row are edited here (model validation and
constraints apply as on any form). Orders are read here, scoped by visible_to: they are written
by the order services (totals, status machine, credit check, events); their lines, events,
change requests and credit exceptions are read-only tables."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from orders.models import (
    CreditException,
    Order,
    OrderChange,
    OrderEvent,
    OrderLine,
    OrderSettings,
    Product,
)
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
