"""Customer pages: list, export, detail, edit, contacts, history, reassignment, pool, import."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from customers import selectors
from customers.filters import CustomerFilter
from customers.forms import ContactForm, CustomerForm, FollowUpForm, ImportUploadForm, ReassignForm
from customers.models import Customer
from customers.services import customers as customer_services
from customers.services import imports, pool
from receivables.selectors.credit import customer_money, group_flagged
from salesops.accounts.access import can_write, role_of
from salesops.accounts.decorators import permission_errors_as_403, role_required
from salesops.accounts.roles import Role
from salesops.core.excel import build_workbook
from salesops.core.http import show_refusal
from salesops.core.http import paginate, warn_bad_param
from salesops.core.http import posted as _posted
from salesops.core.import_flow import IMPORT_DIR, StoredUpload, import_page, in_background
from salesops.core.models import ImportRun

PAGE_SIZE = 25
EXPORT_LIMIT = 20_000


def _can_manage(user) -> bool:
    return role_of(user) in (Role.MANAGER, Role.ADMIN)


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
    page = paginate(request, qs, PAGE_SIZE)
    return render(
        request,
        "customers/customer_list.html",
        {
            "filter": filterset,
            "page_obj": page,
            "today": timezone.localdate(),
            "rules": selectors.tier_rules(),
            "can_create": can_write(request.user),
            "can_import": _can_manage(request.user),
            "filters_active": any(v for k, v in request.GET.items() if k not in ("q", "page")),
        },
    )


EXPORT_HEADERS = [
    "企业全称",
    "统一社会信用代码",
    "客户等级",
    "RAD类型",
    "状态",
    "区域",
    "所属行业",
    "负责人",
    "法定代表人",
    "注册地址",
    "电话",
    "年度采购量",
    "信用等级",
    "信用额度",
    "账期天数",
    "最近跟进",
    "下次跟进",
]


@login_required
def customer_export(request):
    """The list as .xlsx: same filters, same scope, every matching row (up to the limit)."""
    filterset = _filtered(request)
    qs = filterset.qs[: EXPORT_LIMIT + 1]
    customers = list(qs)
    if len(customers) > EXPORT_LIMIT:
        messages.error(
            request, _("More than %(n)s customers match; narrow the filters.") % {"n": EXPORT_LIMIT}
        )
        return redirect(f"{request.path.removesuffix('export.xlsx')}?{request.GET.urlencode()}")
    tiers = selectors.tier_labels()
    rows = (
        [
            c.name,
            c.credit_code or "",
            tiers[c.tier],
            c.rad_type,
            c.get_status_display(),
            c.region.display_name if c.region else "",
            c.industry,
            c.owner.username if c.owner else "",
            c.legal_rep,
            c.address,
            c.phone,
            c.buying_power,
            c.credit_rating,
            c.credit_limit,
            c.payment_terms_days,
            c.last_followup_at,  # written in Shanghai time by build_workbook
            c.next_followup_due,
        ]
        for c in customers
    )
    # Date cells narrower than their text show "####" in Excel: the last two columns get room.
    widths = [32, 22, 16, 8, 8, 8, 14, 10, 10, 30, 16, 14, 8, 14, 8, 17, 12]
    content = build_workbook(title="客户", headers=EXPORT_HEADERS, rows=rows, widths=widths)
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="customers-{stamp}.xlsx"'
    return response


@login_required
def customer_detail(request, pk: int):
    customer = selectors.customer_get(user=request.user, pk=pk)
    timeline = paginate(request, selectors.customer_timeline(customer=customer), 20)
    return render(
        request,
        "customers/customer_detail.html",
        {
            "customer": customer,
            "rule": selectors.tier_rules().get(customer.tier),
            "contacts": customer.contacts.all(),
            "opportunities": customer.opportunities.visible_to(request.user).select_related(
                "stage"
            ),
            "money": customer_money(customer=customer, as_of=timezone.localdate()),
            "group_flagged": group_flagged(customer=customer, as_of=timezone.localdate()),
            "timeline": timeline,
            "events": selectors.customer_ownership_events(customer=customer)[:10],
            "followup_form": FollowUpForm(customer=customer),
            "can_edit": can_write(request.user),
            "can_manage": _can_manage(request.user),
            "today": timezone.localdate(),
        },
    )


@permission_errors_as_403
@login_required
def customer_create(request):
    if not can_write(request.user):
        raise PermissionDenied
    can_manage = _can_manage(request.user)
    form = CustomerForm(_posted(request), can_manage=can_manage)
    owners = customer_services.assignable_owners(request.user)
    owner_form = ReassignForm(_posted(request), owners=owners, prefix="o") if can_manage else None
    if owner_form is not None and owner_form.is_bound:
        owner_form.fields["reason"].required = False
        owner_form.fields["owner"].required = False
    owner_ok = owner_form is None or not owner_form.is_bound or owner_form.is_valid()
    if request.method == "POST" and form.is_valid() and owner_ok:
        # A manager may pick the owner; an invalid pick re-renders with its error, never a
        # silent fallback. Blank means the manager owns it.
        owner = (owner_form.cleaned_data.get("owner") if owner_form else None) or request.user
        fields = {
            k: v
            for k, v in form.cleaned_data.items()
            if k in form.changed_data or k in ("name", "tier", "status")
        }
        if not can_manage:
            fields = {k: v for k, v in fields.items() if k not in customer_services.MANAGER_FIELDS}
        try:
            customer = customer_services.customer_create(actor=request.user, owner=owner, **fields)
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


@permission_errors_as_403
@login_required
def customer_edit(request, pk: int):
    customer = selectors.customer_get(user=request.user, pk=pk)
    if not can_write(request.user):
        raise PermissionDenied
    form = CustomerForm(_posted(request), instance=customer, can_manage=_can_manage(request.user))
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
    records = customer.history.select_related("history_user").order_by("-history_date")
    page = paginate(request, records, 30)
    rows = []
    for record in page:
        previous = record.prev_record
        changes = record.diff_against(previous).changes if previous else []
        rows.append({"record": record, "changes": changes})
    return render(
        request,
        "customers/customer_history.html",
        {
            "customer": customer,
            "page_obj": page,
            "rows": rows,
            "events": selectors.customer_ownership_events(customer=customer),
        },
    )


@permission_errors_as_403
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


@permission_errors_as_403
@role_required(Role.MANAGER, Role.ADMIN)
def customer_reassign(request, pk: int):
    """Reassign an owned customer, or assign a pool customer (of a team the manager leads)."""
    customer = Customer.objects.filter(pk=pk).first()
    in_scope = customer is not None and (
        selectors.customer_list(user=request.user).filter(pk=pk).exists()
        or pool.pool_visible_to(request.user).filter(pk=pk).exists()
    )
    if not in_scope:
        raise Http404
    owners = customer_services.assignable_owners(request.user)
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


@login_required
def customer_pool(request):
    customers = selectors.pool_list(user=request.user)
    page = paginate(request, customers, PAGE_SIZE)
    releases = selectors.recent_ownership_events(customer_ids=[c.pk for c in page])
    for customer in page:
        customer.release = releases.get(customer.pk)
    now = timezone.now()
    return render(
        request,
        "customers/pool.html",
        {
            "page_obj": page,
            "is_rep": role_of(request.user) is Role.REP,
            "can_manage": _can_manage(request.user),
            "claims_used": pool.claims_in_window(request.user, now=now),
            "claim_cap": pool.CrmSettings.load().pool_claim_cap,
        },
    )


@login_required
@require_POST
def customer_claim(request, pk: int):
    customer = pool.pool_visible_to(request.user).filter(pk=pk).first()
    if customer is None:
        taken = pool.recently_taken_from_pool(request.user, pk)
        if taken is None:
            raise Http404
        # The rep saw it in the pool a moment ago: say why it is gone rather than 404.
        if taken.owner_id == request.user.pk:
            return redirect("customer_detail", pk=pk)
        messages.error(request, _("Someone else has just claimed this customer."))
        return redirect("customer_pool")
    try:
        pool.pool_claim(
            actor=request.user, customer=customer, reason=request.POST.get("reason", "")
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("customer_pool")
    except PermissionError as exc:
        raise PermissionDenied(str(exc)) from exc
    messages.success(request, _("%(name)s is now yours.") % {"name": customer.name})
    return redirect("customer_detail", pk=pk)


# --- Import -----------------------------------------------------------------------------------

SESSION_KEY = "customer_import"


@role_required(Role.MANAGER, Role.ADMIN)
def customer_import(request):
    """Upload -> preview (every problem listed, nothing written) -> confirm (all or nothing)."""

    def imported(plan, result):
        created, updated = result
        messages.success(
            request,
            _("Imported: %(created)s created, %(updated)s updated.")
            % {"created": created, "updated": updated},
        )
        return redirect("customer_list")

    return import_page(
        request,
        form_class=ImportUploadForm,
        stored=StoredUpload(request, folder=IMPORT_DIR, session_key=SESSION_KEY),
        check=lambda worksheet: imports.customer_import_plan(
            actor=request.user, worksheet=worksheet
        ),
        write=lambda plan: imports.customer_import_apply(actor=request.user, plan=plan),
        page="customer_import",
        show=lambda form, plan: render(
            request, "customers/import.html", {"form": form, "plan": plan}
        ),
        imported=imported,
        # Problems found at confirmation: the upload stays and the posted form is shown.
        keep_rechecked_upload=True,
        background=in_background(request, ImportRun.Kind.CUSTOMERS),
    )
