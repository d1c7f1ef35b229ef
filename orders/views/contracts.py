"""Contract pages: the list, a contract with its parties, lines, milestones (and the receivables
they raised) and supplements; drafting from an order or standalone, editing a draft, the payment
plan, signing, delivery, acceptance, termination, supplementary agreements, and the PDF."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from customers.models import Customer
from orders.forms import (
    ContractForm,
    ContractLineFormSet,
    DayForm,
    MilestoneFormSet,
    StandaloneContractForm,
    SupplementForm,
    TerminateForm,
    formset_rows,
)
from orders.models import Contract, Order
from orders.pdfs import PDF_LANGUAGE, contract_context
from orders.selectors import contracts as selectors
from orders.services import contracts as services
from orders.services.contracts import CONTRACT_FIELDS, LINE_FIELDS
from orders.services.milestones import MILESTONE_FIELDS, milestone_plan_set
from orders.services.supplements import supplement_record
from salesops.accounts.access import can_write
from salesops.core.http import paginate, posted, query_choice, query_text, show_refusal
from salesops.core.money import yuan_in_capitals
from salesops.core.pdf import pdf_response, render_pdf


def _require_write(request) -> None:
    """Finance reads contracts; the pages that change one are not theirs (403)."""
    if not can_write(request.user):
        raise PermissionDenied


def _writable(request, pk: int) -> Contract:
    contract = selectors.contract_get(user=request.user, pk=pk)
    _require_write(request)
    return contract


@login_required
@require_GET
def contract_list(request):
    status = query_choice(
        request, "status", selectors.CONTRACT_STATES, default="", label=_("Status")
    )
    contracts = selectors.contract_list(
        user=request.user, status=status, search=query_text(request)
    )
    return render(
        request,
        "orders/contract_list.html",
        {
            "page_obj": paginate(request, contracts, 30),
            "status": status,
            "statuses": Contract.Status.choices,
            "can_write": can_write(request.user),
        },
    )


@login_required
@require_GET
def contract_detail(request, pk: int):
    contract = selectors.contract_get(user=request.user, pk=pk)
    parts = selectors.contract_parts(contract=contract)
    today = timezone.localdate()
    return render(
        request,
        "orders/contract_detail.html",
        {
            "contract": contract,
            **parts,
            "total_capital": yuan_in_capitals(contract.total),
            "beyond_calendar": selectors.milestones_beyond_calendar(
                contract=contract, milestones=parts["milestones"], today=today
            ),
            "can_write": can_write(request.user),
            "today": today,
        },
    )


def _lines_initial(contract: Contract) -> list[dict]:
    return [{key: getattr(line, key) for key in LINE_FIELDS} for line in contract.lines.all()]


def _milestones_initial(milestones) -> list[dict]:
    return [{key: getattr(m, key) for key in MILESTONE_FIELDS} for m in milestones]


@login_required
def contract_create(request):
    """A standalone contract: customer, terms and lines."""
    _require_write(request)
    customers = Customer.objects.visible_to(request.user).order_by("name")
    form = StandaloneContractForm(posted(request), customers=customers)
    lines = ContractLineFormSet(posted(request), prefix="lines")
    if request.method == "POST" and form.is_valid() and lines.is_valid():
        data = form.cleaned_data
        try:
            contract = services.contract_draft(
                actor=request.user,
                customer=data["customer"],
                lines=formset_rows(lines),
                **{key: data[key] for key in CONTRACT_FIELDS},
            )
        except ValidationError as exc:
            show_refusal(request, exc, form)
        else:
            messages.success(request, _("Contract %(number)s drafted.") % {"number": contract})
            return redirect(contract)
    return render(
        request,
        "orders/contract_form.html",
        {"form": form, "lines": lines, "title": _("New contract")},
    )


@login_required
def contract_create_from_order(request, order_pk: int):
    """The order's contract: its lines and parties copied; the terms asked here."""
    order = get_object_or_404(Order.objects.visible_to(request.user), pk=order_pk)
    _require_write(request)
    existing = Contract.objects.filter(order=order).first()
    if existing is not None:
        return redirect(existing)
    form = ContractForm(posted(request), initial={"delivery_address": order.delivery_address})
    form.fields["title"].required = False
    if request.method == "POST" and form.is_valid():
        try:
            contract = services.contract_draft_from_order(
                actor=request.user, order=order, **form.cleaned_data
            )
        except ValidationError as exc:
            show_refusal(request, exc, form)
        else:
            messages.success(request, _("Contract %(number)s drafted.") % {"number": contract})
            return redirect(contract)
    return render(
        request,
        "orders/contract_form.html",
        {
            "form": form,
            "order": order,
            "title": _("Contract for order %(number)s") % {"number": order},
        },
    )


@login_required
def contract_edit(request, pk: int):
    contract = _writable(request, pk)
    form = ContractForm(
        posted(request), instance=Contract(**{k: getattr(contract, k) for k in CONTRACT_FIELDS})
    )
    lines = ContractLineFormSet(posted(request), prefix="lines", initial=_lines_initial(contract))
    if request.method == "POST" and form.is_valid() and lines.is_valid():
        try:
            services.contract_update(
                actor=request.user,
                contract=contract,
                lines=formset_rows(lines),
                **{key: form.cleaned_data[key] for key in CONTRACT_FIELDS},
            )
        except ValidationError as exc:
            show_refusal(request, exc, form)
        else:
            messages.success(request, _("Contract saved."))
            return redirect(contract)
    return render(
        request,
        "orders/contract_form.html",
        {"form": form, "lines": lines, "contract": contract, "title": contract.number},
    )


@login_required
def contract_milestones(request, pk: int):
    """The payment plan of a draft (a signed contract's changes through a supplement)."""
    contract = _writable(request, pk)
    current = list(contract.milestones.order_by("sequence"))
    formset = MilestoneFormSet(
        posted(request), prefix="milestones", initial=_milestones_initial(current)
    )
    if request.method == "POST" and formset.is_valid():
        try:
            milestone_plan_set(
                actor=request.user, contract=contract, milestones=formset_rows(formset)
            )
        except ValidationError as exc:
            show_refusal(request, exc)
        else:
            messages.success(request, _("Payment plan saved."))
            return redirect(contract)
    return render(
        request,
        "orders/contract_milestones.html",
        {
            "contract": contract,
            "formset": formset,
            "beyond_calendar": selectors.milestones_beyond_calendar(
                contract=contract, milestones=current, today=timezone.localdate()
            ),
        },
    )


def _event(request, pk: int, action, field: str, done: str):
    contract = _writable(request, pk)
    form = DayForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the date."))
        return redirect(contract)
    try:
        action(actor=request.user, contract=contract, **{field: form.cleaned_data["day"]})
    except ValidationError as exc:
        show_refusal(request, exc)
    else:
        messages.success(request, done)
    return redirect(contract)


@login_required
@require_POST
def contract_sign(request, pk: int):
    return _event(request, pk, services.contract_sign, "signed_on", _("Contract signed."))


@login_required
@require_POST
def contract_deliver(request, pk: int):
    return _event(request, pk, services.contract_deliver, "delivered_on", _("Delivery recorded."))


@login_required
@require_POST
def contract_accept(request, pk: int):
    return _event(request, pk, services.contract_accept, "accepted_on", _("Acceptance recorded."))


@login_required
@require_POST
def contract_terminate(request, pk: int):
    contract = _writable(request, pk)
    form = TerminateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the date and the reason."))
        return redirect(contract)
    try:
        services.contract_terminate(
            actor=request.user,
            contract=contract,
            reason=form.cleaned_data["reason"],
            terminated_on=form.cleaned_data["day"],
        )
    except ValidationError as exc:
        show_refusal(request, exc)
    else:
        messages.success(request, _("Contract terminated."))
    return redirect(contract)


@login_required
def contract_supplement(request, pk: int):
    """A supplementary agreement: the terms, the lines and the milestones not yet raised."""
    contract = _writable(request, pk)
    unraised = list(contract.milestones.filter(receivable__isnull=True).order_by("sequence"))
    form = SupplementForm(
        posted(request),
        instance=Contract(**{k: getattr(contract, k) for k in CONTRACT_FIELDS}),
        initial={"signed_on": timezone.localdate()},
    )
    lines = ContractLineFormSet(posted(request), prefix="lines", initial=_lines_initial(contract))
    plan = MilestoneFormSet(
        posted(request), prefix="milestones", initial=_milestones_initial(unraised)
    )
    if request.method == "POST" and form.is_valid() and lines.is_valid() and plan.is_valid():
        data = form.cleaned_data
        try:
            supplement_record(
                actor=request.user,
                contract=contract,
                reason=data["reason"],
                signed_on=data["signed_on"],
                fields={key: data[key] for key in CONTRACT_FIELDS},
                lines=formset_rows(lines),
                milestones=formset_rows(plan),
            )
        except ValidationError as exc:
            show_refusal(request, exc, form)
        else:
            messages.success(request, _("Supplementary agreement recorded."))
            return redirect(contract)
    return render(
        request,
        "orders/contract_supplement.html",
        {"contract": contract, "form": form, "lines": lines, "formset": plan},
    )


@login_required
@require_GET
def contract_pdf(request, pk: int):
    contract = selectors.contract_get(user=request.user, pk=pk)
    context = contract_context(contract)
    with translation.override(PDF_LANGUAGE):
        content = render_pdf("orders/pdf/contract.html", context, request=request)
    return pdf_response(content, f"contract-{contract.number}.pdf")
