"""The customers app's models. Django loads an app's models from `customers.models`, and every
app imports them from here, so this package names them (the one exception to "callers import
the submodule")."""

from customers.models.customers import (
    Contact,
    Customer,
    CustomerGroup,
    FollowUp,
    OwnershipEvent,
)
from customers.models.tiers import (
    MONEY,
    CreditRating,
    CrmSettings,
    RadType,
    RetierRun,
    Tier,
    TierChange,
    TierRule,
    tier_label,
)

__all__ = [
    "MONEY",
    "Contact",
    "CreditRating",
    "CrmSettings",
    "Customer",
    "CustomerGroup",
    "FollowUp",
    "OwnershipEvent",
    "RadType",
    "RetierRun",
    "Tier",
    "TierChange",
    "TierRule",
    "tier_label",
]
