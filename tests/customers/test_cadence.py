"""Pure cadence rules: due dates, the 24-hour logging rule, pool idle days, RAD types."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from customers.rules.cadence import (
    idle_days,
    is_logged_late,
    next_followup_due,
    next_visit_due,
    rad_type_for,
    week_end,
)

SH = ZoneInfo("Asia/Shanghai")


def test_next_due_counts_from_last_contact_else_from_start():
    assert next_followup_due(
        last_contact=date(2026, 11, 20), start=date(2026, 1, 1), interval_days=7
    ) == date(2026, 11, 27)
    assert next_followup_due(last_contact=None, start=date(2026, 11, 1), interval_days=10) == date(
        2026, 11, 11
    )


@pytest.mark.parametrize(
    ("last_visit", "start", "interval", "due"),
    [
        (date(2026, 11, 12), date(2026, 1, 1), 7, date(2026, 11, 19)),  # tier A: 7 days
        (date(2026, 11, 12), date(2026, 11, 15), 14, date(2026, 11, 29)),  # claimed later
        (None, date(2026, 11, 1), 30, date(2026, 12, 1)),  # never visited: from ownership
        (date(2026, 11, 12), date(2026, 1, 1), None, None),  # tier D: no visit cadence
        (None, date(2026, 11, 1), None, None),
    ],
)
def test_next_visit_due_counts_from_last_visit_and_is_none_without_an_interval(
    last_visit, start, interval, due
):
    assert next_visit_due(last_visit=last_visit, start=start, interval_days=interval) == due


@pytest.mark.parametrize(
    ("delay", "late"),
    [
        (timedelta(hours=1), False),
        (timedelta(hours=24), False),
        (timedelta(hours=24, seconds=1), True),
        (timedelta(days=3), True),
    ],
)
def test_logged_late_only_after_the_allowed_hours(delay, late):
    occurred = datetime(2026, 11, 20, 15, 0, tzinfo=SH)
    assert (
        is_logged_late(occurred_at=occurred, logged_at=occurred + delay, allowed_hours=24) is late
    )


def test_idle_days_count_from_the_later_of_last_contact_and_owner_since():
    as_of = date(2026, 11, 23)
    assert (
        idle_days(last_contact=date(2026, 11, 3), owner_since=date(2026, 1, 1), as_of=as_of) == 20
    )
    # Claimed after the last contact: the new owner's clock starts at the claim.
    assert (
        idle_days(last_contact=date(2026, 10, 1), owner_since=date(2026, 11, 13), as_of=as_of) == 10
    )
    assert idle_days(last_contact=None, owner_since=date(2026, 11, 20), as_of=as_of) == 3


THRESHOLDS = {
    "retention_sow": Decimal("0.5"),
    "acquisition_sow": Decimal("0.2"),
    "acquisition_bp": Decimal("1000000"),
}


@pytest.mark.parametrize(
    ("bp", "revenue", "expected"),
    [
        (None, Decimal("500000"), "D"),  # unknown wallet: develop
        (Decimal("1000000"), Decimal("500000"), "R"),  # SOW exactly 50%
        (Decimal("1000000"), Decimal("499999"), "D"),
        (Decimal("1000000"), Decimal("199999"), "A"),  # SOW < 20% on a big wallet
        (Decimal("1000000"), Decimal("200000"), "D"),  # SOW exactly 20%
        (Decimal("999999"), Decimal("0"), "D"),  # small wallet: not worth a campaign
        (Decimal("5000000"), Decimal("0"), "A"),
    ],
)
def test_rad_type_from_share_of_wallet(bp, revenue, expected):
    assert rad_type_for(buying_power=bp, trailing_revenue=revenue, **THRESHOLDS) == expected


@pytest.mark.parametrize(
    ("day", "sunday"),
    [
        (date(2026, 11, 23), date(2026, 11, 29)),  # Monday
        (date(2026, 11, 29), date(2026, 11, 29)),  # Sunday itself
        (date(2026, 12, 31), date(2027, 1, 3)),
    ],
)
def test_week_end_is_the_sunday(day, sunday):
    assert week_end(day) == sunday


def test_next_due_counts_from_the_ownership_start_when_it_is_later():
    # Claimed on 11-20 after a contact on 11-01 under the previous owner: due 11-27, not 11-08.
    assert next_followup_due(
        last_contact=date(2026, 11, 1), start=date(2026, 11, 20), interval_days=7
    ) == date(2026, 11, 27)
