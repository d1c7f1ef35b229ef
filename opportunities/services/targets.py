"""Sales targets (销售任务书): set by the rep's manager for a period, changed only through an
adjustment request that the rep's manager approves (never the requester)."""

from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from opportunities.models import SalesTarget, TargetAdjustment
from opportunities.rules.periods import period_bounds
from salesops.accounts.access import role_of
from salesops.accounts.models import User
from salesops.accounts.roles import Role
from salesops.core.errors import NotPermitted, ServiceError

# The three figures of a target; an adjustment changes one of them.
TARGET_FIELDS = ("sales_target", "margin_target", "collection_target")
# What target_set is given: whose target, which period, and the figures (the page's form and
# admin's add form ask for exactly these).
TARGET_SET_FIELDS = ("owner", "period", "period_start", *TARGET_FIELDS)


def require_manager_of(actor, owner: User) -> None:
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
        raise NotPermitted(_("Only the rep's manager may do this."))


def target_check(
    *,
    actor,
    owner: User,
    period: str,
    period_start: date,
    sales_target: Decimal,
    margin_target: Decimal = Decimal("0"),
    collection_target: Decimal = Decimal("0"),
) -> SalesTarget:
    """The new target, checked and not saved: what target_set refuses, this refuses the same
    way (admin's add form asks it before saving through target_set)."""
    require_manager_of(actor, owner)
    if SalesTarget.objects.filter(owner=owner, period=period, period_start=period_start).exists():
        raise ServiceError(_("This period already has targets; request an adjustment instead."))
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
        raise ServiceError(
            _("A target period starts on the first day of its month, quarter or year."),
            field="period_start",
        )
    return target


@transaction.atomic
def target_set(*, actor, **fields) -> SalesTarget:
    """A manager sets a rep's targets for a period (fields as target_check's). Changing an
    existing one goes through target_adjustment_request so the reason and the approval are kept."""
    target = target_check(actor=actor, **fields)
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
        raise ServiceError(_("Choose a target to adjust."), field="field")
    if not reason.strip():
        raise ServiceError(_("Say why the target should change."), field="reason")
    if actor != target.owner:
        require_manager_of(actor, target.owner)
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
    require_manager_of(actor, adjustment.target.owner)
    if adjustment.requested_by_id == actor.pk:
        raise NotPermitted(_("Somebody else must approve your own request."))
    if adjustment.state != TargetAdjustment.State.PENDING:
        raise ServiceError(_("This request was already decided."))
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
