"""Customer pages: list, export, detail, create, edit, history, contacts, reassignment."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from customers import exports, selectors
from customers.filters import CustomerFilter
from customers.forms import ContactForm, CustomerForm, FollowUpForm, ReassignForm
from customers.services import customers as customer_services
from opportunities.selectors.deals import customer_deals
from orders.selectors.contracts import contracts_of
from receivables.selectors.credit import customer_money, group_flagged
from salesops.accounts.access import can_manage, can_write
from salesops.accounts.decorators import role_required
from salesops.accounts.roles import MANAGERS
from salesops.core.excel import workbook_response
from salesops.core.http import paginate, paginate_keys, show_refusal, warn_bad_param
from salesops.core.http import posted as _posted

PAGE_SIZE = 25


def _filtered(request):
    return CustomerFilter(
        request.GET, queryset=selectors.customer_list(user=request.user), user=request.user
    )


@login_required
def customer_list(request):
    filterset = _filtered(request)
    qs = filterset.qs
    # django-filter drops a filter whose value is invalid; say so, by the filter's label.
    for name in filterset.form.errors:
        if name in filterset.form.fields:
            raw = ", ".join(request.GET.getlist(name))
            warn_bad_param(request, filterset.form.fields[name].label, raw)
    page = paginate_keys(request, qs, PAGE_SIZE)
    return render(
        request,
        "customers/customer_list.html",
        {
            "filter": filterset,
            "page_obj": page,
            "today": timezone.localdate(),
            "rules": selectors.tier_rules(),
            "can_create": can_write(request.user),
            "can_import": can_manage(request.user),
            "filters_active": any(v for k, v in request.GET.items() if k not in ("q", "page")),
        },
    )


@login_required
def customer_export(request):
    """The list as .xlsx: same filters, same scope, every matching row (up to the limit)."""
    filterset = _filtered(request)
    if filterset.qs.count() > exports.EXPORT_LIMIT:
        messages.error(
            request,
            _("More than %(n)s customers match; narrow the filters.") % {"n": exports.EXPORT_LIMIT},
        )
        return redirect(f"{request.path.removesuffix('export.xlsx')}?{request.GET.urlencode()}")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    # Streamed: the rows come from a server-side cursor, 2,000 customers at a time.
    customers = filterset.qs.iterator(chunk_size=2000)
    return workbook_response(exports.customer_sheet(customers, filename=f"customers-{stamp}.xlsx"))


@login_required
def customer_detail(request, pk: int):
    customer = selectors.customer_get(user=request.user, pk=pk)
    timeline = paginate(request, selectors.customer_timeline(customer=customer), 20)
    today = timezone.localdate()
    return render(
        request,
        "customers/customer_detail.html",
        {
            "customer": customer,
            "rule": selectors.tier_rules().get(customer.tier),
            "contacts": selectors.customer_contacts(customer=customer),
            "opportunities": customer_deals(user=request.user, customer=customer),
            "contracts": contracts_of(user=request.user, customer=customer)[:10],
            "money": customer_money(customer=customer, as_of=today),
            "group_flagged": group_flagged(customer=customer, as_of=today),
            "timeline": timeline,
            "events": selectors.customer_ownership_events(customer=customer)[:10],
            "followup_form": FollowUpForm(customer=customer),
            "can_edit": can_write(request.user),
            "can_manage": can_manage(request.user),
            "today": today,
        },
    )


@login_required
def customer_create(request):
    if not can_write(request.user):
        raise PermissionDenied
    manager = can_manage(request.user)
    form = CustomerForm(_posted(request), can_manage=manager)
    owners = selectors.assignable_owners(request.user)
    owner_form = ReassignForm(_posted(request), owners=owners, prefix="o") if manager else None
    if owner_form is not None and owner_form.is_bound:
        owner_form.fields["reason"].required = False
        owner_form.fields["owner"].required = False
    owner_ok = owner_form is None or not owner_form.is_bound or owner_form.is_valid()
    if request.method == "POST" and form.is_valid() and owner_ok:
        # A manager may pick the owner; an invalid pick re-renders with its error, never a
        # silent fallback. Blank means the manager owns it.
        owner = (owner_form.cleaned_data.get("owner") if owner_form else None) or request.user
        try:
            customer = customer_services.customer_create(
                actor=request.user, owner=owner, **form.create_values()
            )
        except ValidationError as exc:
            show_refusal(request, exc, form)
        else:
            messages.success(request, _("Customer %(name)s created.") % {"name": customer.name})
            return redirect(customer)
    if owner_form is not None and not owner_form.is_bound:
        owner_form.initial = {"owner": request.user.pk}
    return render(
        request,
        "customers/customer_form.html",
        {"form": form, "owner_form": owner_form, "customer": None},
    )


@login_required
def customer_edit(request, pk: int):
    customer = selectors.customer_get(user=request.user, pk=pk)
    if not can_write(request.user):
        raise PermissionDenied
    form = CustomerForm(_posted(request), instance=customer, can_manage=can_manage(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            customer_services.customer_update(
                actor=request.user, customer=customer, **form.changed_values()
            )
        except ValidationError as exc:
            show_refusal(request, exc, form)
        else:
            messages.success(request, _("Saved."))
            return redirect("customer_detail", pk=pk)
    return render(request, "customers/customer_form.html", {"form": form, "customer": customer})


@login_required
def customer_history(request, pk: int):
    customer = selectors.customer_get(user=request.user, pk=pk)
    page = paginate(request, selectors.customer_history(customer=customer), 30)
    return render(
        request,
        "customers/customer_history.html",
        {
            "customer": customer,
            "page_obj": page,
            "rows": selectors.history_changes(page),
            "events": selectors.customer_ownership_events(customer=customer),
            "tier_changes": selectors.customer_tier_changes(customer=customer)[:20],
        },
    )


@login_required
def contact_edit(request, pk: int, contact_pk: int | None = None):
    customer = selectors.customer_get(user=request.user, pk=pk)
    contact = (
        selectors.contact_get(user=request.user, customer=customer, pk=contact_pk)
        if contact_pk
        else None
    )
    if not can_write(request.user):
        raise PermissionDenied
    form = ContactForm(_posted(request), instance=contact)
    if request.method == "POST" and form.is_valid():
        try:
            customer_services.contact_save(
                actor=request.user, customer=customer, contact=contact, **form.cleaned_data
            )
        except ValidationError as exc:
            show_refusal(request, exc, form)
        else:
            messages.success(request, _("Contact saved."))
            return redirect("customer_detail", pk=pk)
    return render(
        request,
        "customers/contact_form.html",
        {"form": form, "customer": customer, "contact": contact},
    )


@role_required(*MANAGERS)
def customer_reassign(request, pk: int):
    """Reassign an owned customer, or assign a pool customer (of a team the manager leads)."""
    customer = selectors.customer_for_reassign(user=request.user, pk=pk)
    owners = selectors.assignable_owners(request.user)
    form = ReassignForm(request.POST or None, owners=owners)
    if request.method == "POST" and form.is_valid():
        try:
            customer_services.customer_reassign(
                actor=request.user,
                customer=customer,
                new_owner=form.cleaned_data["owner"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            show_refusal(request, exc, form)
        else:
            messages.success(
                request,
                _("%(customer)s now belongs to %(owner)s.")
                % {"customer": customer.name, "owner": form.cleaned_data["owner"]},
            )
            return redirect("customer_detail", pk=pk)
    return render(request, "customers/reassign.html", {"form": form, "customer": customer})
