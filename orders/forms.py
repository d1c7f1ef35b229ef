"""Order forms: parse and render; the services decide.

Forms of orders and contracts: parse and render; the services decide (amounts, plans, dates)."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from customers.models import Customer
from orders.models import Contract, ContractLine, Order, PaymentMilestone, Product
from orders.services.contracts import CONTRACT_FIELDS, LINE_FIELDS
from orders.services.milestones import MILESTONE_FIELDS
from orders.services.orders import LineInput
from salesops.core.forms import DateInput, NamedBlankChoiceMixin


class OrderFieldsForm(NamedBlankChoiceMixin, forms.Form):
    """What a draft edit and a change request may set."""

    order_date = forms.DateField(label=_("Order date"), widget=DateInput())
    delivery_date = forms.DateField(label=_("Promised delivery date"), widget=DateInput())
    payment_terms_days = forms.IntegerField(
        label=_("Payment terms (days)"), min_value=0, max_value=3650
    )
    prepayment = forms.DecimalField(
        label=_("Prepayment (CNY)"), max_digits=14, decimal_places=2, min_value=0, initial=0
    )
    guarantee = forms.CharField(label=_("Guarantee"), max_length=200, required=False)
    delivery_address = forms.CharField(label=_("Delivery address"), max_length=300, required=False)
    note = forms.CharField(
        label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class OrderCreateForm(OrderFieldsForm):
    customer = forms.ModelChoiceField(queryset=Customer.objects.none(), label=_("Customer"))
    payment_terms_days = forms.IntegerField(
        label=_("Payment terms (days)"),
        min_value=0,
        max_value=3650,
        required=False,
        help_text=_("Blank: the customer's payment terms."),
    )
    field_order = ["customer"]

    def __init__(self, *args, customers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = customers


class ChangeRequestForm(OrderFieldsForm):
    reason = forms.CharField(label=_("Reason for the change"), max_length=300)
    field_order = ["reason"]


class LineForm(NamedBlankChoiceMixin, forms.Form):
    product = forms.ModelChoiceField(queryset=Product.objects.none(), label=_("Product"))
    quantity = forms.DecimalField(
        label=_("Quantity"), max_digits=14, decimal_places=3, min_value=Decimal("0.001")
    )
    unit_price = forms.DecimalField(
        label=_("Unit price with tax"),
        max_digits=14,
        decimal_places=2,
        min_value=0,
        required=False,
        help_text=_("Blank: the list price."),
    )
    discount_percent = forms.DecimalField(
        label=_("Discount (%)"),
        max_digits=7,
        decimal_places=4,
        min_value=0,
        max_value=100,
        required=False,
    )
    tax_percent = forms.DecimalField(
        label=_("VAT (%)"),
        max_digits=7,
        decimal_places=2,
        min_value=0,
        max_value=100,
        required=False,
        help_text=_("Blank: the product's rate."),
    )

    def __init__(self, *args, products=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = (
            products if products is not None else Product.objects.all()
        )

    def line(self) -> LineInput:
        data = self.cleaned_data
        discount = data.get("discount_percent")
        tax = data.get("tax_percent")
        return LineInput(
            product=data["product"],
            quantity=data["quantity"],
            unit_price=data.get("unit_price"),
            discount=(discount or Decimal(0)) / 100,
            tax_rate=None if tax is None else tax / 100,
        )


class BaseLineFormSet(forms.BaseFormSet):
    def lines(self) -> list[LineInput]:
        return [
            form.line()
            for form in self.forms
            if form.has_changed() and not (self.can_delete and self._should_delete_form(form))
        ]


LineFormSet = forms.formset_factory(
    LineForm, formset=BaseLineFormSet, extra=2, can_delete=True, max_num=200, validate_max=True
)


def line_initial(order: Order) -> list[dict]:
    return [
        {
            "product": line.product_id,
            "quantity": line.quantity,
            "unit_price": line.unit_price,
            "discount_percent": (line.discount * 100).normalize(),
            "tax_percent": (line.tax_rate * 100).normalize(),
        }
        for line in order.lines.all()
    ]


class AlertForm(NamedBlankChoiceMixin, forms.Form):
    level = forms.ChoiceField(
        label=_("Alert"),
        choices=[c for c in Order.Alert.choices if c[0]],
    )
    reason = forms.CharField(label=_("Reason"), max_length=300)


class ReasonForm(NamedBlankChoiceMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)


class StepDateForm(forms.Form):
    on = forms.DateField(label=_("Date"), widget=DateInput())


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


class ContractLineForm(NamedBlankChoiceMixin, forms.ModelForm):
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


ContractLineFormSet = forms.formset_factory(ContractLineForm, extra=2, can_delete=True)
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
