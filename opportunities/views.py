"""Opportunity pages: list, board, detail (checklist, contacts, moves), dashboard, review,
targets. Views parse, check access, call a selector or service, render."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST
from django_htmx.http import retarget, trigger_client_event

from customers.selectors import customer_get
from opportunities import selectors, services
from opportunities.forms import (
    AdjustmentForm,
    DealContactForm,
    LoseForm,
    MoveForm,
    OpportunityForm,
    TargetForm,
)
from opportunities.models import Opportunity, SalesTarget, TargetAdjustment
from salesops.accounts.access import can_write, role_of
from salesops.accounts.decorators import role_required
from salesops.accounts.models import Team, User
from salesops.accounts.roles import Role
from salesops.core.http import paginate, query_choice, query_date, query_int, warn_bad_param
from salesops.core.http import posted as _posted
from salesops.core.models import Region


def _errors(exc: ValidationError) -> list[str]:
    return exc.messages


def _as_of(request) -> date:
    return query_date(request, "as_of", default=timezone.localdate(), label=_("As of"))


@login_required
def opportunity_list(request):
    qs = selectors.opportunity_list(user=request.user)
    status = query_choice(
        request, "status", Opportunity.Status.values, default="open", label=_("Status")
    )
    qs = qs.filter(status=status)
    level = query_int(
        request, "level", default=None, label=pgettext("funnel", "Level"), low=1, high=6
    )
    if level is not None:
        qs = qs.filter(stage__level=level)
    if request.GET.get("q"):
        qs = qs.filter(name__icontains=request.GET["q"]) | qs.filter(
            customer__name__icontains=request.GET["q"]
        )
    totals = qs.aggregate(amount=Sum("amount"))
    page = paginate(request, qs.order_by("-stage__level", "expected_close", "pk"), 25)
    return render(
        request,
        "opportunities/opportunity_list.html",
        {
            "page_obj": page,
            "status": status,
            "stages": selectors.stages(),
            "totals": totals,
            "statuses": Opportunity.Status.choices,
            "can_create": can_write(request.user),
        },
    )


@login_required
def opportunity_board(request):
    owner = None
    if raw := request.GET.get("owner", "").strip():
        owner = User.objects.visible_to(request.user).filter(username=raw).first()
        if owner is None:
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
            opportunity = services.opportunity_create(
                actor=request.user, customer=customer, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, _errors(exc))
        except PermissionError as exc:
            raise PermissionDenied(str(exc)) from exc
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
            services.opportunity_update(
                actor=request.user,
                opportunity=opportunity,
                **{name: form.cleaned_data[name] for name in form.changed_data},
            )
        except ValidationError as exc:
            form.add_error(None, _errors(exc))
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
        "deal_contacts": opportunity.deal_contacts.select_related("contact"),
        "timeline": selectors.timeline(opportunity=opportunity),
        "move_form": MoveForm(
            stages=selectors.stages(), initial={"to_level": min(opportunity.stage.level + 1, 5)}
        ),
        "lose_form": LoseForm(),
        "contact_form": DealContactForm(customer=opportunity.customer),
        "can_edit": can_write(request.user),
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
        services.opportunity_move(
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
                    "problems": _errors(exc),
                    "checklist": selectors.checklist_by_level(opportunity),
                    "board_owner": request.POST.get("owner", ""),
                },
            )
            return retarget(response, "#dialog-slot")
        for problem in _errors(exc):
            messages.error(request, problem)
        return redirect(opportunity)
    if request.htmx and request.POST.get("from") == "board":
        opportunity.refresh_from_db()
        # The board the move came from: narrowed to one owner if it was.
        owner = (
            User.objects.visible_to(request.user)
            .filter(username=request.POST.get("owner", ""))
            .first()
        )
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
        services.opportunity_tick(actor=request.user, opportunity=opportunity, item_ids=ids)
    except ValidationError as exc:
        messages.error(request, " ".join(_errors(exc)))
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
            services.opportunity_mark_lost(
                actor=request.user, opportunity=opportunity, **form.cleaned_data
            )
        except ValidationError as exc:
            messages.error(request, " ".join(_errors(exc)))
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
        services.opportunity_reopen(actor=request.user, opportunity=opportunity)
    except ValidationError as exc:
        messages.error(request, " ".join(_errors(exc)))
    return redirect(opportunity)


@login_required
@require_POST
def deal_contact_add(request, pk: int):
    opportunity = _writable(request, pk)
    form = DealContactForm(request.POST, customer=opportunity.customer)
    if form.is_valid():
        try:
            services.deal_contact_set(
                actor=request.user, opportunity=opportunity, **form.cleaned_data
            )
        except ValidationError as exc:
            messages.error(request, " ".join(_errors(exc)))
    else:
        messages.error(request, _("Choose a contact and a role."))
    return redirect(opportunity)


@login_required
@require_POST
def deal_contact_remove(request, pk: int, contact_pk: int):
    opportunity = _writable(request, pk)
    contact = get_object_or_404(opportunity.customer.contacts, pk=contact_pk)
    services.deal_contact_remove(actor=request.user, opportunity=opportunity, contact=contact)
    return redirect(opportunity)


def _dashboard_filter(request, *, teams):
    """owner=<username>, team=<id>, region=<name>: each optional, each inside visible_to; one
    that names nobody the user may choose is dropped, with a message."""
    owner, team, region = (
        request.GET.get(name, "").strip() for name in ("owner", "team", "region")
    )
    if owner and not User.objects.visible_to(request.user).filter(username=owner).exists():
        warn_bad_param(request, _("Sales rep"), owner)
        owner = ""
    if team and not (team.isdigit() and teams.filter(pk=int(team)).exists()):
        warn_bad_param(request, _("Team"), team)
        team = ""
    if region and not Region.objects.filter(name=region).exists():
        warn_bad_param(request, _("Region"), region)
        region = ""

    def narrow(qs):
        if owner:
            qs = qs.filter(owner__username=owner)
        if team:
            qs = qs.filter(owner__team_id=int(team))
        if region:
            qs = qs.filter(customer__region__name=region)
        return qs

    return narrow, {"owner": owner, "team": team, "region": region}


@login_required
def funnel_dashboard(request):
    people = User.objects.visible_to(request.user).filter(opportunities__isnull=False).distinct()
    teams = (
        Team.objects.all()
        if role_of(request.user) in (Role.ADMIN, Role.FINANCE)
        else Team.objects.filter(manager=request.user)
    )
    narrow, chosen = _dashboard_filter(request, teams=teams)
    period = query_choice(
        request, "period", ("month", "quarter", "year"), default="quarter", label=_("Period")
    )
    data = selectors.funnel(
        user=request.user, owners_qs=narrow, as_of=_as_of(request), period=period
    )
    return render(
        request,
        "opportunities/funnel.html",
        {
            "funnel": data,
            "chosen": chosen,
            "people": people.order_by("username"),
            "teams": teams,
            "regions": Region.objects.all(),
            "period": period,
        },
    )


@login_required
def business_review(request, username: str):
    rep = User.objects.visible_to(request.user).filter(username=username).first()
    if rep is None:
        raise Http404
    return render(
        request,
        "opportunities/review.html",
        {"rep": rep, **selectors.review(user=request.user, rep=rep, as_of=_as_of(request))},
    )


@login_required
def target_list(request):
    year = query_int(
        request, "year", default=timezone.localdate().year, label=_("Year"), low=2000, high=2100
    )
    targets = (
        SalesTarget.objects.visible_to(request.user)
        .filter(period_start__year=year)
        .select_related("owner")
        .order_by("owner__username", "period_start", "period")
    )
    pending = TargetAdjustment.objects.filter(
        target__in=targets, state=TargetAdjustment.State.PENDING
    ).select_related("target__owner", "requested_by")
    is_manager = role_of(request.user) in (Role.MANAGER, Role.ADMIN)
    return render(
        request,
        "opportunities/targets.html",
        {
            "targets": targets,
            "pending": pending,
            "year": year,
            "is_manager": is_manager,
            "adjust_form": AdjustmentForm(),
        },
    )


@role_required(Role.MANAGER, Role.ADMIN)
def target_create(request):
    owners = (
        User.objects.visible_to(request.user).filter(groups__name__in=["rep", "manager"]).distinct()
    )
    if role_of(request.user) is not Role.ADMIN:
        owners = owners.exclude(pk=request.user.pk)  # a manager's own targets are set above them
    form = TargetForm(_posted(request), owners=owners)
    if request.method == "POST" and form.is_valid():
        try:
            services.target_set(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, _errors(exc))
        except PermissionError as exc:
            raise PermissionDenied(str(exc)) from exc
        else:
            messages.success(request, _("Targets saved."))
            return redirect("target_list")
    return render(request, "opportunities/target_form.html", {"form": form})


@login_required
@require_POST
def target_adjust(request, pk: int):
    target = get_object_or_404(SalesTarget.objects.visible_to(request.user), pk=pk)
    form = AdjustmentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the target, the new value and a reason."))
        return redirect("target_list")
    try:
        services.target_adjustment_request(actor=request.user, target=target, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, " ".join(_errors(exc)))
    except PermissionError as exc:
        raise PermissionDenied(str(exc)) from exc
    else:
        messages.success(request, _("Adjustment requested; the manager will decide."))
    return redirect("target_list")


@role_required(Role.MANAGER, Role.ADMIN)
@require_POST
def target_decide(request, pk: int):
    adjustment = get_object_or_404(
        TargetAdjustment.objects.filter(target__in=SalesTarget.objects.visible_to(request.user)),
        pk=pk,
    )
    try:
        services.target_adjustment_decide(
            actor=request.user, adjustment=adjustment, approve=request.POST.get("approve") == "1"
        )
    except ValidationError as exc:
        messages.error(request, " ".join(_errors(exc)))
    except PermissionError as exc:
        raise PermissionDenied(str(exc)) from exc
    return redirect("target_list")
