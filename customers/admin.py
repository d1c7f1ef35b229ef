"""Admin for customer data. Tier rules and settings are edited here; saves go through services."""

from django.contrib import admin, messages
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from customers.models import (
    Contact,
    CrmSettings,
    Customer,
    CustomerGroup,
    FollowUp,
    OwnershipEvent,
    TierRule,
    tier_label,
)
from customers.selectors import tier_choices
from customers.services.customers import customer_update, tier_rule_update
from salesops.accounts.admin_mixins import VisibleToAdmin
from salesops.core.localized import localized


class TierNamesAdminMixin:
    """Tier fields offer the tiers by their TierRule names, as the app's own forms do."""

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name in ("tier", "default_tier"):
            kwargs["choices"] = tier_choices()
        return super().formfield_for_choice_field(db_field, request, **kwargs)


@admin.register(TierRule)
class TierRuleAdmin(SimpleHistoryAdmin):
    list_display = [
        "tier",
        "name",
        "name_en",
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
class CrmSettingsAdmin(TierNamesAdminMixin, SimpleHistoryAdmin):
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
class CustomerAdmin(TierNamesAdminMixin, VisibleToAdmin):
    list_display = [
        "name",
        "tier_name",
        "rad_type",
        "status",
        "owner",
        "region",
        "next_followup_due",
    ]
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
        # Put and released by receivables' credit-hold services, which write the hold's event.
        "credit_hold",
        "credit_hold_since",
        "credit_hold_reason",
    ]
    inlines = [ContactInline]

    def get_queryset(self, request):
        # The tier's name in the page's language, in the same query as the list.
        rule = TierRule.objects.filter(tier=OuterRef("tier"))
        name = Subquery(rule.values(label=localized("name"))[:1])
        return super().get_queryset(request).annotate(tier_name=name)

    @admin.display(description=gettext_lazy("tier"), ordering="tier")
    def tier_name(self, customer) -> str:
        return tier_label(customer.tier, customer.tier_name)

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
