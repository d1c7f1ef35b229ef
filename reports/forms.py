"""The report pages' shared form: the period picker (week, month, quarter, year by a day in
it, or custom start and end) and the filters (team, rep, region, tier), each limited to what
the viewer may see. A value the form cannot use is dropped for the default, with a warning
naming the field (salesops.core.http.warn_bad_param), never an error page. At the end: the
short forms of rep's plans and reports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from customers.models import Customer, FollowUp
from customers.selectors import tier_choices
from reports.catalog import Report
from reports.models import CompetitorReport, VisitReport, WorkPlan
from reports.selectors.scope import ReportRequest, report_request, scope_reps, scope_teams
from salesops.core.forms import DateInput, NamedBlankChoiceMixin
from salesops.core.http import EARLIEST_DATE, LATEST_DATE, warn_bad_param
from salesops.core.models import Region
from salesops.core.periods import REPORT_PERIOD_CHOICES, report_period

PERIOD_FIELDS = ("period", "date", "start", "end")
ALL = _("All")


class BoundedDateField(forms.DateField):
    """A date the period arithmetic can handle (previous, a year ago): 1900–2999."""

    widget = DateInput

    def validate(self, value):
        super().validate(value)
        if value is not None and not EARLIEST_DATE <= value <= LATEST_DATE:
            raise forms.ValidationError(_("Enter a valid date."), code="invalid")


class ReportForm(forms.Form):
    period = forms.ChoiceField(label=_("Period"), choices=REPORT_PERIOD_CHOICES, required=False)
    date = BoundedDateField(label=_("Day in the period"), required=False)
    start = BoundedDateField(label=_("From"), required=False)
    end = BoundedDateField(label=_("To"), required=False)
    team = forms.ModelChoiceField(label=_("Team"), queryset=None, required=False, empty_label=ALL)
    rep = forms.ModelChoiceField(
        label=_("Sales rep"), queryset=None, required=False, empty_label=ALL
    )
    region = forms.ModelChoiceField(
        label=_("Region"), queryset=None, required=False, empty_label=ALL
    )
    tier = forms.ChoiceField(label=_("Tier"), choices=(), required=False)

    def __init__(self, *args, report: Report, user, tiers=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("team", "rep", "region", "tier"):
            if name not in report.filters:
                del self.fields[name]
        if "team" in self.fields:
            self.fields["team"].queryset = scope_teams(user)
        if "rep" in self.fields:
            self.fields["rep"].queryset = scope_reps(user)
        if "region" in self.fields:
            self.fields["region"].queryset = Region.objects.all()
        if "tier" in self.fields:
            self.fields["tier"].choices = [("", ALL), *(tiers or tier_choices())]
        for field in self.fields.values():
            select = isinstance(field.widget, forms.Select)
            field.widget.attrs["class"] = (
                "form-select form-select-sm" if select else "form-control form-control-sm"
            )


@dataclass
class ParsedQuery:
    """What a report page's query asked for, after the fallbacks: the ReportRequest, the form
    showing those values, `params` (the same as query parameters, for the PDF link and a
    background build) and the fields it could not use, as (label, raw value)."""

    request: ReportRequest
    form: ReportForm
    params: dict[str, str]
    problems: list[tuple[str, str]]


def parse_report_query(data, *, report: Report, user, today: date) -> ParsedQuery:
    """The ReportRequest a query (a QueryDict or a dict of strings) asks for. Defaults: the
    report's default period holding today; no filters. A filter outside the viewer's scope
    (another rep's id for a rep) is not a choice of the form, so it is dropped like a typo."""
    tiers = tier_choices() if "tier" in report.filters else None  # once for both forms
    form = ReportForm(data, report=report, user=user, tiers=tiers)
    form.is_valid()
    problems = [(str(form.fields[name].label), str(data.get(name, ""))) for name in form.errors]
    values = form.cleaned_data
    kind = values.get("period") or report.default_period
    anchor = values.get("date") or today
    start, end = values.get("start"), values.get("end")
    if kind == "custom":
        if start is None or end is None or start > end:
            raw = f"{data.get('start', '')} – {data.get('end', '')}"
            asked = data.get("period") == "custom"  # not merely a custom default
            if asked and "start" not in form.errors and "end" not in form.errors:
                problems.append((str(form.fields["period"].label), raw))
            kind = report.default_period if report.default_period != "custom" else "month"
            period = report_period(kind, anchor=anchor)
        else:
            period = report_period("custom", anchor=anchor, start=start, end=end)
    else:
        period = report_period(kind, anchor=anchor)
    filters = {name: values.get(name) or None for name in ("team", "rep", "region", "tier")}
    filters = {name: value for name, value in filters.items() if name in form.fields}
    params = {"period": period.kind}
    if period.kind == "custom":
        params.update(start=period.start.isoformat(), end=period.end.isoformat())
    else:
        params["date"] = anchor.isoformat()
    for name, value in filters.items():
        if value is not None:
            params[name] = str(value.pk if hasattr(value, "pk") else value)
    shown = ReportForm(initial=params, report=report, user=user, tiers=tiers)
    return ParsedQuery(
        request=report_request(user=user, period=period, today=today, **filters),
        form=shown,
        params=params,
        problems=problems,
    )


def report_query(request, report: Report, *, today: date) -> ParsedQuery:
    """parse_report_query on a page's GET, each problem a warning on the page."""
    parsed = parse_report_query(request.GET, report=report, user=request.user, today=today)
    for label, raw in parsed.problems:
        warn_bad_param(request, label, raw)
    return parsed


# --- Rep's plans and reports: they parse and render; reports.services.plans decides ------


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
        if self.instance.pk:
            # The plan's customers stay choices even if since reassigned: else an edit drops them.
            customers = Customer.objects.filter(
                Q(pk__in=customers.values("pk")) | Q(pk__in=self.instance.customers.values("pk"))
            ).order_by("name")
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
        if self.instance.followup_id:
            # The linked follow-up stays a choice however old: else an edit unlinks it.
            followups = (
                FollowUp.objects.filter(
                    Q(pk__in=followups.values("pk")) | Q(pk=self.instance.followup_id)
                )
                .select_related("customer")
                .order_by("-occurred_at", "-pk")
            )
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
