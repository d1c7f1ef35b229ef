"""The receivables app's models, one module per subdomain; Django and callers import them from
here (`from receivables.models import Receivable`)."""

from receivables.models.escalation import CreditHoldEvent, EscalationEvent, EscalationLevel
from receivables.models.ledger import Allocation, Payment, Receivable, WriteOff
from receivables.models.policy import CollectionClass, CollectionClassRule, ReceivableSettings
from receivables.models.snapshots import AgingSnapshot

__all__ = [
    "AgingSnapshot",
    "Allocation",
    "CollectionClass",
    "CollectionClassRule",
    "CreditHoldEvent",
    "EscalationEvent",
    "EscalationLevel",
    "Payment",
    "Receivable",
    "ReceivableSettings",
    "WriteOff",
]
