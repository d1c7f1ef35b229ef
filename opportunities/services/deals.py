"""Writes on a deal itself: create, edit, lose and reopen; and the scope and role checks every
opportunities service starts with."""

from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import Customer
from opportunities.models import FunnelStage, LostReason, Opportunity, StageChange
from opportunities.services.stays import opportunity_stays_refresh
from salesops.accounts.access import can_manage, can_write, role_of
from salesops.accounts.models import User
from salesops.accounts.roles import Role
from salesops.core.errors import NotPermitted, ServiceError

# What a person may change on an open deal, on the page and in admin alike; the stage, status
# and owner change only through their own services.
OPPORTUNITY_FIELDS = ("name", "amount", "expected_close", "source", "description")


def require_write(actor) -> None:
    if not can_write(actor):
        raise NotPermitted(_("Your role may not change opportunities."))


def locked_in_scope(opportunity: Opportunity, actor=None) -> Opportunity:
    """The deal's row, locked. With an actor, only within their scope: the services enforce the
    same visible_to as the views, so no caller can change another rep's deal. (Scope is checked
    apart from the lock: PostgreSQL cannot lock through visible_to's outer joins.)"""
    if (
        actor is not None
        and not Opportunity.objects.visible_to(actor).filter(pk=opportunity.pk).exists()
    ):
        raise NotPermitted(_("This deal is outside your scope."))
    return Opportunity.objects.select_for_update().select_related("stage").get(pk=opportunity.pk)


@transaction.atomic
def opportunity_create(
    *,
    actor,
    customer: Customer,
    name: str,
    amount: Decimal,
    expected_close: date,
    source: str = "",
    description: str = "",
    owner: User | None = None,
    now: datetime | None = None,
) -> Opportunity:
    """A new deal at level 1 (确定 identified), owned by the customer's owner unless given."""
    require_write(actor)
    now = now or timezone.now()
    if not Customer.objects.visible_to(actor).filter(pk=customer.pk).exists():
        raise NotPermitted(_("You cannot add deals to this customer."))
    owner = owner or customer.owner or actor
    if owner != actor and not can_manage(actor):
        raise ServiceError(_("Only a manager may give a deal to someone else."), field="owner")
    if (
        role_of(actor) is Role.MANAGER
        and not User.objects.visible_to(actor).filter(pk=owner.pk).exists()
    ):
        raise ServiceError(_("You cannot make this user the owner."), field="owner")
    opportunity = Opportunity(
        customer=customer,
        name=name.strip(),
        amount=amount,
        expected_close=expected_close,
        owner=owner,
        stage=FunnelStage.objects.get(level=1),
        source=source,
        description=description,
        stage_entered_at=now,
        created_at=now,
    )
    opportunity.full_clean()
    opportunity.save()
    StageChange.objects.create(
        opportunity=opportunity,
        kind=StageChange.Kind.CREATED,
        to_level=1,
        changed_at=now,
        changed_by=actor,
    )
    opportunity_stays_refresh(opportunity=opportunity)
    return opportunity


def refuse_closed(opportunity: Opportunity) -> None:
    """Won and lost figures are history: reopen a lost deal to change it."""
    if not opportunity.is_open:
        raise ServiceError(_("Only open deals can be edited."))


@transaction.atomic
def opportunity_update(*, actor, opportunity: Opportunity, **fields) -> Opportunity:
    """Name, amount, expected close, source, description; not the stage (see opportunity_move)."""
    require_write(actor)
    if set(fields) - set(OPPORTUNITY_FIELDS):
        raise TypeError(f"unknown fields: {sorted(set(fields) - set(OPPORTUNITY_FIELDS))}")
    opportunity = locked_in_scope(opportunity, actor)
    refuse_closed(opportunity)
    for field, value in fields.items():
        setattr(opportunity, field, value)
    opportunity.full_clean()
    opportunity.save()
    return opportunity


@transaction.atomic
def opportunity_mark_lost(
    *,
    actor,
    opportunity: Opportunity,
    reason: LostReason,
    competitor: str = "",
    note: str = "",
    now: datetime | None = None,
) -> Opportunity:
    require_write(actor)
    if reason is None:
        # The database refuses a lost deal without a reason; say so instead of an IntegrityError.
        raise ServiceError(_("Choose why the deal was lost."), field="reason")
    now = now or timezone.now()
    opportunity = locked_in_scope(opportunity, actor)
    if not opportunity.is_open:
        raise ServiceError(_("Only an open deal can be lost."))
    opportunity.status = Opportunity.Status.LOST
    opportunity.lost_reason, opportunity.competitor = reason, competitor.strip()
    opportunity.lost_note, opportunity.closed_at = note.strip(), now
    opportunity.save()
    level = opportunity.stage.level
    StageChange.objects.create(
        opportunity=opportunity,
        kind=StageChange.Kind.LOST,
        from_level=level,
        to_level=level,
        changed_at=now,
        changed_by=actor,
        note=reason.name,  # str() would depend on the actor's language; history must not
    )
    return opportunity


@transaction.atomic
def opportunity_reopen(
    *, actor, opportunity: Opportunity, now: datetime | None = None
) -> Opportunity:
    require_write(actor)
    now = now or timezone.now()
    opportunity = locked_in_scope(opportunity, actor)
    if not opportunity.is_lost:
        raise ServiceError(_("Only a lost deal can be reopened."))
    opportunity.status = Opportunity.Status.OPEN
    opportunity.lost_reason, opportunity.competitor, opportunity.lost_note = None, "", ""
    opportunity.closed_at, opportunity.stage_entered_at = None, now
    opportunity.save()
    level = opportunity.stage.level
    StageChange.objects.create(
        opportunity=opportunity,
        kind=StageChange.Kind.REOPENED,
        from_level=level,
        to_level=level,
        changed_at=now,
        changed_by=actor,
    )
    return opportunity


# --- Deals follow their customer ----------------------------------------------------------------


@transaction.atomic
def opportunities_hand_over(
    *, customer: Customer, to_owner: User, actor=None, now: datetime | None = None
) -> int:
    """The new owner of a customer also owns its open deals from now on (won and lost deals stay
    credited to whoever worked them). One UPDATE, and a history row for each deal moved.

    It runs after the reassignment committed, so it decides again on the locked customer row:
    when the customer has changed hands once more meanwhile, that later change announces its own
    hand-over and this one does nothing (two hand-overs running out of order cannot leave the
    deals with the earlier owner)."""
    current_owner = (
        Customer.objects.select_for_update().values_list("owner_id", flat=True).get(pk=customer.pk)
    )
    if current_owner != to_owner.pk:
        return 0
    deals = list(
        Opportunity.objects.select_for_update()
        .filter(customer=customer)
        .open()
        .exclude(owner=to_owner)
        .order_by("pk")
    )
    if not deals:
        return 0
    Opportunity.objects.filter(pk__in=[deal.pk for deal in deals]).update(owner=to_owner)
    for deal in deals:
        deal.owner = to_owner
    Opportunity.history.bulk_history_create(
        deals,
        update=True,
        default_user=actor,  # else the request's user, as a save() would record
        default_change_reason=None,
        default_date=now or timezone.now(),
    )
    return len(deals)
