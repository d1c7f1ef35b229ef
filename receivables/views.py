"""Receivables pages: lists, payment recording and allocation, voids, write-offs, aging and
collection lists with their Excel exports, KPIs, credit-hold release."""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from customers.models import Customer
from receivables import kpi_selectors, selectors, services
from receivables.forms import PaymentForm, ReceivableForm, ReleaseHoldForm, VoidForm, WriteOffForm
from receivables.models import Payment, Receivable
from receivables.statements import receivable_penalties
from salesops.accounts.access import can_write
from salesops.accounts.decorators import role_required
from salesops.accounts.roles import Role
from salesops.core.excel import build_workbook
from salesops.core.http import export_or_page, paginate, query_choice, query_date, query_int
from salesops.core.http import show_refusal
from salesops.core.http import posted as _posted
from salesops.core.templatetags.money import yuan

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
GROUP_LABELS = [
    ("customer", gettext_lazy("Customer")),
    ("owner", gettext_lazy("Owner")),
    ("team", gettext_lazy("Team")),
    ("region", gettext_lazy("Region")),
]


def _money_writer(request) -> bool:
    return can_write(request.user, money=True)


def _as_of(request) -> date:
    """as_of from the query: today when absent, and (with a message) when malformed."""
    return query_date(request, "as_of", default=timezone.localdate(), label=_("As of"))


@login_required
def receivable_list(request):
    qs = (
        Receivable.objects.visible_to(request.user)
        .select_related("customer", "customer__owner")
        .order_by("due_date", "pk")
    )
    state = query_choice(
        request, "state", ("open", "overdue", "all"), default="open", label=_("Status")
    )
    if state == "open":
        qs = qs.open()
    elif state == "overdue":
        qs = qs.overdue(timezone.localdate())
    if request.GET.get("q"):
        qs = qs.filter(customer__name__icontains=request.GET["q"]) | qs.filter(
            number__icontains=request.GET["q"]
        )
    page = paginate(request, qs, 30)
    return render(
        request,
        "receivables/receivable_list.html",
        {
            "page_obj": page,
            "state": state,
            "can_money": _money_writer(request),
            "today": timezone.localdate(),
        },
    )


@login_required
def receivable_detail(request, pk: int):
    receivable = get_object_or_404(
        Receivable.objects.visible_to(request.user).select_related("customer", "opportunity"), pk=pk
    )
    penalty = receivable_penalties(receivables=[receivable], end=timezone.localdate())
    return render(
        request,
        "receivables/receivable_detail.html",
        {
            "receivable": receivable,
            "penalty": penalty[receivable.pk],
            "allocations": receivable.allocations.select_related("payment").order_by("created_at"),
            "write_offs": receivable.write_offs.all(),
            "escalations": receivable.escalations.select_related("level"),
            "write_off_form": WriteOffForm(
                initial={"date": timezone.localdate(), "amount": receivable.balance}
            ),
            "can_money": _money_writer(request),
            "today": timezone.localdate(),
        },
    )


@login_required
def receivable_create(request):
    if not _money_writer(request):
        raise PermissionDenied
    customers = Customer.objects.visible_to(request.user)
    form = ReceivableForm(_posted(request), customers=customers)
    if request.method == "POST" and form.is_valid():
        try:
            receivable = services.receivable_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            show_refusal(request, exc, form)
        else:
            messages.success(
                request, _("Receivable %(number)s created.") % {"number": receivable.number}
            )
            return redirect(receivable)
    return render(request, "receivables/receivable_form.html", {"form": form})


@login_required
@require_POST
def receivable_write_off(request, pk: int):
    receivable = get_object_or_404(Receivable.objects.visible_to(request.user), pk=pk)
    if not _money_writer(request):
        raise PermissionDenied
    form = WriteOffForm(request.POST)
    if form.is_valid():
        try:
            services.receivable_write_off(
                actor=request.user,
                receivable=receivable,
                amount=form.cleaned_data["amount"],
                reason=form.cleaned_data["reason"],
                on=form.cleaned_data["date"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Written off."))
    else:
        messages.error(request, _("Give the amount, the date and the reason."))
    return redirect(receivable)


@login_required
def payment_list(request):
    qs = (
        Payment.objects.visible_to(request.user)
        .select_related("customer", "recorded_by")
        .order_by("-date", "-pk")
    )
    if request.GET.get("q"):
        qs = qs.filter(customer__name__icontains=request.GET["q"])
    page = paginate(request, qs, 30)
    return render(
        request,
        "receivables/payment_list.html",
        {"page_obj": page, "can_money": _money_writer(request)},
    )


@login_required
def payment_create(request):
    if not _money_writer(request):
        raise PermissionDenied
    customers = Customer.objects.visible_to(request.user).order_by("name")
    initial = {"date": timezone.localdate(), "customer": request.GET.get("customer")}
    form = PaymentForm(_posted(request), customers=customers, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            payment = services.payment_record(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            show_refusal(request, exc, form)
        else:
            messages.success(
                request,
                _("Payment of %(amount)s recorded; %(allocated)s allocated.")
                % {"amount": yuan(payment.amount), "allocated": yuan(payment.allocated)},
            )
            return redirect("payment_detail", pk=payment.pk)
    return render(request, "receivables/payment_form.html", {"form": form})


def _payment(request, pk: int) -> Payment:
    return get_object_or_404(
        Payment.objects.visible_to(request.user).select_related("customer", "recorded_by"), pk=pk
    )


def _payment_detail(request, payment: Payment, *, typed=None, allocation_errors=()):
    open_receivables = list(
        Receivable.objects.filter(customer=payment.customer).open().order_by("due_date", "pk")
    )
    typed = typed or {}
    for receivable in open_receivables:
        receivable.typed = typed.get(receivable.pk, "")
    return render(
        request,
        "receivables/payment_detail.html",
        {
            "payment": payment,
            "allocations": payment.allocations.select_related("receivable").order_by("pk"),
            "open_receivables": open_receivables,
            "allocation_errors": allocation_errors,
            "void_form": VoidForm(),
            "can_money": _money_writer(request),
        },
    )


@login_required
def payment_detail(request, pk: int):
    return _payment_detail(request, _payment(request, pk))


@login_required
@require_POST
def payment_allocate(request, pk: int):
    """Oldest first (button), or the amounts finance typed per receivable: all or none. A
    refusal shows the page again with the typed amounts, so nothing has to be typed twice."""
    payment = _payment(request, pk)
    if not _money_writer(request):
        raise PermissionDenied
    typed = {}
    try:
        if request.POST.get("mode") == "oldest":
            services.payment_allocate_oldest_first(actor=request.user, payment=payment)
        else:
            receivables = {
                r.pk: r for r in Receivable.objects.filter(customer=payment.customer).open()
            }
            entered = [
                (receivables.get(int(suffix)) if suffix.isdigit() else None, value.strip())
                for key, value in request.POST.items()
                if (suffix := key.removeprefix("amount_")) != key and value.strip()
            ]
            typed = {receivable.pk: raw for receivable, raw in entered if receivable}
            requests = []
            for receivable, raw in entered:
                if receivable is None:
                    raise ValidationError(_("That receivable is not open for this customer."))
                try:
                    amount = Decimal(raw.replace(",", ""))
                except InvalidOperation as exc:
                    raise ValidationError(
                        _("Receivable %(number)s: enter the amount in yuan, e.g. 1200.50.")
                        % {"number": receivable.number}
                    ) from exc
                requests.append(services.AllocationRequest(receivable=receivable, amount=amount))
            if not requests:
                raise ValidationError(_("Enter an amount for at least one receivable."))
            services.payment_allocate(actor=request.user, payment=payment, requests=requests)
    except ValidationError as exc:
        return _payment_detail(
            request, _payment(request, pk), typed=typed, allocation_errors=exc.messages
        )
    messages.success(request, _("Allocated."))
    return redirect("payment_detail", pk=pk)


@login_required
@require_POST
def payment_void(request, pk: int):
    payment = _payment(request, pk)
    if not _money_writer(request):
        raise PermissionDenied
    form = VoidForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the payment is voided."))
        return redirect("payment_detail", pk=pk)
    try:
        services.payment_void(
            actor=request.user, payment=payment, reason=form.cleaned_data["reason"]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Payment voided; its allocations were reversed."))
    return redirect("payment_detail", pk=pk)


def _aging_report(request):
    """The aging report the query asks for (page and export alike); defaults for what the
    query got wrong, each with a message."""
    as_of = _as_of(request)
    group_by = query_choice(
        request, "group_by", selectors.GROUPS, default="customer", label=_("Group by")
    )
    return selectors.aging_report(user=request.user, as_of=as_of, group_by=group_by)


@login_required
def aging(request):
    report = _aging_report(request)
    return render(
        request,
        "receivables/aging.html",
        {
            "report": report,
            "groups": GROUP_LABELS,
            "trend": selectors.aging_trend(user=request.user, end=report.as_of),
        },
    )


AGING_HEADERS = ["分组", "负责人", "未到期", "1-30天", "31-60天", "61-90天", "90天以上", "合计"]


@login_required
def aging_export(request):
    report = _aging_report(request)
    if bounce := export_or_page(request, reverse("aging")):
        return bounce
    as_of, group_by = report.as_of, report.group_by
    rows = [
        [row.name, row.owner, row.not_due, row.b1, row.b2, row.b3, row.b4, row.total]
        for row in report.rows
    ]
    totals = report.totals
    rows.append(
        ["合计", "", totals.not_due, totals.b1, totals.b2, totals.b3, totals.b4, totals.total]
    )
    content = build_workbook(
        title=f"账龄 {as_of}",
        headers=AGING_HEADERS,
        rows=rows,
        widths=[32, 12, 14, 14, 14, 14, 14, 16],
    )
    return _xlsx(content, f"aging-{group_by}-{as_of}.xlsx")


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _collection_items(request):
    as_of = _as_of(request)
    min_days = query_int(
        request, "min_days", default=1, label=_("Overdue at least"), low=1, high=36500
    )
    return (
        as_of,
        min_days,
        selectors.collection_list(user=request.user, as_of=as_of, min_days=min_days),
    )


@login_required
def collections(request):
    as_of, min_days, items = _collection_items(request)
    page = paginate(request, items, 50)
    return render(
        request,
        "receivables/collections.html",
        {
            "page_obj": page,
            "as_of": as_of,
            "min_days": min_days,
            "total": sum((i.balance for i in items), Decimal("0.00")),
        },
    )


COLLECTION_HEADERS = [
    "客户",
    "负责人",
    "联系人",
    "电话",
    "单据号",
    "到期日",
    "逾期天数",
    "未收金额",
    "催收级别",
    "最近跟进",
    "承诺日期",
]


@login_required
def collections_export(request):
    as_of, _min_days, items = _collection_items(request)
    if bounce := export_or_page(request, reverse("collections")):
        return bounce
    rows = [
        [
            i.receivable.customer.name,
            str(i.receivable.customer.owner or ""),
            i.contact_name,
            i.contact_phone,
            i.receivable.number,
            i.receivable.due_date,
            i.days_overdue,
            i.balance,
            i.level,
            i.last_followup,  # date cells, the datetime in Shanghai time (build_workbook)
            i.promised_date,
        ]
        for i in items
    ]
    content = build_workbook(
        title=f"催收清单 {as_of}",
        headers=COLLECTION_HEADERS,
        rows=rows,
        widths=[30, 10, 10, 16, 18, 12, 10, 14, 16, 17, 12],
    )
    return _xlsx(content, f"collections-{as_of}.xlsx")


@login_required
def kpis(request):
    today = timezone.localdate()
    year_start = today.replace(month=1, day=1)
    start = query_date(request, "start", default=year_start, label=_("Period start"))
    end = query_date(request, "end", default=today, label=_("Period end"))
    if start > end:
        messages.warning(
            request, _("The period must not start after it ends; the year to date is shown.")
        )
        start, end = year_start, today
    return render(
        request,
        "receivables/kpis.html",
        {"kpis": kpi_selectors.kpis(user=request.user, start=start, end=end)},
    )


@role_required(Role.MANAGER, Role.ADMIN)
def credit_hold_release(request, customer_pk: int):
    customer = get_object_or_404(Customer.objects.visible_to(request.user), pk=customer_pk)
    form = ReleaseHoldForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.credit_hold_release(actor=request.user, customer=customer, **form.cleaned_data)
        except ValidationError as exc:
            show_refusal(request, exc, form)
        except PermissionError as exc:
            raise PermissionDenied(str(exc)) from exc
        else:
            messages.success(request, _("Credit hold released."))
            return redirect(customer)
    return render(request, "receivables/release_hold.html", {"form": form, "customer": customer})
