"""The opportunities app's models. Django loads an app's models from `opportunities.models`, and
every app imports them from here, so this package names them (as customers.models does)."""

from opportunities.models.deals import (
    COLLECTED_LEVEL,
    COMMITTED_LEVEL,
    LEVELS,
    MONEY,
    STAY_FIELDS,
    ChecklistItem,
    ChecklistTick,
    DealContact,
    DealFollowUp,
    FunnelStage,
    LostReason,
    Opportunity,
    StageChange,
)
from opportunities.models.targets import SalesTarget, TargetAdjustment

__all__ = [
    "COLLECTED_LEVEL",
    "COMMITTED_LEVEL",
    "LEVELS",
    "MONEY",
    "STAY_FIELDS",
    "ChecklistItem",
    "ChecklistTick",
    "DealContact",
    "DealFollowUp",
    "FunnelStage",
    "LostReason",
    "Opportunity",
    "SalesTarget",
    "StageChange",
    "TargetAdjustment",
]
