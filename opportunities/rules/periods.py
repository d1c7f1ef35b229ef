"""Target periods as pure date arithmetic: the month, quarter or year a day falls in."""

from datetime import date, timedelta


def period_bounds(period: str, as_of: date) -> tuple[date, date]:
    """First and last day of the month, quarter or year containing `as_of`."""
    if period == "month":
        start = as_of.replace(day=1)
        end = (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    elif period == "year":
        start, end = as_of.replace(month=1, day=1), as_of.replace(month=12, day=31)
    elif period != "quarter":
        # Not silently a quarter: the targets would be looked up for a period that has none.
        raise ValueError(f"unknown period: {period!r}")
    else:
        first_month = 3 * ((as_of.month - 1) // 3) + 1
        start = as_of.replace(month=first_month, day=1)
        end = (start + timedelta(days=95)).replace(day=1) - timedelta(days=1)
    return start, end
