"""Payment milestones reached: the seam between an order's life and its contract's milestones.

The order services call `milestones_reach` when an order is delivered or accepted; the contract
services call it when a contract is signed, delivered or accepted.
"""

from datetime import date


def milestones_reach(*, order=None, contract=None, trigger: str, on: date, actor) -> list:
    """Raise the receivables of the milestones `trigger` reaches on `on`, for the contract (or
    the order's contract); returns the receivables raised now (none on a retry).

    Until the contracts work lands an order has no contract, so nothing is reached."""
    return []
