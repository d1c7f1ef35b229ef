"""Named reporting periods: exact start and end for each, around month, quarter and year ends."""

from datetime import date

import pytest

from salesops.core.periods import PERIOD_CHOICES, period_range


@pytest.mark.parametrize(
    ("key", "today", "expected"),
    [
        ("this_month", date(2026, 12, 2), (date(2026, 12, 1), date(2026, 12, 2))),
        ("last_month", date(2026, 12, 2), (date(2026, 11, 1), date(2026, 11, 30))),
        ("last_month", date(2026, 1, 15), (date(2025, 12, 1), date(2025, 12, 31))),
        ("last_month", date(2024, 3, 31), (date(2024, 2, 1), date(2024, 2, 29))),
        ("this_quarter", date(2026, 12, 2), (date(2026, 10, 1), date(2026, 12, 2))),
        ("this_quarter", date(2026, 3, 31), (date(2026, 1, 1), date(2026, 3, 31))),
        ("last_quarter", date(2026, 12, 2), (date(2026, 7, 1), date(2026, 9, 30))),
        ("last_quarter", date(2026, 2, 10), (date(2025, 10, 1), date(2025, 12, 31))),
        ("this_year", date(2026, 12, 2), (date(2026, 1, 1), date(2026, 12, 2))),
        ("last_year", date(2026, 1, 1), (date(2025, 1, 1), date(2025, 12, 31))),
    ],
)
def test_period_range(key, today, expected):
    assert period_range(key, today) == expected


def test_every_named_choice_has_a_range_and_custom_has_none():
    keys = [key for key, _label in PERIOD_CHOICES]
    assert keys[0] == "last_month"  # the first button is the default
    for key in keys[:-1]:
        start, end = period_range(key, date(2026, 5, 20))
        assert start <= end <= date(2026, 5, 20)
    assert keys[-1] == "custom"
    with pytest.raises(ValueError, match="custom"):
        period_range("custom", date(2026, 5, 20))
