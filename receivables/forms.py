"""Receivables forms: parse and render; the services decide."""

import uuid
from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from customers.models import Customer
from receivables.models import Payment, Receivable
from salesops.core.forms import DateInput, NamedBlankChoiceMixin
from salesops.core.periods import PERIOD_CHOICES, period_range


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


class StatementPeriodForm(forms.Form):
    """The customer statement's period from the query string: a named period (default: last
    month, a closed month to reconcile) or custom start and end. The statement page and its PDF
    both read it, so they accept and refuse the same input with the same messages. Links from
    before the picker (?start=&end=) are custom periods."""

    DEFAULT = "last_month"

    period = forms.ChoiceField(
        label=pgettext_lazy("statement", "Period"), choices=PERIOD_CHOICES, required=False
    )
    start = forms.DateField(label=_("Start date"), required=False, widget=DateInput())
    end = forms.DateField(label=_("End date"), required=False, widget=DateInput())

    def __init__(self, params, *, today: date):
        data = {key: params.get(key, "").strip() for key in ("period", "start", "end")}
        if not data["period"]:
            data["period"] = "custom" if data["start"] or data["end"] else self.DEFAULT
        super().__init__(data)
        self.today = today

    def clean(self):
        data = super().clean()
        period = data.get("period")
        if not period:
            return data  # not one of the choices: the field already says so
        if period != "custom":
            data["start"], data["end"] = period_range(period, self.today)
            return data
        if self.has_error("start") or self.has_error("end"):
            return data
        if data.get("start") is None or data.get("end") is None:
            raise forms.ValidationError(_("Give both a start date and an end date."))
        if data["start"] > data["end"]:
            raise forms.ValidationError(_("The start date must be on or before the end date."))
        return data
