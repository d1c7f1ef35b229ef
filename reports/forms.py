"""Forms of the reports pages: they parse and render; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from reports.models import CompetitorReport, VisitReport, WorkPlan
from salesops.core.forms import DateInput, NamedBlankChoiceMixin


class WorkPlanForm(NamedBlankChoiceMixin, forms.ModelForm):
    class Meta:
        model = WorkPlan
        fields = ["kind", "period_start", "goals", "customers"]
        widgets = {
            "kind": forms.RadioSelect,
            "period_start": DateInput(),
            "goals": forms.Textarea(attrs={"rows": 4}),
            "customers": forms.SelectMultiple(attrs={"size": 6}),
        }
        help_texts = {
            "period_start": _("Any day of the week or month: the plan covers all of it."),
        }

    def __init__(self, *args, customers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["customers"].queryset = customers


class VisitReportForm(NamedBlankChoiceMixin, forms.ModelForm):
    class Meta:
        model = VisitReport
        fields = ["day", "customer", "followup", "summary", "issues", "next_step"]
        widgets = {
            "day": DateInput(),
            "summary": forms.Textarea(attrs={"rows": 3}),
            "issues": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, customers, followups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = customers
        self.fields["followup"].queryset = followups
        self.fields["followup"].label_from_instance = str


class CompetitorReportForm(NamedBlankChoiceMixin, forms.ModelForm):
    class Meta:
        model = CompetitorReport
        fields = ["month", "customer", "competitor", "product", "price_terms", "observation"]
        widgets = {
            "month": DateInput(),
            "observation": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {"month": _("Any day of the month reported on.")}

    def __init__(self, *args, customers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = customers

    def clean_month(self):
        # Any day names its month; the row holds the first (its check constraint).
        month = self.cleaned_data["month"]
        return month.replace(day=1) if month else month
