"""Receivables forms: parse and render; the services decide."""

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from customers.models import Customer
from receivables.models import Payment, Receivable
from salesops.core.forms import NamedBlankChoiceMixin


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class PaymentForm(NamedBlankChoiceMixin, forms.Form):
    customer = forms.ModelChoiceField(queryset=Customer.objects.none(), label=_("Customer"))
    date = forms.DateField(label=_("Date received"), widget=DateInput())
    amount = forms.DecimalField(
        label=_("Amount (CNY)"), max_digits=14, decimal_places=2, min_value=0.01
    )
    method = forms.ChoiceField(choices=Payment.Method.choices, label=_("Method"))
    reference = forms.CharField(label=_("Reference"), max_length=100, required=False)
    allocate = forms.BooleanField(
        label=_("Allocate to open receivables, oldest first"), required=False, initial=True
    )
    # Rendered once per form: a double submit carries the same key and records one payment.
    submission_key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)

    def __init__(self, *args, customers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = customers


class ReceivableForm(NamedBlankChoiceMixin, forms.ModelForm):
    class Meta:
        model = Receivable
        fields = ["customer", "number", "issue_date", "due_date", "amount", "kind", "note"]
        widgets = {"issue_date": DateInput(), "due_date": DateInput()}

    def __init__(self, *args, customers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = customers


class VoidForm(NamedBlankChoiceMixin, forms.Form):
    reason = forms.CharField(label=_("Why is it voided?"), max_length=300)


class WriteOffForm(NamedBlankChoiceMixin, forms.Form):
    amount = forms.DecimalField(
        label=_("Amount (CNY)"), max_digits=14, decimal_places=2, min_value=0.01
    )
    date = forms.DateField(label=_("Date"), widget=DateInput())
    reason = forms.CharField(label=_("Reason"), max_length=300)


class ReleaseHoldForm(NamedBlankChoiceMixin, forms.Form):
    reason = forms.CharField(label=_("Why is the hold released?"), max_length=300)
