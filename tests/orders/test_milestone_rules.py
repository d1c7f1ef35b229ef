"""Pure rules of contracts: line amounts, a payment plan's amounts, and the due day of a
milestone on the Chinese official calendar (State Council notice for 2026, via chinesecalendar)."""

from datetime import date
from decimal import Decimal

import pytest

from orders.rules.amounts import Amounts, line_amounts, order_totals
from orders.rules.milestones import PlanError, PlanLine, add_months, due_day, plan_amounts
from salesops.core.workdays import WorkdayCalendarError

D = Decimal


@pytest.mark.parametrize(
    ("quantity", "price", "discount", "rate", "expected"),
    [
        ("3", "99.99", "0.05", "0.13", ("284.97", "252.19", "32.78")),
        ("1", "100000", "0", "0.06", ("100000.00", "94339.62", "5660.38")),
        ("2", "50000", "0.05", "0.13", ("95000.00", "84070.80", "10929.20")),
        # half up at the fen: 0.005 goes up
        ("1", "0.01", "0.5", "0", ("0.01", "0.01", "0.00")),
        ("1.5", "10.01", "0", "0.09", ("15.02", "13.78", "1.24")),
    ],
)
def test_line_amounts_round_half_up_to_the_fen(quantity, price, discount, rate, expected):
    figures = line_amounts(
        quantity=D(quantity), unit_price=D(price), discount=D(discount), tax_rate=D(rate)
    )
    assert (figures.amount, figures.net, figures.tax) == tuple(map(D, expected))


def test_totals_are_the_sums_of_the_rounded_lines():
    one = line_amounts(quantity=D(1), unit_price=D("10.01"), discount=D(0), tax_rate=D("0.13"))
    assert order_totals([one] * 3) == Amounts(amount=D("30.03"), net=D("26.58"), tax=D("3.45"))


def percents(*values):
    return [PlanLine(percent=D(v)) for v in values]


@pytest.mark.parametrize(
    ("total", "plan", "amounts"),
    [
        ("100000.00", percents("30", "60", "10"), ["30000.00", "60000.00", "10000.00"]),
        # the last percent milestone takes the rounding
        ("100.00", percents("33.3333", "33.3333", "33.3334"), ["33.33", "33.33", "33.34"]),
        ("0.10", percents("33.3333", "33.3333", "33.3334"), ["0.03", "0.03", "0.04"]),
        ("99999.99", percents("50", "50"), ["50000.00", "49999.99"]),
        # amounts must make the total
        ("1000.00", [PlanLine(amount=D("400")), PlanLine(amount=D("600"))], ["400", "600"]),
        # a deposit in yuan and the rest in percent
        ("1000.01", [PlanLine(amount=D("100")), PlanLine(percent=D("90"))], ["100", "900.01"]),
        # a raised milestone keeps its amount; the rest must make up the new total
        (
            "120000.00",
            [
                PlanLine(percent=D("30"), amount=D("30000.00"), raised=True),
                PlanLine(amount=D("90000")),
            ],
            ["30000.00", "90000"],
        ),
    ],
)
def test_plan_amounts(total, plan, amounts):
    assert plan_amounts(D(total), plan) == [D(a) for a in amounts]


@pytest.mark.parametrize(
    ("total", "plan", "code", "figures"),
    [
        ("100.00", [], "empty", {}),
        ("100.00", percents("30", "60"), "percent_sum", {"percent": D("90")}),
        ("100.00", percents("30", "60", "10.0001"), "percent_sum", {"percent": D("100.0001")}),
        (
            "1000.00",
            [PlanLine(amount=D("400")), PlanLine(amount=D("599.99"))],
            "amount_sum",
            {"planned": D("999.99"), "total": D("1000.00"), "difference": D("0.01")},
        ),
        (
            "100.00",
            [PlanLine(percent=D("100"), amount=D("100"))],
            "percent_or_amount",
            {"position": 1},
        ),
        (
            "100.00",
            [PlanLine(amount=D("0")), PlanLine(amount=D("100"))],
            "not_positive",
            {"position": 1},
        ),
        (
            "120000.00",
            [PlanLine(percent=D("30"), amount=D("30000.00"), raised=True), *percents("60", "10")],
            "amount_sum",
            {"planned": D("114000.00"), "total": D("120000.00"), "difference": D("6000.00")},
        ),
    ],
)
def test_plans_that_do_not_add_up_are_refused_with_the_figures(total, plan, code, figures):
    with pytest.raises(PlanError) as refused:
        plan_amounts(D(total), plan)
    assert (refused.value.code, refused.value.figures) == (code, figures)


@pytest.mark.parametrize(
    ("start", "offset", "expected"),
    [
        # National Day 2026: 10-01..10-07 off, Sat 10-10 a make-up working day. Wed 09-30 + 5:
        # Thu 10-08, Fri 10-09, Sat 10-10, Mon 10-12, Tue 10-13.
        (date(2026, 9, 30), 5, date(2026, 10, 13)),
        # Sun 09-20 is the make-up day before it: Sat 09-19 + 1 working day is that Sunday.
        (date(2026, 9, 19), 1, date(2026, 9, 20)),
        # Mid-autumn 09-25..09-27 off: Thu 09-24 + 1 is Mon 09-28.
        (date(2026, 9, 24), 1, date(2026, 9, 28)),
        # Spring Festival 2026: 02-15..02-23 off, Sat 02-14 and Sat 02-28 make-up days.
        # Fri 02-13 + 1 is Sat 02-14; + 3 is Wed 02-25; + 5 is Fri 02-27; + 6 is Sat 02-28.
        (date(2026, 2, 13), 1, date(2026, 2, 14)),
        (date(2026, 2, 13), 3, date(2026, 2, 25)),
        (date(2026, 2, 13), 6, date(2026, 2, 28)),
        (date(2026, 2, 13), 0, date(2026, 2, 13)),
    ],
)
def test_working_days_follow_the_official_calendar(start, offset, expected):
    assert due_day(start=start, offset=offset, working_days=True) == expected


def test_calendar_days_count_holidays_too():
    assert due_day(start=date(2026, 9, 30), offset=5, working_days=False) == date(2026, 10, 5)


def test_working_days_beyond_the_calendar_data_are_refused_not_guessed():
    with pytest.raises(WorkdayCalendarError, match="2026"):
        due_day(start=date(2026, 12, 28), offset=5, working_days=True)
    # Calendar days need no calendar data.
    assert due_day(start=date(2027, 6, 1), offset=5, working_days=False) == date(2027, 6, 6)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 10, 13), 12, date(2027, 10, 13)),
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2026, 11, 30), 24, date(2028, 11, 30)),
    ],
)
def test_the_warranty_ends_the_same_day_months_later(day, months, expected):
    assert add_months(day, months) == expected
