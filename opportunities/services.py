"""Writes on the funnel: create, tick the checklist, move between stages through the gates,
lose and reopen, deal contacts, mark collected (level 6), and targets with approved changes."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import Contact, Customer, FollowUp
from customers.services.followups import followup_log
from opportunities.models import (
    COLLECTED_LEVEL,
    ChecklistItem,
    ChecklistTick,
    DealContact,
    DealFollowUp,
    FunnelStage,
    LostReason,
    Opportunity,
    SalesTarget,
    StageChange,
    TargetAdjustment,
)
from opportunities.selectors import period_bounds
from salesops.accounts.access import can_write, role_of
from salesops.accounts.models import User
from salesops.accounts.roles import Role
from salesops.core.errors import ServiceError

COMMITTED_LEVEL = 5


def _require_write(actor) -> None:
    if not can_write(actor):
        raise PermissionError(_("Your role may not change opportunities."))


def _locked(opportunity: Opportunity, actor=None) -> Opportunity:
    """The deal's row, locked. With an actor, only within their scope: the services enforce the
    same visible_to as the views, so no caller can change another rep's deal. (Scope is checked
    apart from the lock: PostgreSQL cannot lock through visible_to's outer joins.)"""
    if (
        actor is not None
        and not Opportunity.objects.visible_to(actor).filter(pk=opportunity.pk).exists()
    ):
        raise PermissionError(_("This deal is outside your scope."))
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
    _require_write(actor)
    now = now or timezone.now()
    if not Customer.objects.visible_to(actor).filter(pk=customer.pk).exists():
        raise PermissionError(_("You cannot add deals to this customer."))
    owner = owner or customer.owner or actor
    if owner != actor and role_of(actor) not in (Role.MANAGER, Role.ADMIN):
        raise ValidationError({"owner": _("Only a manager may give a deal to someone else.")})
    if (
        role_of(actor) is Role.MANAGER
        and not User.objects.visible_to(actor).filter(pk=owner.pk).exists()
    ):
        raise ValidationError({"owner": _("You cannot make this user the owner.")})
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
    return opportunity


@transaction.atomic
def opportunity_update(*, actor, opportunity: Opportunity, **fields) -> Opportunity:
    """Name, amount, expected close, source, description; not the stage (see opportunity_move)."""
    _require_write(actor)
    allowed = {"name", "amount", "expected_close", "source", "description"}
    if set(fields) - allowed:
        raise TypeError(f"unknown fields: {sorted(set(fields) - allowed)}")
    opportunity = _locked(opportunity, actor)
    if opportunity.status != Opportunity.Status.OPEN:
        # Won and lost figures are history: reopen a lost deal to change it.
        raise ValidationError(_("Only open deals can be edited."))
    for field, value in fields.items():
        setattr(opportunity, field, value)
    opportunity.full_clean()
    opportunity.save()
    return opportunity


@transaction.atomic
def opportunity_tick(
    *, actor, opportunity: Opportunity, item_ids: set[int], now: datetime | None = None
) -> Opportunity:
    """Make exactly `item_ids` the ticked checklist items of the deal."""
    _require_write(actor)
    opportunity = _locked(opportunity, actor)
    valid = set(
        ChecklistItem.objects.filter(pk__in=item_ids, active=True).values_list("pk", flat=True)
    )
    if valid != set(item_ids):
        raise ValidationError(_("Unknown checklist item."))
    current = set(opportunity.ticks.values_list("item_id", flat=True))
    opportunity.ticks.filter(item_id__in=current - valid).delete()
    ticked_at = now or timezone.now()
    ChecklistTick.objects.bulk_create(
        ChecklistTick(opportunity=opportunity, item_id=item, ticked_by=actor, ticked_at=ticked_at)
        for item in valid - current
    )
    return opportunity


def gate_problems(opportunity: Opportunity, to_level: int) -> list[str]:
    """What is missing to enter `to_level`: every checklist item of that level and the levels
    below it, and from level 2 on a primary contact and a decision maker on the deal."""
    ticked = set(opportunity.ticks.values_list("item_id", flat=True))
    problems = [
        _("Level %(level)s: %(item)s") % {"level": item.stage.level, "item": item.text}
        for item in ChecklistItem.objects.filter(active=True, stage__level__lte=to_level)
        .select_related("stage")
        .order_by("stage__level", "sort_order", "pk")
        if item.pk not in ticked
    ]
    if to_level >= 2:
        contacts = list(opportunity.deal_contacts.all())
        if not any(c.is_primary for c in contacts):
            problems.append(_("Level 2: mark the primary contact of the deal"))
        if not any(c.role == DealContact.Role.DECISION_MAKER for c in contacts):
            problems.append(_("Level 2: name the decision maker on the deal"))
    return problems


@transaction.atomic
def opportunity_move(
    *, actor, opportunity: Opportunity, to_level: int, note: str = "", now: datetime | None = None
) -> Opportunity:
    """Move an open deal to another level. Up: the gates of every level passed must be met.
    Back: allowed and recorded. Level 6 only through opportunity_mark_collected."""
    _require_write(actor)
    now = now or timezone.now()
    opportunity = _locked(opportunity, actor)
    if opportunity.status != Opportunity.Status.OPEN:
        raise ValidationError(_("Only open deals move; reopen a lost deal first."))
    if to_level == COLLECTED_LEVEL:
        raise ValidationError(
            _("Level 6 is reached only when the contract's receivables are fully collected.")
        )
    try:
        stage = FunnelStage.objects.get(level=to_level)
    except FunnelStage.DoesNotExist as exc:
        raise ValidationError(_("There is no level %(level)s.") % {"level": to_level}) from exc
    current = opportunity.stage.level
    if to_level == current:
        return opportunity
    if to_level > current:
        problems = gate_problems(opportunity, to_level)
        if problems:
            raise ValidationError(problems)
        kind = StageChange.Kind.ADVANCED
    else:
        kind = StageChange.Kind.MOVED_BACK
    opportunity.stage = stage
    opportunity.stage_entered_at = now
    if to_level >= COMMITTED_LEVEL and opportunity.committed_at is None:
        opportunity.committed_at = now
    opportunity.save()
    StageChange.objects.create(
        opportunity=opportunity,
        kind=kind,
        from_level=current,
        to_level=to_level,
        changed_at=now,
        changed_by=actor,
        note=note.strip(),
    )
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
    _require_write(actor)
    if reason is None:
        # The database refuses a lost deal without a reason; say so instead of an IntegrityError.
        raise ValidationError({"reason": _("Choose why the deal was lost.")})
    now = now or timezone.now()
    opportunity = _locked(opportunity, actor)
    if opportunity.status != Opportunity.Status.OPEN:
        raise ValidationError(_("Only an open deal can be lost."))
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
def opportunity_reopen(*, actor, opportunity: Opportunity, now: datetime | None = None):
    _require_write(actor)
    now = now or timezone.now()
    opportunity = _locked(opportunity, actor)
    if opportunity.status != Opportunity.Status.LOST:
        raise ValidationError(_("Only a lost deal can be reopened."))
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


@transaction.atomic
def opportunity_mark_collected(*, opportunity: Opportunity, now: datetime | None = None):
    """Level 6 (安全收回全款): called when the deal's receivables are fully collected. Only a
    committed (level 5) deal qualifies; calling it again changes nothing."""
    now = now or timezone.now()
    opportunity = _locked(opportunity)
    if opportunity.stage.level == COLLECTED_LEVEL:
        return opportunity
    if opportunity.status != Opportunity.Status.OPEN or opportunity.stage.level < COMMITTED_LEVEL:
        raise ValidationError(_("Only a committed deal (level 5) can be marked fully collected."))
    current = opportunity.stage.level
    opportunity.stage = FunnelStage.objects.get(level=COLLECTED_LEVEL)
    opportunity.status = Opportunity.Status.WON
    opportunity.stage_entered_at = opportunity.closed_at = now
    opportunity.save()
    StageChange.objects.create(
        opportunity=opportunity,
        kind=StageChange.Kind.COLLECTED,
        from_level=current,
        to_level=COLLECTED_LEVEL,
        changed_at=now,
    )
    return opportunity


@transaction.atomic
def opportunity_collection_reversed(*, opportunity: Opportunity, now: datetime | None = None):
    """A payment behind level 6 was voided: the deal is committed again (level 5, open)."""
    now = now or timezone.now()
    opportunity = _locked(opportunity)
    if opportunity.stage.level != COLLECTED_LEVEL:
        return opportunity
    opportunity.stage = FunnelStage.objects.get(level=COMMITTED_LEVEL)
    opportunity.status = Opportunity.Status.OPEN
    opportunity.closed_at = None
    opportunity.stage_entered_at = now
    opportunity.save()
    StageChange.objects.create(
        opportunity=opportunity,
        kind=StageChange.Kind.MOVED_BACK,
        from_level=COLLECTED_LEVEL,
        to_level=COMMITTED_LEVEL,
        changed_at=now,
        note=_("A payment was voided"),
    )
    return opportunity


@transaction.atomic
def deal_contact_set(
    *, actor, opportunity: Opportunity, contact: Contact, role: str, is_primary: bool = False
) -> DealContact:
    """Add or change a contact's role in the deal; marking one primary unmarks the others."""
    _require_write(actor)
    opportunity = _locked(opportunity, actor)
    if contact.customer_id != opportunity.customer_id:
        raise ValidationError({"contact": _("This person is a contact of another customer.")})
    if role not in DealContact.Role.values:
        raise ValidationError({"role": _("Choose a role.")})
    if is_primary:
        opportunity.deal_contacts.exclude(contact=contact).update(is_primary=False)
    deal_contact, _created = DealContact.objects.update_or_create(
        opportunity=opportunity, contact=contact, defaults={"role": role, "is_primary": is_primary}
    )
    return deal_contact


@transaction.atomic
def deal_contact_remove(*, actor, opportunity: Opportunity, contact: Contact) -> None:
    _require_write(actor)
    _locked(opportunity, actor).deal_contacts.filter(contact=contact).delete()


# --- Targets ----------------------------------------------------------------------------------

TARGET_FIELDS = ("sales_target", "margin_target", "collection_target")


def _require_manager_of(actor, owner: User) -> None:
    """An admin, or the manager of the team `owner` belongs to; a manager is not their own
    manager (their own targets are set and approved by an admin)."""
    role = role_of(actor)
    if role is Role.ADMIN:
        return
    if (
        role is not Role.MANAGER
        or owner.pk == actor.pk
        or not User.objects.visible_to(actor).filter(pk=owner.pk).exists()
    ):
        raise PermissionError(_("Only the rep's manager may do this."))


@transaction.atomic
def target_set(
    *,
    actor,
    owner: User,
    period: str,
    period_start: date,
    sales_target: Decimal,
    margin_target: Decimal = Decimal("0"),
    collection_target: Decimal = Decimal("0"),
) -> SalesTarget:
    """A manager sets a rep's targets for a period. Changing an existing one goes through
    target_adjustment_request so the reason and the approval are kept."""
    _require_manager_of(actor, owner)
    if SalesTarget.objects.filter(owner=owner, period=period, period_start=period_start).exists():
        raise ValidationError(_("This period already has targets; request an adjustment instead."))
    target = SalesTarget(
        owner=owner,
        period=period,
        period_start=period_start,
        sales_target=sales_target,
        margin_target=margin_target,
        collection_target=collection_target,
    )
    target.full_clean()
    if period_bounds(period, period_start)[0] != period_start:
        # The funnel looks targets up by the first day of the period; any other day is never found.
        raise ValidationError(
            {
                "period_start": _(
                    "A target period starts on the first day of its month, quarter or year."
                )
            }
        )
    target._history_user = actor  # simple_history: who set it
    target.save()
    return target


@transaction.atomic
def target_adjustment_request(
    *,
    actor,
    target: SalesTarget,
    field: str,
    new_value: Decimal,
    reason: str,
    now: datetime | None = None,
) -> TargetAdjustment:
    if field not in TARGET_FIELDS:
        raise ValidationError({"field": _("Choose a target to adjust.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the target should change.")})
    if actor != target.owner:
        _require_manager_of(actor, target.owner)
    adjustment = TargetAdjustment(
        target=target,
        field=field,
        old_value=getattr(target, field),
        new_value=new_value,
        reason=reason.strip(),
        requested_by=actor,
        requested_at=now or timezone.now(),
    )
    adjustment.full_clean()
    adjustment.save()
    return adjustment


@transaction.atomic
def target_adjustment_decide(
    *, actor, adjustment: TargetAdjustment, approve: bool, now: datetime | None = None
) -> TargetAdjustment:
    """The rep's manager approves (the target changes) or rejects; nobody approves their own."""
    adjustment = (
        TargetAdjustment.objects.select_for_update().select_related("target").get(pk=adjustment.pk)
    )
    _require_manager_of(actor, adjustment.target.owner)
    if adjustment.requested_by_id == actor.pk:
        raise PermissionError(_("Somebody else must approve your own request."))
    if adjustment.state != TargetAdjustment.State.PENDING:
        raise ValidationError(_("This request was already decided."))
    adjustment.state = (
        TargetAdjustment.State.APPROVED if approve else TargetAdjustment.State.REJECTED
    )
    adjustment.decided_by, adjustment.decided_at = actor, now or timezone.now()
    adjustment.save()
    if approve:
        target = SalesTarget.objects.select_for_update().get(pk=adjustment.target_id)
        setattr(target, adjustment.field, adjustment.new_value)
        target._history_user = actor  # simple_history: the approver made the change
        target.save()
    return adjustment


# --- Follow-ups about a deal --------------------------------------------------------------------


@transaction.atomic
def deal_followup_log(
    *, actor, customer: Customer, opportunity: Opportunity, **followup: Any
) -> FollowUp:
    """Log a follow-up about one of the customer's deals: customers writes the follow-up (and moves
    the cadence) and this app links it to the deal, in one transaction."""
    if opportunity.customer_id != customer.pk:
        raise ServiceError(_("This opportunity belongs to another customer."), field="opportunity")
    logged = followup_log(actor=actor, customer=customer, **followup)
    DealFollowUp.objects.create(followup=logged, opportunity=opportunity)
    return logged


# --- Deals follow their customer ----------------------------------------------------------------


@transaction.atomic
def opportunities_hand_over(
    *, customer: Customer, to_owner: User, actor=None, now: datetime | None = None
) -> int:
    """The new owner of a customer also owns its open deals from now on (won and lost deals stay
    credited to whoever worked them). One UPDATE, and a history row for each deal moved."""
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
