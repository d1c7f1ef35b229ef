"""The trailing-12-month revenue window (滚动12个月收入)."""

from datetime import date, timedelta


def revenue_window(on: date) -> tuple[date, date]:
    """The first and last day of the 12 months ending with `on`, both included: from the day
    after the same date a year earlier (29 February: 28 February) to `on`. On 2026-12-31 that is
    2026-01-01 … 2026-12-31; an order accepted on 2025-12-31 is out, one on 2026-01-01 in."""
    try:
        year_before = on.replace(year=on.year - 1)
    except ValueError:  # 29 February
        year_before = on.replace(year=on.year - 1, day=28)
    return year_before + timedelta(days=1), on
