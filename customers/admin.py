"""Admin for customer data. Tier rules and settings are edited here; every other save goes
through the same services as the pages, so it obeys their rules and writes their history:
owner, pool, cadence and credit hold fields are read-only, ownership events are read-only and
scoped like the pages."""

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
    RetierRun,
    TierChange,
    TierRule,
    tier_label,
)
from customers.selectors import tier_choices
from customers.services.customers import contact_save, customer_update, tier_rule_update
from customers.services.followups import FOLLOWUP_EDIT_FIELDS, followup_delete, followup_update
from salesops.accounts.admin_mixins import (
    EventAdmin,
    ReadOnly,
    ThroughServicesMixin,
    VisibleToAdmin,
)
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
    # There is no contact-removal service (a contact may be a deal's decision maker): not here.
    can_delete = False


@admin.register(Customer)
class CustomerAdmin(ThroughServicesMixin, TierNamesAdminMixin, VisibleToAdmin):
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

    def has_delete_permission(self, request, obj=None):
        # Deleting a customer would take its ownership events, follow-ups and hold history with
        # it; a customer leaves the book by its status (dormant, lost) instead.
        return False

    # Owner, cadence and pool fields change only through the services (reassign, log, pool);
    # a credit hold only through the receivables service that sets and lifts it.
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

    def save_formset(self, request, form, formset, change):
        # Contacts as on the customer page: through contact_save (its checks, its history).
        customer = form.instance
        formset.save(commit=False)  # sorts the rows into new, changed and deleted
        for contact_form in formset.forms:
            if contact_form in formset.deleted_forms or not contact_form.has_changed():
                continue
            contact = contact_form.instance
            contact_save(
                actor=request.user,
                customer=customer,
                contact=contact if contact.pk else None,
                **{name: contact_form.cleaned_data[name] for name in ContactInline.fields},
            )


@admin.register(FollowUp)
class FollowUpAdmin(ThroughServicesMixin, VisibleToAdmin):
    list_display = ["customer", "channel", "occurred_at", "author", "is_late"]
    list_filter = ["channel", "is_late"]
    search_fields = ["customer__name", "content"]
    list_select_related = ["customer", "author"]
    # An entry is logged on the pages (by its author, at its time); admin corrects what was
    # logged through followup_update, which moves the customer's cadence as logging does.
    fields = [
        "customer",
        "author",
        "logged_at",
        "is_late",
        "occurred_at",
        "channel",
        "contact",
        "content",
        "feedback",
        "next_step",
        "next_step_due",
        "next_step_done_at",
        "risk_note",
    ]
    readonly_fields = ["customer", "author", "logged_at", "is_late", "next_step_done_at"]
    raw_id_fields = ["contact"]

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        followup_update(
            actor=request.user,
            followup=FollowUp.objects.get(pk=obj.pk),
            **{f: form.cleaned_data[f] for f in form.changed_data if f in FOLLOWUP_EDIT_FIELDS},
        )

    def delete_model(self, request, obj):
        followup_delete(actor=request.user, followup=obj)

    def delete_queryset(self, request, queryset):
        for followup in queryset:
            followup_delete(actor=request.user, followup=followup)


@admin.register(OwnershipEvent)
class OwnershipEventAdmin(EventAdmin):
    list_display = ["customer", "kind", "from_owner", "to_owner", "actor", "created_at"]
    list_filter = ["kind"]
    search_fields = ["customer__name"]
    list_select_related = ["customer", "from_owner", "to_owner", "actor"]


@admin.register(RetierRun)
class RetierRunAdmin(ReadOnly, admin.ModelAdmin):
    """Read-only: one row per quarter, written by the re-tiering job with the settings it used."""

    list_display = ["quarter", "as_of", "revenue_on", "customers", "total_revenue", "job", "at"]


@admin.register(TierChange)
class TierChangeAdmin(EventAdmin):
    """Read-only: written by the re-tiering job and by edits of a customer's tier."""

    list_display = [
        "customer",
        "from_tier",
        "to_tier",
        "from_rad",
        "to_rad",
        "quarter",
        "actor",
        "at",
    ]
    list_filter = ["to_tier", "to_rad", "run__quarter"]
    search_fields = ["customer__name"]
    list_select_related = ["customer", "run", "actor"]
    readonly_fields = ["why"]

    @admin.display(description=gettext_lazy("quarter"), ordering="run__quarter")
    def quarter(self, change) -> str:
        return change.run.quarter if change.run else "—"

    @admin.display(description=gettext_lazy("why"))
    def why(self, change) -> str:
        return change.why
