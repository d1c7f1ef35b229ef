"""Forms: they parse and render; the services decide."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers.models import Contact, Customer, FollowUp
from customers.selectors import customer_contacts, tier_choices
from customers.services.customers import (
    CONTACT_FIELDS,
    CUSTOMER_FIELDS,
    MANAGER_FIELDS,
    clean_credit_code,
)
from customers.services.followups import NEXT_STEP_NEEDED
from opportunities.models import Opportunity
from opportunities.selectors.deals import customer_open_deals
from salesops.core.forms import NamedBlankChoiceMixin


class CustomerForm(NamedBlankChoiceMixin, forms.ModelForm):
    class Meta:
        model = Customer
        # The fields the services take, in the form's order.
        fields = [*CUSTOMER_FIELDS, "tier_locked", "tier_lock_reason"]
        widgets = {"initial_need": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, can_manage: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.can_manage = can_manage
        self.fields["tier"].choices = tier_choices()
        self.fields["credit_code"].widget.attrs.update(
            {"autocapitalize": "characters", "spellcheck": "false", "maxlength": 24}
        )
        if not can_manage:
            for name in MANAGER_FIELDS:
                self.fields[name].disabled = True

    def clean_credit_code(self):
        try:
            return clean_credit_code(self.cleaned_data.get("credit_code"))
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["credit_code"]) from exc

    def clean(self):
        data = super().clean()
        if data.get("tier_locked") and not (data.get("tier_lock_reason") or "").strip():
            self.add_error("tier_lock_reason", _("Say why the tier is locked."))
        return data

    def changed_values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.changed_data}

    def create_values(self) -> dict:
        """What customer_create takes: the fields filled in, and name, tier and status always;
        manager fields only from a manager (they are disabled for anyone else)."""
        values = {
            k: v
            for k, v in self.cleaned_data.items()
            if k in self.changed_data or k in ("name", "tier", "status")
        }
        if not self.can_manage:
            values = {k: v for k, v in values.items() if k not in MANAGER_FIELDS}
        return values


class ContactForm(NamedBlankChoiceMixin, forms.ModelForm):
    class Meta:
        model = Contact
        fields = CONTACT_FIELDS
        widgets = {
            "note": forms.Textarea(attrs={"rows": 2}),
            "mobile": forms.TextInput(attrs={"inputmode": "tel"}),
            "phone": forms.TextInput(attrs={"inputmode": "tel"}),
        }


class FollowUpForm(NamedBlankChoiceMixin, forms.ModelForm):
    """The quick log form: channel as big buttons, 'now' prefilled, the rest optional."""

    # Not a field of FollowUp: the deal a follow-up is about is linked by opportunities.
    opportunity = forms.ModelChoiceField(
        queryset=Opportunity.objects.none(), required=False, label=_("Opportunity")
    )

    class Meta:
        model = FollowUp
        fields = [
            "channel",
            "occurred_at",
            "contact",
            "opportunity",
            "content",
            "feedback",
            "next_step",
            "next_step_due",
            "risk_note",
        ]
        widgets = {
            "channel": forms.RadioSelect,
            "occurred_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "next_step_due": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "content": forms.Textarea(attrs={"rows": 3}),
            "feedback": forms.Textarea(attrs={"rows": 2}),
        }

    # Shown folded under "more" on the quick form; a refusal naming one of them unfolds it.
    MORE_FIELDS = ("contact", "opportunity", "feedback", "next_step", "next_step_due", "risk_note")

    def __init__(self, *args, customer: Customer, **kwargs):
        # The due list holds one form per customer: ids must differ so labels and the error
        # summary's links reach the right field.
        kwargs.setdefault("auto_id", f"id_%s-{customer.pk}")
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault(
            "occurred_at", timezone.localtime().replace(second=0, microsecond=0)
        )
        kwargs["initial"].setdefault("channel", FollowUp.Channel.VISIT)
        super().__init__(*args, **kwargs)
        # A channel is required: no "---------" button among the choices.
        self.fields["channel"].choices = FollowUp.Channel.choices
        self.fields["contact"].queryset = customer_contacts(customer=customer)
        self.fields["opportunity"].queryset = customer_open_deals(customer=customer)
        self.fields["occurred_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]

    def clean(self):
        data = super().clean()
        # The service refuses this too, but the model's CHECK constraint would reach the form
        # first as an error of no field, which neither sits by the field nor unfolds "more".
        if data.get("next_step_due") and not (data.get("next_step") or "").strip():
            self.add_error("next_step", NEXT_STEP_NEEDED)
        return data

    @property
    def more_has_errors(self) -> bool:
        return any(name in self.errors for name in self.MORE_FIELDS)


class ReassignForm(NamedBlankChoiceMixin, forms.Form):
    owner = forms.ModelChoiceField(queryset=None, label=_("New owner"))
    reason = forms.CharField(label=_("Reason"), max_length=300)

    def __init__(self, *args, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners


class ImportUploadForm(NamedBlankChoiceMixin, forms.Form):
    file = forms.FileField(
        label=_("Excel file (.xlsx)"),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )
