"""Named filters on opportunities, stage history and targets."""

from salesops.accounts.access import VisibleToQuerySet


class OpportunityQuerySet(VisibleToQuerySet):
    # A deal hangs off its customer: whoever owns the customer sees its deals, so a customer
    # that changes hands (or goes to the pool) takes its deals out of the old owner's sight.
    owner_path = "customer__owner"

    def open(self):
        return self.filter(status="open")

    def lost(self):
        return self.filter(status="lost")


class StageChangeQuerySet(VisibleToQuerySet):
    owner_path = "opportunity__customer__owner"


class TargetQuerySet(VisibleToQuerySet):
    owner_path = "owner"
