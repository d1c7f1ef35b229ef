"""Forms of orders and contracts: parse and render; the services decide (amounts, plans, dates)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from customers.models import Customer
from orders.models import Contract, ContractLine, PaymentMilestone, Product
from orders.services.contracts import CONTRACT_FIELDS, LINE_FIELDS
from orders.services.milestones import MILESTONE_FIELDS
from salesops.core.forms import NamedBlankChoiceMixin


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class ContractForm(NamedBlankChoiceMixin, forms.ModelForm):
    """The terms a draft's edit and a supplementary agreement may change."""

    class Meta:
        model = Contract
        fields = list(CONTRACT_FIELDS)


class StandaloneContractForm(ContractForm):
    customer = forms.ModelChoiceField(queryset=Customer.objects.none(), label=_("Customer"))

    class Meta(ContractForm.Meta):
        fields = ["customer", *CONTRACT_FIELDS]

    def __init__(self, *args, customers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = customers
        self.fields["title"].required = False


class LineForm(NamedBlankChoiceMixin, forms.ModelForm):
    class Meta:
        model = ContractLine
        fields = list(LINE_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = Product.objects.filter(active=True)
        for name in ("description", "unit", "tax_rate", "discount"):
            self.fields[name].required = False


class MilestoneForm(NamedBlankChoiceMixin, forms.ModelForm):
    class Meta:
        model = PaymentMilestone
        fields = list(MILESTONE_FIELDS)
        widgets = {"fixed_date": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amount"].required = False


LineFormSet = forms.formset_factory(LineForm, extra=2, can_delete=True)
MilestoneFormSet = forms.formset_factory(MilestoneForm, extra=2, can_delete=True)


def formset_rows(formset) -> list[dict]:
    """The filled, not deleted rows of a valid formset, as the services take them (an extra row
    left empty has no cleaned data)."""
    return [
        form.cleaned_data
        for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]


class DayForm(forms.Form):
    day = forms.DateField(label=_("Date"), widget=DateInput())


class TerminateForm(forms.Form):
    day = forms.DateField(label=_("Terminated on"), widget=DateInput())
    reason = forms.CharField(label=_("Why is it terminated?"), max_length=300)


class SupplementForm(ContractForm):
    reason = forms.CharField(label=_("What changes and why"), max_length=300)
    signed_on = forms.DateField(label=_("Agreement signed on"), widget=DateInput())

    class Meta(ContractForm.Meta):
        fields = list(CONTRACT_FIELDS)
