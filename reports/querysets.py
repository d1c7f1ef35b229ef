"""Named filters on the reports app's tables, scoped by the rep they belong to."""

from salesops.accounts.access import VisibleToQuerySet


class CommissionLineQuerySet(VisibleToQuerySet):
    owner_path = "rep"


class CommissionProfileQuerySet(VisibleToQuerySet):
    owner_path = "rep"
