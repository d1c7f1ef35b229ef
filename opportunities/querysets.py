"""Named filters on opportunities, stage history and targets."""

from salesops.accounts.access import VisibleToQuerySet

COMMITTED_LEVEL = 5  # 签订合同: counts toward the target from here
COLLECTED_LEVEL = 6  # 安全收回全款: reached only through opportunity_mark_collected


class OpportunityQuerySet(VisibleToQuerySet):
    # A deal hangs off its customer: whoever owns the customer sees its deals, so a customer
    # that changes hands (or goes to the pool) takes its deals out of the old owner's sight.
    owner_path = "customer__owner"

    def open(self):
        return self.filter(status="open")

    def lost(self):
        return self.filter(status="lost")

    def awaiting_collection(self):
        """Committed and still open: the money collected on its receivables takes it to level 6."""
        return self.open().filter(stage__level=COMMITTED_LEVEL)

    def collected(self):
        return self.filter(stage__level=COLLECTED_LEVEL)


class StageChangeQuerySet(VisibleToQuerySet):
    owner_path = "opportunity__customer__owner"


class TargetQuerySet(VisibleToQuerySet):
    owner_path = "owner"
