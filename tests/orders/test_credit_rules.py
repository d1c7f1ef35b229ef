"""The pure credit check: each rule on its boundary, all failures listed at once."""

from dataclasses import replace
from decimal import Decimal

import pytest

from orders.rules.credit import GROUP, HOLD, LIMIT, RATING_D, CreditFigures, credit_check

D = Decimal
CLEAN = CreditFigures(
    credit_hold=False,
    credit_rating="B",
    credit_limit=D("100000.00"),
    group_flagged=False,
    open_receivables=D("30000.00"),
    committed_uninvoiced=D("20000.00"),
    order_total=D("50000.00"),
    prepayment=D("0.00"),
    has_guarantee=False,
)


@pytest.mark.parametrize(
    ("changes", "failed"),
    [
        ({}, ()),  # exposure exactly the limit passes
        ({"order_total": D("50000.01")}, (LIMIT,)),
        (
            {
                "credit_limit": D("0.00"),
                "open_receivables": D(0),
                "committed_uninvoiced": D(0),
                "order_total": D("0.01"),
            },
            (LIMIT,),
        ),
        ({"credit_hold": True}, (HOLD,)),
        ({"credit_rating": "D"}, (RATING_D,)),
        ({"credit_rating": "D", "prepayment": D("0.01")}, ()),
        ({"credit_rating": "D", "has_guarantee": True}, ()),
        ({"group_flagged": True}, (GROUP,)),
        (
            {
                "credit_hold": True,
                "credit_rating": "D",
                "group_flagged": True,
                "order_total": D("60000"),
            },
            (HOLD, RATING_D, GROUP, LIMIT),
        ),
    ],
)
def test_credit_check_lists_every_failing_rule(changes, failed):
    assert credit_check(replace(CLEAN, **changes)).failed == failed


def test_exposure_and_overrun_figures():
    figures = replace(CLEAN, order_total=D("62345.67"))
    assert figures.exposure == D("112345.67")
    assert figures.over_limit_by == D("12345.67")
    assert CLEAN.over_limit_by == D("0.00")


def test_an_exception_leaves_only_the_rules_it_does_not_override():
    check = credit_check(replace(CLEAN, credit_hold=True, group_flagged=True))
    assert check.remaining_after([GROUP]) == (HOLD,)
