"""The late-payment penalty as a pure function: segments of overdue balance, day by day, rounded
once. Every convention of docs/receivables.md ("Late-payment penalty") is a row here."""

from datetime import date
from decimal import Decimal

import pytest

from receivables.rules.penalty import (
    Reduction,
    Segment,
    overdue_segments,
    penalty_accrual,
    rate_percent,
)

D = Decimal
RATE = D("0.0005")  # 日万分之五
DUE = date(2025, 1, 1)


def accrue(owed, reductions=(), *, end, due=DUE, rate=RATE):
    return penalty_accrual(
        owed=D(owed),
        due=due,
        reductions=[Reduction(on, D(amount)) for on, amount in reductions],
        end=end,
        daily_rate=rate,
    )


def test_the_issue_example_is_165():
    # Given 10,000.00 due 2025-01-01 and 9,000.00 paid on 2025-01-31
    accrual = accrue("10000.00", [(date(2025, 1, 31), "9000.00")], end=date(2025, 3, 2))
    # Then Jan 2..Jan 31 (30 days) accrue on 10,000 and Feb 1..Mar 2 (30 days) on 1,000
    assert accrual.segments == (
        Segment(date(2025, 1, 2), date(2025, 1, 31), D("10000.00")),
        Segment(date(2025, 2, 1), date(2025, 3, 2), D("1000.00")),
    )
    assert [segment.days for segment in accrual.segments] == [30, 30]
    assert accrual.total == D("165.00")  # 10,000×30×0.05% + 1,000×30×0.05%
    assert accrual.overdue_balance == D("1000.00")
    assert accrual.days_overdue == 60


@pytest.mark.parametrize(
    ("paid_on", "end", "expected"),
    [
        (date(2024, 12, 20), date(2025, 3, 2), "0.00"),  # paid before due: never late
        (DUE, date(2025, 3, 2), "0.00"),  # paid on the due date: never late
        (date(2025, 1, 2), date(2025, 3, 2), "5.00"),  # paid the day after: 1 day
        (date(2025, 1, 11), date(2025, 3, 2), "50.00"),  # 10 days, kept after payment
        (date(2025, 1, 11), date(2025, 1, 11), "50.00"),  # the payment day itself accrues
        (date(2025, 1, 11), date(2025, 1, 5), "20.00"),  # paid after the end: open to the end
    ],
)
def test_an_item_paid_in_full_keeps_what_it_accrued(paid_on, end, expected):
    accrual = accrue("10000.00", [(paid_on, "10000.00")], end=end)
    assert accrual.total == D(expected)


def test_paid_in_full_late_has_nothing_overdue_at_the_end():
    accrual = accrue("10000.00", [(date(2025, 1, 11), "10000.00")], end=date(2025, 3, 2))
    assert accrual.total == D("50.00")
    assert (accrual.overdue_balance, accrual.days_overdue) == (D("0.00"), 0)


@pytest.mark.parametrize(
    ("end", "days", "expected"),
    [
        (date(2024, 12, 31), [], "0.00"),  # before due
        (DUE, [], "0.00"),  # the due date itself accrues nothing
        (date(2025, 1, 2), [1], "5.00"),  # the day after is day 1
        (date(2025, 1, 31), [30], "150.00"),
    ],
)
def test_the_due_date_does_not_accrue_the_end_date_does(end, days, expected):
    accrual = accrue("10000.00", end=end)
    assert [segment.days for segment in accrual.segments] == days
    assert accrual.total == D(expected)


def test_multiple_partial_payments_and_a_write_off_step_the_base_down():
    # 8,000.00 due 01-01; 3,000 on 01-11, 2,000 + 1,000 on 01-21 (same day), 500 written off on
    # 01-31; to 02-10.
    accrual = accrue(
        "8000.00",
        [
            (date(2025, 1, 21), "2000.00"),
            (date(2025, 1, 11), "3000.00"),
            (date(2025, 1, 21), "1000.00"),
            (date(2025, 1, 31), "500.00"),
        ],
        end=date(2025, 2, 10),
    )
    assert [(s.first, s.last, s.balance) for s in accrual.segments] == [
        (date(2025, 1, 2), date(2025, 1, 11), D("8000.00")),
        (date(2025, 1, 12), date(2025, 1, 21), D("5000.00")),
        (date(2025, 1, 22), date(2025, 1, 31), D("2000.00")),
        (date(2025, 2, 1), date(2025, 2, 10), D("1500.00")),
    ]
    # (8000 + 5000 + 2000 + 1500) × 10 days × 0.05 % = 82.50
    assert accrual.total == D("82.50")


def test_reductions_on_or_before_due_lower_the_base_from_the_start():
    accrual = accrue(
        "10000.00", [(date(2024, 12, 1), "4000.00"), (DUE, "1000.00")], end=date(2025, 1, 11)
    )
    assert accrual.segments == (Segment(date(2025, 1, 2), date(2025, 1, 11), D("5000.00")),)
    assert accrual.total == D("25.00")


def test_reductions_after_the_end_are_not_seen():
    accrual = accrue("10000.00", [(date(2025, 2, 1), "10000.00")], end=date(2025, 1, 11))
    assert accrual.total == D("50.00")
    assert accrual.overdue_balance == D("10000.00")


def test_rounded_once_at_the_end_not_per_segment():
    # 250.00 due 01-01, 125.00 paid 01-02, to 01-04: segment 1 is 250 × 1 day × 0.05 % = 0.125,
    # segment 2 is 125 × 2 days × 0.05 % = 0.125. Rounded per segment: 0.13 + 0.13 = 0.26.
    accrual = accrue("250.00", [(date(2025, 1, 2), "125.00")], end=date(2025, 1, 4))
    assert [(s.balance, s.days) for s in accrual.segments] == [(D("250.00"), 1), (D("125.00"), 2)]
    assert accrual.total == D("0.25")


def test_penalty_in_a_period_and_periods_add_up_to_the_total():
    accrual = accrue("10000.00", [(date(2025, 1, 31), "9000.00")], end=date(2025, 3, 2))
    assert accrual.in_period(date(2025, 2, 1)) == D("15.00")  # 1,000 × 30 days
    assert accrual.in_period(date(2025, 1, 1)) == D("165.00")
    assert accrual.in_period(date.min) == D("165.00")
    assert accrual.in_period(date(2025, 3, 2)) == D("0.50")  # the end date alone


def test_consecutive_periods_chain_exactly_even_when_each_would_round_apart():
    # 333.33 open from 01-01 accrues 0.166665 a day. Two days on their own round to 0.33, so
    # three two-day periods rounded each on its own would be 0.99; six days are 0.99999 → 1.00.
    # From the rounded cumulative (0.33, 0.67, 1.00) the periods are 0.33, 0.34, 0.33.
    whole = accrue("333.33", end=date(2025, 1, 7))  # days 1..6
    assert whole.total == D("1.00")
    parts = [
        accrue("333.33", end=date(2025, 1, 3)).in_period(date(2025, 1, 2)),
        accrue("333.33", end=date(2025, 1, 5)).in_period(date(2025, 1, 4)),
        whole.in_period(date(2025, 1, 6)),
    ]
    assert parts == [D("0.33"), D("0.34"), D("0.33")]
    assert sum(parts) == whole.total


def test_a_one_day_period_rounds_against_the_cumulative():
    # Day 1 alone: 0.166665 → 0.17; days 1-2: 0.33333 → 0.33, so day 2 shows 0.16 and the two
    # days add to the total (0.17 + 0.16 = 0.33), not 0.34.
    accrual = accrue("333.33", end=date(2025, 1, 3))
    assert accrual.total == D("0.33")
    assert accrue("333.33", end=date(2025, 1, 2)).total == D("0.17")
    assert accrual.in_period(date(2025, 1, 3)) == D("0.16")


def test_no_penalty_at_a_zero_rate_or_with_nothing_owed():
    assert accrue("10000.00", end=date(2025, 3, 2), rate=D("0")).total == D("0.00")
    assert accrue("0.00", end=date(2025, 3, 2)).segments == ()


def test_overdue_segments_never_go_below_zero():
    segments = overdue_segments(
        owed=D("100.00"),
        due=DUE,
        reductions=[Reduction(date(2025, 1, 5), D("150.00"))],
        end=date(2025, 1, 10),
    )
    assert segments == [Segment(date(2025, 1, 2), date(2025, 1, 5), D("100.00"))]


@pytest.mark.parametrize(
    ("rate", "text"), [("0.000500", "0.05"), ("0.001", "0.1"), ("0.000333", "0.0333")]
)
def test_rate_percent(rate, text):
    assert rate_percent(D(rate)) == text


@pytest.mark.parametrize(
    ("paid", "overdue", "days"),
    [("10000.00", "0.00", 0), ("9000.00", "1000.00", 30)],
)
def test_a_payment_on_the_end_date_accrues_that_day_and_counts_in_the_overdue_balance(
    paid, overdue, days
):
    # Paid on 2025-01-31 and read on 2025-01-31: the day still accrues on 10,000 (150.00), but
    # what is overdue at the end of that day is what the payment left.
    accrual = accrue("10000.00", [(date(2025, 1, 31), paid)], end=date(2025, 1, 31))
    assert accrual.total == D("150.00")
    assert (accrual.overdue_balance, accrual.days_overdue) == (D(overdue), days)
