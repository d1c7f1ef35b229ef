"""Named filters on opportunities, stage history and targets."""

from salesops.accounts.access import VisibleToQuerySet


class OpportunityQuerySet(VisibleToQuerySet):
    owner_path = "owner"

    def open(self):
        return self.filter(status="open")

    def lost(self):
        return self.filter(status="lost")


class StageChangeQuerySet(VisibleToQuerySet):
    owner_path = "opportunity__owner"


class TargetQuerySet(VisibleToQuerySet):
    owner_path = "owner"
