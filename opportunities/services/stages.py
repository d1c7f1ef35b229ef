"""Moves through the funnel: tick the checklist, pass the gates up or move back, and level 6
(fully collected) set and undone by collection."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from opportunities.models import (
    COLLECTED_LEVEL,
    COMMITTED_LEVEL,
    ChecklistItem,
    ChecklistTick,
    DealContact,
    FunnelStage,
    Opportunity,
    StageChange,
)
from opportunities.services.deals import locked_in_scope, require_write
from opportunities.services.stays import opportunity_stays_refresh
from salesops.core.errors import ServiceError


@transaction.atomic
def opportunity_tick(
    *, actor, opportunity: Opportunity, item_ids: set[int], now: datetime | None = None
) -> Opportunity:
    """Make exactly `item_ids` the ticked checklist items of the deal."""
    require_write(actor)
    opportunity = locked_in_scope(opportunity, actor)
    valid = set(
        ChecklistItem.objects.filter(pk__in=item_ids, active=True).values_list("pk", flat=True)
    )
    if valid != set(item_ids):
        raise ServiceError(_("Unknown checklist item."))
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
    require_write(actor)
    now = now or timezone.now()
    opportunity = locked_in_scope(opportunity, actor)
    if not opportunity.is_open:
        raise ServiceError(_("Only open deals move; reopen a lost deal first."))
    if to_level == COLLECTED_LEVEL:
        raise ServiceError(
            _("Level 6 is reached only when the contract's receivables are fully collected.")
        )
    try:
        stage = FunnelStage.objects.get(level=to_level)
    except FunnelStage.DoesNotExist as exc:
        raise ServiceError(_("There is no level %(level)s.") % {"level": to_level}) from exc
    current = opportunity.stage.level
    if to_level == current:
        return opportunity
    if to_level > current:
        problems = gate_problems(opportunity, to_level)
        if problems:
            raise ServiceError(problems)
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
    opportunity_stays_refresh(opportunity=opportunity)
    return opportunity


@transaction.atomic
def opportunity_mark_collected(
    *, opportunity: Opportunity, now: datetime | None = None
) -> Opportunity:
    """Level 6 (安全收回全款): called when the deal's receivables are fully collected. Only a
    committed (level 5) deal qualifies; calling it again changes nothing."""
    now = now or timezone.now()
    opportunity = locked_in_scope(opportunity)
    if opportunity.stage.level == COLLECTED_LEVEL:
        return opportunity
    if not opportunity.is_open or opportunity.stage.level < COMMITTED_LEVEL:
        raise ServiceError(_("Only a committed deal (level 5) can be marked fully collected."))
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
    opportunity_stays_refresh(opportunity=opportunity)
    return opportunity


@transaction.atomic
def opportunity_collection_reversed(
    *, opportunity: Opportunity, now: datetime | None = None
) -> Opportunity:
    """A payment behind level 6 was voided: the deal is committed again (level 5, open)."""
    now = now or timezone.now()
    opportunity = locked_in_scope(opportunity)
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
    opportunity_stays_refresh(opportunity=opportunity)
    return opportunity
