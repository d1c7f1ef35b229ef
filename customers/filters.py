"""The customer list's filters, shared by the page and its Excel export."""

import django_filters
from django import forms
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from customers.models import Customer, RadType
from customers.selectors import assignable_owners, tier_choices
from salesops.accounts.models import User
from salesops.core.models import Region


class CustomerFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Name or credit code"))
    tier = django_filters.MultipleChoiceFilter(
        choices=tier_choices, label=_("Tier"), widget=forms.CheckboxSelectMultiple
    )
    # "All" rather than django-filter's "---------" for "any value".
    rad_type = django_filters.ChoiceFilter(
        choices=RadType.choices, label=_("RAD type"), empty_label=_("All")
    )
    region = django_filters.ModelChoiceFilter(
        queryset=Region.objects.all(), label=_("Region"), empty_label=_("All")
    )
    industry = django_filters.CharFilter(lookup_expr="icontains", label=_("Industry"))
    owner = django_filters.ModelChoiceFilter(
        queryset=User.objects.none(), label=_("Owner"), field_name="owner", empty_label=_("All")
    )
    status = django_filters.ChoiceFilter(
        choices=Customer.Status.choices, label=_("Status"), empty_label=_("All")
    )
    overdue = django_filters.BooleanFilter(
        method="filter_overdue",
        label=_("Follow-up overdue"),
        widget=forms.Select(choices=[("", _("All")), ("true", _("Yes")), ("false", _("No"))]),
    )
    credit_hold = django_filters.BooleanFilter(
        field_name="credit_hold",
        label=_("On credit hold"),
        widget=forms.Select(choices=[("", _("All")), ("true", _("Yes")), ("false", _("No"))]),
    )
    ordering = django_filters.OrderingFilter(
        fields=(
            ("name", "name"),
            ("tier", "tier"),
            ("next_followup_due", "due"),
            ("last_followup_at", "last"),
            ("created_at", "created"),
        ),
        field_labels={
            "name": _("Name"),
            "tier": _("Tier"),
            "next_followup_due": _("Next follow-up"),
            "last_followup_at": _("Last follow-up"),
            "created_at": pgettext_lazy("sort order", "Created"),
        },
        label=_("Sort by"),
        empty_label=pgettext_lazy("sort order", "Default"),
    )

    class Meta:
        model = Customer
        fields: list[str] = []

    def __init__(self, *args, user, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        self.filters["owner"].queryset = assignable_owners(user).order_by("username")

    def filter_q(self, queryset, name, value):
        return queryset.search(value)

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        if value:
            return queryset.overdue(self.today)
        return queryset.within_cadence(self.today)

    @property
    def qs(self):
        qs = super().qs
        # Stable order (pagination) with "never contacted/never due" last when sorting by dates.
        if not self.form.cleaned_data.get("ordering"):
            qs = qs.order_by(F("next_followup_due").asc(nulls_last=True), "name")
        return qs.order_by(*qs.query.order_by, "pk")
