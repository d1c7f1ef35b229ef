"""The credit check at confirmation (信用检查), pure: the customer's figures in, the rules that
refuse out. Every failing rule is reported at once, each with its figures.

Exposure (信用敞口) = open receivables of the customer + its committed orders not yet invoiced
(total − invoiced) + this order's total. A credit limit of 0 means the customer has no credit:
every order exceeds it (by its whole exposure), so a customer without a limit needs a manager's
exception (or a limit) before any order is confirmed.
"""

from dataclasses import dataclass, field
from decimal import Decimal

HOLD = "hold"  # 停止供货: never overridable
RATING_D = "rating_d"  # D-rated without prepayment or guarantee
GROUP = "group"  # 连坐: the customer's group is flagged
LIMIT = "limit"  # exposure over the credit limit

RULES = (HOLD, RATING_D, GROUP, LIMIT)
# What a manager's exception may override: a credit hold is lifted only by releasing it.
OVERRIDABLE = frozenset({RATING_D, GROUP, LIMIT})


@dataclass(frozen=True)
class CreditFigures:
    credit_hold: bool
    credit_rating: str
    credit_limit: Decimal
    group_flagged: bool
    open_receivables: Decimal
    committed_uninvoiced: Decimal  # other committed orders: total − invoiced
    order_total: Decimal  # this order, less what its contract raised already (invoiced)
    prepayment: Decimal
    has_guarantee: bool

    @property
    def exposure(self) -> Decimal:
        return self.open_receivables + self.committed_uninvoiced + self.order_total

    @property
    def over_limit_by(self) -> Decimal:
        return max(self.exposure - self.credit_limit, Decimal("0.00"))


@dataclass(frozen=True)
class CreditCheck:
    figures: CreditFigures
    failed: tuple[str, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return not self.failed

    def remaining_after(self, overridden) -> tuple[str, ...]:
        """The rules still failing once an exception overriding `overridden` is applied."""
        return tuple(rule for rule in self.failed if rule not in set(overridden))


def credit_check(figures: CreditFigures) -> CreditCheck:
    """Which rules refuse this confirmation, in the order of RULES."""
    failed = []
    if figures.credit_hold:
        failed.append(HOLD)
    if figures.credit_rating == "D" and not (figures.prepayment > 0 or figures.has_guarantee):
        failed.append(RATING_D)
    if figures.group_flagged:
        failed.append(GROUP)
    # Strictly more than the limit exceeds it; with no limit (0) any order does.
    if figures.credit_limit <= 0 or figures.exposure > figures.credit_limit:
        failed.append(LIMIT)
    return CreditCheck(figures=figures, failed=tuple(failed))
