"""Admin for customer data. Tier rules and settings are edited here; saves go through services."""

from django.contrib import admin, messages
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin

from customers.models import (
    Contact,
    CrmSettings,
    Customer,
    CustomerGroup,
    FollowUp,
    OwnershipEvent,
    TierRule,
)
from customers.services.customers import customer_update, tier_rule_update
from salesops.accounts.admin_mixins import VisibleToAdmin


@admin.register(TierRule)
class TierRuleAdmin(SimpleHistoryAdmin):
    list_display = [
        "tier",
        "followup_interval_days",
        "visit_interval_days",
        "pool_idle_days",
        "strategy",
    ]

    def has_add_permission(self, request):
        return not TierRule.objects.count() >= 4

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        # The service also moves every customer of the tier onto the new cadence.
        moved = tier_rule_update(rule=obj)
        messages.info(request, _("%(n)s customers moved to the new cadence.") % {"n": moved})


@admin.register(CrmSettings)
class CrmSettingsAdmin(SimpleHistoryAdmin):
    def has_add_permission(self, request):
        return not CrmSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CustomerGroup)
class CustomerGroupAdmin(SimpleHistoryAdmin):
    search_fields = ["name"]


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0
    fields = ["name", "title", "decision_role", "mobile", "email"]


@admin.register(Customer)
class CustomerAdmin(VisibleToAdmin):
    list_display = ["name", "tier", "rad_type", "status", "owner", "region", "next_followup_due"]
    list_filter = ["tier", "rad_type", "status", "region", "is_key_account"]
    search_fields = ["name", "credit_code"]
    list_select_related = ["owner", "region"]
    # Owner, cadence and pool fields change only through the services (reassign, log, pool).
    readonly_fields = [
        "owner",
        "owner_since",
        "pool_since",
        "pool_team",
        "last_followup_at",
        "next_followup_due",
        "last_visit_at",
        "next_visit_due",
        "rad_type",
        "trailing_revenue",
    ]
    inlines = [ContactInline]

    def has_add_permission(self, request):
        return False  # created in the app, where the owner and cadence are set by the service

    def save_model(self, request, obj, form, change):
        original = Customer.objects.get(pk=obj.pk)
        customer_update(
            actor=request.user,
            customer=original,
            **{field: form.cleaned_data[field] for field in form.changed_data},
        )


@admin.register(FollowUp)
class FollowUpAdmin(VisibleToAdmin):
    list_display = ["customer", "channel", "occurred_at", "author", "is_late"]
    list_filter = ["channel", "is_late"]
    search_fields = ["customer__name", "content"]
    list_select_related = ["customer", "author"]
    raw_id_fields = ["customer", "contact", "author"]


@admin.register(OwnershipEvent)
class OwnershipEventAdmin(admin.ModelAdmin):
    list_display = ["customer", "kind", "from_owner", "to_owner", "actor", "created_at"]
    list_filter = ["kind"]
    search_fields = ["customer__name"]
    list_select_related = ["customer", "from_owner", "to_owner", "actor"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
