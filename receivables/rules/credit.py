"""The credit-limit warning rule (单一客户累计欠款), pure."""

from decimal import Decimal


def credit_warning_due(*, outstanding: Decimal, credit_limit: Decimal, share: Decimal) -> bool:
    """单一客户累计欠款 over the share of the credit limit: strictly more ("exceeds"), and never
    for a customer without a limit."""
    return bool(credit_limit) and outstanding > credit_limit * share
