"""Deal pages: list, board, create and edit, detail (checklist, contacts, moves, lose and
reopen). Views parse, check access, call a selector or service, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST
from django_htmx.http import retarget, trigger_client_event

from customers.selectors import customer_get
from opportunities.forms import DealContactForm, LoseForm, MoveForm, OpportunityForm
from opportunities.models import COLLECTED_LEVEL, COMMITTED_LEVEL, Opportunity
from opportunities.selectors import deals as selectors
from opportunities.services import contacts, deals, stages
from orders.selectors.contracts import contracts_of
from salesops.accounts.access import can_write
from salesops.core.http import (
    paginate_keys,
    query_choice,
    query_int,
    query_text,
    show_refusal,
    warn_bad_param,
)
from salesops.core.http import posted as _posted


@login_required
def opportunity_list(request):
    status = query_choice(
        request,
        "status",
        Opportunity.Status.values,
        default=Opportunity.Status.OPEN,
        label=_("Status"),
    )
    level = query_int(
        request,
        "level",
        default=None,
        label=pgettext("funnel", "Level"),
        low=1,
        high=COLLECTED_LEVEL,
    )
    deals_found, totals = selectors.opportunity_search(
        user=request.user, status=status, level=level, q=query_text(request)
    )
    return render(
        request,
        "opportunities/opportunity_list.html",
        {
            "page_obj": paginate_keys(request, deals_found, 25),
            "status": status,
            "stages": selectors.stages(),
            "totals": totals,
            "statuses": Opportunity.Status.choices,
            "can_create": can_write(request.user),
        },
    )


@login_required
def opportunity_board(request):
    raw = request.GET.get("owner", "").strip()
    owner = selectors.owner_choice(user=request.user, username=raw)
    if raw and owner is None:
        warn_bad_param(request, _("Sales rep"), raw)
    return render(
        request,
        "opportunities/board.html",
        {
            "columns": selectors.board(user=request.user, owner=owner),
            "owner": owner,
            "can_move": can_write(request.user),
        },
    )


@login_required
def opportunity_create(request):
    if not can_write(request.user):
        raise PermissionDenied
    raw = request.GET.get("customer", "")
    if not raw.isdigit():
        return HttpResponseBadRequest(_("Open this page from a customer (customer=<id>)."))
    customer = customer_get(user=request.user, pk=int(raw))
    form = OpportunityForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            opportunity = deals.opportunity_create(
                actor=request.user, customer=customer, **form.cleaned_data
            )
        except ValidationError as exc:
            show_refusal(request, exc, form)
        else:
            messages.success(request, _("Opportunity created at level 1."))
            return redirect(opportunity)
    return render(
        request, "opportunities/opportunity_form.html", {"form": form, "customer": customer}
    )


@login_required
def opportunity_edit(request, pk: int):
    opportunity = selectors.opportunity_get(user=request.user, pk=pk)
    if not can_write(request.user):
        raise PermissionDenied
    form = OpportunityForm(_posted(request), instance=opportunity)
    if request.method == "POST" and form.is_valid():
        try:
            deals.opportunity_update(
                actor=request.user,
                opportunity=opportunity,
                **{name: form.cleaned_data[name] for name in form.changed_data},
            )
        except ValidationError as exc:
            show_refusal(request, exc, form)
        else:
            return redirect(opportunity)
    return render(
        request,
        "opportunities/opportunity_form.html",
        {"form": form, "customer": opportunity.customer, "opportunity": opportunity},
    )


def _detail_context(request, opportunity, **extra):
    return {
        "opportunity": opportunity,
        "checklist": selectors.checklist_by_level(opportunity),
        "deal_contacts": selectors.deal_contacts(opportunity=opportunity),
        "timeline": selectors.timeline(opportunity=opportunity),
        "move_form": MoveForm(
            stages=selectors.stages(),
            initial={"to_level": min(opportunity.stage.level + 1, COMMITTED_LEVEL)},
        ),
        "lose_form": LoseForm(),
        "contact_form": DealContactForm(customer=opportunity.customer),
        "can_edit": can_write(request.user),
        "contracts": contracts_of(user=request.user, opportunity=opportunity)[:10],
        **extra,
    }


@login_required
def opportunity_detail(request, pk: int):
    opportunity = selectors.opportunity_get(user=request.user, pk=pk)
    return render(
        request, "opportunities/opportunity_detail.html", _detail_context(request, opportunity)
    )


def _writable(request, pk: int) -> Opportunity:
    opportunity = selectors.opportunity_get(user=request.user, pk=pk)
    if not can_write(request.user):
        raise PermissionDenied
    return opportunity


@login_required
@require_POST
def opportunity_move(request, pk: int):
    """Board and detail page. On htmx: success re-renders the board; a closed gate answers with
    the checklist dialog so the rep can tick what is done and retry."""
    opportunity = _writable(request, pk)
    try:
        to_level = int(request.POST.get("to_level", ""))
    except ValueError:
        to_level = 0
    try:
        stages.opportunity_move(
            actor=request.user,
            opportunity=opportunity,
            to_level=to_level,
            note=request.POST.get("note", ""),
        )
    except ValidationError as exc:
        if request.htmx:
            response = render(
                request,
                "opportunities/_gate_dialog.html",
                {
                    "opportunity": opportunity,
                    "to_level": to_level,
                    "problems": exc.messages,
                    "checklist": selectors.checklist_by_level(opportunity),
                    "board_owner": request.POST.get("owner", ""),
                },
            )
            return retarget(response, "#dialog-slot")
        show_refusal(request, exc)
        return redirect(opportunity)
    if request.htmx and request.POST.get("from") == "board":
        opportunity.refresh_from_db()
        # The board the move came from: narrowed to one owner if it was.
        owner = selectors.owner_choice(user=request.user, username=request.POST.get("owner", ""))
        response = render(
            request,
            "opportunities/_board.html",
            {
                "columns": selectors.board(user=request.user, owner=owner),
                "owner": owner,
                "can_move": True,
            },
        )
        # After the swap, the page announces the move and scrolls the card into view: on a
        # phone the column it went to is usually off screen.
        return trigger_client_event(
            response,
            "deal-moved",
            {
                "id": opportunity.pk,
                "message": _("Moved to %(stage)s.")
                % {"stage": f"L{opportunity.stage.level} {opportunity.stage.name}"},
            },
            after="settle",
        )
    messages.success(request, _("Moved."))
    return redirect(opportunity)


@login_required
@require_POST
def opportunity_checklist(request, pk: int):
    opportunity = _writable(request, pk)
    ids = {int(v) for v in request.POST.getlist("items") if v.isdigit()}
    try:
        stages.opportunity_tick(actor=request.user, opportunity=opportunity, item_ids=ids)
    except ValidationError as exc:
        show_refusal(request, exc)
        return redirect(opportunity)
    if request.POST.get("then_move"):
        return opportunity_move(request, pk)
    messages.success(request, _("Checklist saved."))
    return redirect(opportunity)


@login_required
@require_POST
def opportunity_lose(request, pk: int):
    opportunity = _writable(request, pk)
    form = LoseForm(request.POST)
    if form.is_valid():
        try:
            deals.opportunity_mark_lost(
                actor=request.user, opportunity=opportunity, **form.cleaned_data
            )
        except ValidationError as exc:
            show_refusal(request, exc)
        else:
            messages.success(request, _("Marked as lost."))
            return redirect(opportunity)
    else:
        messages.error(request, _("Choose the reason the deal was lost."))
    return redirect(opportunity)


@login_required
@require_POST
def opportunity_reopen(request, pk: int):
    opportunity = _writable(request, pk)
    try:
        deals.opportunity_reopen(actor=request.user, opportunity=opportunity)
    except ValidationError as exc:
        show_refusal(request, exc)
    return redirect(opportunity)


@login_required
@require_POST
def deal_contact_add(request, pk: int):
    opportunity = _writable(request, pk)
    form = DealContactForm(request.POST, customer=opportunity.customer)
    if form.is_valid():
        try:
            contacts.deal_contact_set(
                actor=request.user, opportunity=opportunity, **form.cleaned_data
            )
        except ValidationError as exc:
            show_refusal(request, exc)
    else:
        messages.error(request, _("Choose a contact and a role."))
    return redirect(opportunity)


@login_required
@require_POST
def deal_contact_remove(request, pk: int, contact_pk: int):
    opportunity = _writable(request, pk)
    contact = selectors.deal_contact_person(opportunity=opportunity, pk=contact_pk)
    contacts.deal_contact_remove(actor=request.user, opportunity=opportunity, contact=contact)
    return redirect(opportunity)
