"""Pages of rep's plans and reports: a list per kind (a rep's own, a manager's team's), and the
create and edit forms (each author writes their own)."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from reports.forms import CompetitorReportForm, VisitReportForm, WorkPlanForm
from reports.models import WorkPlan
from reports.selectors import plans as selectors
from reports.services import plans as services
from salesops.accounts.access import can_write
from salesops.accounts.decorators import role_required
from salesops.accounts.roles import SALES
from salesops.core.http import paginate, posted, query_choice, show_refusal

PER_PAGE = 25
# A visit report points at a follow-up of the last days (the form's list stays short).
FOLLOWUP_DAYS = 60


def _list(request, template: str, qs, **context):
    return render(
        request,
        template,
        {
            "page_obj": paginate(request, qs, PER_PAGE),
            "can_write": can_write(request.user),
            **context,
        },
    )


@login_required
def work_plan_list(request):
    kind = query_choice(
        request, "kind", ["", *WorkPlan.Kind.values], default="", label=_("Plan kind")
    )
    return _list(
        request,
        "reports/work_plan_list.html",
        selectors.work_plan_list(user=request.user, kind=kind or None),
        kind=kind,
        kinds=WorkPlan.Kind.choices,
    )


@login_required
def visit_report_list(request):
    return _list(
        request, "reports/visit_report_list.html", selectors.visit_report_list(user=request.user)
    )


@login_required
def competitor_report_list(request):
    return _list(
        request,
        "reports/competitor_report_list.html",
        selectors.competitor_report_list(user=request.user),
    )


def _edit(request, form, save, *, saved: str, back: str, title: str):
    """The edit pages' one flow: a valid POST saved through `save(cleaned_data)` (a service;
    its refusal shown on the form), then back to the list; else the form again."""
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except ValidationError as exc:
            show_refusal(request, exc, form)
        else:
            messages.success(request, saved)
            return redirect(back)
    return render(request, "reports/plan_form.html", {"form": form, "title": title, "back": back})


@role_required(*SALES)
def work_plan_edit(request, pk: int | None = None):
    plan = selectors.work_plan_get(user=request.user, pk=pk) if pk else None
    services.require_author(request.user, plan)
    customers = selectors.report_customers(user=request.user)
    form = WorkPlanForm(posted(request), instance=plan, customers=customers)
    return _edit(
        request,
        form,
        lambda data: services.work_plan_save(actor=request.user, plan=plan, **data),
        saved=_("Plan saved."),
        back="work_plan_list",
        title=_("Edit work plan") if plan else _("New work plan"),
    )


@role_required(*SALES)
def visit_report_edit(request, pk: int | None = None):
    report = selectors.visit_report_get(user=request.user, pk=pk) if pk else None
    services.require_author(request.user, report)
    since = timezone.localdate() - timedelta(days=FOLLOWUP_DAYS)
    form = VisitReportForm(
        posted(request),
        instance=report,
        initial={"day": timezone.localdate()},
        customers=selectors.report_customers(user=request.user),
        followups=selectors.report_followups(user=request.user, since=since),
    )
    return _edit(
        request,
        form,
        lambda data: services.visit_report_save(actor=request.user, report=report, **data),
        saved=_("Visit report saved."),
        back="visit_report_list",
        title=_("Edit visit report") if report else _("New visit report"),
    )


@role_required(*SALES)
def competitor_report_edit(request, pk: int | None = None):
    report = selectors.competitor_report_get(user=request.user, pk=pk) if pk else None
    services.require_author(request.user, report)
    form = CompetitorReportForm(
        posted(request),
        instance=report,
        initial={"month": timezone.localdate().replace(day=1)},
        customers=selectors.report_customers(user=request.user),
    )
    return _edit(
        request,
        form,
        lambda data: services.competitor_report_save(actor=request.user, report=report, **data),
        saved=_("Competitor report saved."),
        back="competitor_report_list",
        title=_("Edit competitor report") if report else _("New competitor report"),
    )
