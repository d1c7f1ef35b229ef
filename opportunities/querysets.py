"""Named filters on opportunities, stage history, targets and their adjustments."""

from django.db.models import Q

from salesops.accounts.access import VisibleToQuerySet

COMMITTED_LEVEL = 5  # 已承诺: contract signed; first reaching it counts toward the target
COLLECTED_LEVEL = 6  # 安全收回全款: reached only through opportunity_mark_collected


class OpportunityQuerySet(VisibleToQuerySet):
    # A deal hangs off its customer: whoever owns the customer sees its deals, so a customer
    # that changes hands (or goes to the pool) takes its deals out of the old owner's sight.
    owner_path = "customer__owner"

    def open(self):
        return self.filter(status="open")

    def won(self):
        return self.filter(status="won")

    def lost(self):
        return self.filter(status="lost")

    def not_lost(self):
        """Open and won: what still counts as committed once it reached level 5."""
        return self.exclude(status="lost")

    def open_or_won_since(self, since):
        """The board's cards: open deals, and those won (collected) at or after `since`."""
        return self.filter(Q(status="open") | Q(status="won", closed_at__gte=since))

    def with_status(self, status: str):
        """One of Opportunity.Status, chosen on a page (the list's status filter)."""
        return self.filter(status=status)

    def at_level(self, level: int):
        return self.filter(stage__level=level)

    def below_level(self, level: int):
        return self.filter(stage__level__lt=level)

    def from_level(self, level: int):
        return self.filter(stage__level__gte=level)

    def awaiting_collection(self):
        """Committed and still open: the money collected on its receivables takes it to level 6."""
        return self.open().filter(stage__level=COMMITTED_LEVEL)

    def collected(self):
        return self.filter(stage__level=COLLECTED_LEVEL)


class StageChangeQuerySet(VisibleToQuerySet):
    owner_path = "opportunity__customer__owner"


class TargetQuerySet(VisibleToQuerySet):
    owner_path = "owner"


class TargetAdjustmentQuerySet(VisibleToQuerySet):
    owner_path = "target__owner"

    def pending(self):
        return self.filter(state="pending")
