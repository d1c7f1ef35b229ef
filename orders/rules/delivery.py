"""On-time delivery rate (准时交付率), pure."""

from decimal import ROUND_HALF_UP, Decimal


def on_time_rate(*, on_time: int, delivered: int) -> Decimal | None:
    """Share of delivered orders delivered by their promised date, in percent to one decimal
    (half up); None without any delivered order (no rate, not 0%)."""
    if not delivered:
        return None
    return (Decimal(on_time) * 100 / Decimal(delivered)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )
