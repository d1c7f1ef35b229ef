"""The pure KPI arithmetic: turnover and DSO without intermediate rounding, the bad-debt rate's
denominator, where a rate stands against a class's range, and targets prorated to a period."""

from datetime import date
from decimal import Decimal

import pytest

from receivables.rules import kpis

D = Decimal
pytestmark = pytest.mark.usefixtures("english")  # the reasons are compared in English


def test_dso_is_computed_from_unrounded_values():
    # Given average receivables of 94,500 and 3,100 of credit sales in a 31-day month
    # When turnover and DSO are computed
    turnover, dso = kpis.turnover_and_dso(
        sales=D("3100"), opening=D("92950"), closing=D("96050"), days=31
    )
    # Then DSO = 94,500 × 31 ÷ 3,100 exactly; 365 ÷ the rounded turnover (0.39) would be 935.9
    assert dso.value == D("945.0")
    assert turnover.value == D("0.39")  # 3,100 × 365 ÷ 31 ÷ 94,500 = 0.3862…


def test_a_tiny_turnover_still_gives_a_dso():
    # Turnover 0.0010 rounds to 0.00 for display; DSO must still come out (365,000 days).
    turnover, dso = kpis.turnover_and_dso(
        sales=D("1"), opening=D("1000"), closing=D("1000"), days=365
    )
    assert (turnover.value, dso.value) == (D("0.00"), D("365000.0"))


def test_no_sales_means_no_figure_with_the_reason():
    turnover, dso = kpis.turnover_and_dso(sales=D("0"), opening=D("500"), closing=D("500"), days=30)
    assert (turnover.value, dso.value) == (None, None)
    assert str(dso.reason) == "No credit sales in the period."


def test_sales_without_any_balance_give_dso_zero_and_no_turnover():
    turnover, dso = kpis.turnover_and_dso(sales=D("800"), opening=D("0"), closing=D("0"), days=30)
    assert dso.value == D("0.0")
    assert turnover.value is None
    assert str(turnover.reason) == "No receivables outstanding at the start or end."


@pytest.mark.parametrize(
    ("written_off", "closing", "expected"),
    [
        ("300", "2700", D("0.1000")),  # 300 ÷ (2,700 + 300)
        ("300", "0", D("1.0000")),  # everything left was written off
        ("0", "2700", D("0.0000")),
        ("1", "2", D("0.3333")),
    ],
)
def test_bad_debt_rate_divides_by_closing_plus_written_off(written_off, closing, expected):
    assert kpis.bad_debt_rate(written_off=D(written_off), closing=D(closing)).value == expected


def test_bad_debt_rate_without_a_balance_is_no_figure_with_the_reason():
    figure = kpis.bad_debt_rate(written_off=D("0"), closing=D("0"))
    assert figure.value is None
    assert str(figure.reason) == "Nothing outstanding at the period's end and nothing written off."


A = {"low": D("0.90"), "high": None}
B = {"low": D("0.70"), "high": D("0.80")}
C = {"low": None, "high": None}


@pytest.mark.parametrize(
    ("value", "bounds", "status"),
    [
        (D("0.8999"), A, kpis.BELOW),
        (D("0.9000"), A, kpis.IN_RANGE),
        (D("1.0000"), A, kpis.IN_RANGE),
        (D("0.6999"), B, kpis.BELOW),
        (D("0.7000"), B, kpis.IN_RANGE),
        (D("0.8000"), B, kpis.IN_RANGE),
        (D("0.8001"), B, kpis.ABOVE),
        (D("0.1000"), C, kpis.NO_RANGE),
        (None, A, kpis.NO_RATE),
    ],
)
def test_range_status_boundaries(value, bounds, status):
    assert kpis.range_status(value, **bounds) == status


def quarter(start: date, amount: str) -> kpis.TargetSpan:
    ends = {1: date(start.year, 3, 31), 4: date(start.year, 6, 30), 7: date(start.year, 9, 30)}
    return kpis.TargetSpan(
        "quarter", start, ends.get(start.month, date(start.year, 12, 31)), D(amount)
    )


YEAR = kpis.TargetSpan("year", date(2026, 1, 1), date(2026, 12, 31), D("40000"))
Q4 = quarter(date(2026, 10, 1), "10000")


def test_one_quarters_target_is_not_compared_with_a_year():
    # The 264 % case: 26,400 collected in 2026 against only Q4's 10,000 is refused.
    target = kpis.target_for_period([Q4], start=date(2026, 1, 1), end=date(2026, 12, 31))
    assert target.amount is None
    assert str(target.reason) == (
        "The collection targets cover only 92 of this period's 365 days; choose a period they "
        "cover, such as the target's own quarter."
    )


def test_a_year_uses_the_yearly_target_when_the_quarters_do_not_cover_it():
    target = kpis.target_for_period([Q4, YEAR], start=date(2026, 1, 1), end=date(2026, 12, 31))
    assert (target.amount, target.period, target.prorated) == (D("40000.00"), "year", False)


def test_a_quarter_uses_its_own_target_rather_than_a_share_of_the_year():
    target = kpis.target_for_period([Q4, YEAR], start=date(2026, 10, 1), end=date(2026, 12, 31))
    assert (target.amount, target.period, target.prorated) == (D("10000.00"), "quarter", False)


def test_part_of_a_year_prorates_the_yearly_target_by_days():
    year = kpis.TargetSpan("year", date(2026, 1, 1), date(2026, 12, 31), D("36500"))
    target = kpis.target_for_period([year], start=date(2026, 1, 1), end=date(2026, 6, 30))
    assert (target.amount, target.prorated) == (D("18100.00"), True)  # 36,500 × 181 ÷ 365


def test_four_quarters_cover_a_year_and_part_of_one_is_prorated():
    quarters = [
        quarter(date(2026, 1, 1), "9000"),
        quarter(date(2026, 4, 1), "9100"),
        quarter(date(2026, 7, 1), "9200"),
        quarter(date(2026, 10, 1), "9200"),
    ]
    # Q1 to Q3 whole, then 15 of Q4's 92 days: 27,300 + 9,200 × 15 ÷ 92 = 28,800.00
    target = kpis.target_for_period(quarters, start=date(2026, 1, 1), end=date(2026, 10, 15))
    assert (target.amount, target.period, target.prorated) == (D("28800.00"), "quarter", True)


def test_no_target_at_all_says_so():
    target = kpis.target_for_period([], start=date(2026, 1, 1), end=date(2026, 3, 31))
    assert (target.amount, str(target.reason)) == (None, "No collection target for this period.")


@pytest.mark.parametrize(
    ("normal", "shown"),
    [("0.85", "85"), ("0.9000", "90"), ("1.0000", "100"), ("0.8750", "87.5"), ("0.0500", "5")],
)
def test_a_setting_rate_reads_as_a_plain_percentage(normal, shown):
    assert kpis.plain_percent(D(normal)) == shown
