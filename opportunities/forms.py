"""Opportunity forms: parse and render only; services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from opportunities.models import DealContact, LostReason, Opportunity, SalesTarget
from opportunities.services.deals import OPPORTUNITY_FIELDS
from opportunities.services.targets import TARGET_FIELDS, TARGET_SET_FIELDS
from salesops.core.forms import NamedBlankChoiceMixin


class OpportunityForm(NamedBlankChoiceMixin, forms.ModelForm):
    class Meta:
        model = Opportunity
        fields = OPPORTUNITY_FIELDS
        widgets = {
            "expected_close": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 3}),
            "amount": forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}),
        }


class MoveForm(NamedBlankChoiceMixin, forms.Form):
    to_level = forms.TypedChoiceField(label=_("Move to level"), coerce=int, choices=[])
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, stages, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_level"].choices = [(s.level, str(s)) for s in stages if s.level < 6]


class LoseForm(NamedBlankChoiceMixin, forms.Form):
    reason = forms.ModelChoiceField(queryset=LostReason.objects.all(), label=_("Lost reason"))
    competitor = forms.CharField(label=_("Competitor"), max_length=100, required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class DealContactForm(NamedBlankChoiceMixin, forms.Form):
    contact = forms.ModelChoiceField(queryset=None, label=_("Contact"))
    role = forms.ChoiceField(choices=DealContact.Role.choices, label=_("Role in this deal"))
    is_primary = forms.BooleanField(label=_("Primary contact"), required=False)

    def __init__(self, *args, customer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = customer.contacts.all()


class TargetForm(NamedBlankChoiceMixin, forms.ModelForm):
    class Meta:
        model = SalesTarget
        fields = TARGET_SET_FIELDS
        widgets = {"period_start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners


# How the adjustment form names each of the target's figures.
TARGET_LABELS = {
    "sales_target": _("Sales target"),
    "margin_target": _("Gross margin target"),
    "collection_target": _("Collection target"),
}


class AdjustmentForm(NamedBlankChoiceMixin, forms.Form):
    field = forms.ChoiceField(
        label=_("Target"), choices=[(name, TARGET_LABELS[name]) for name in TARGET_FIELDS]
    )
    new_value = forms.DecimalField(
        label=_("New value (CNY)"), min_value=0, max_digits=14, decimal_places=2
    )
    reason = forms.CharField(label=_("Reason"), max_length=300)
