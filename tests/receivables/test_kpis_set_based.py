"""The KPI page's grouped reads against the old per-receivable ones (tests/receivables/
kpis_oracle.py) on a hand-made book: opening balances, payments after the period, a voided
payment, write-offs inside and after it, items due on the period's first and last days, and
every scope."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from customers.services.customers import customer_create
from receivables.models import Receivable
from receivables.selectors.kpis import kpis
from receivables.services import (
    payment_record,
    payment_void,
    receivable_create,
    receivable_write_off,
)
from tests.factories import SalesTargetFactory
from tests.receivables import kpis_oracle

pytestmark = pytest.mark.django_db
D = Decimal
Q3 = {"start": date(2026, 7, 1), "end": date(2026, 9, 30)}


@pytest.fixture
def book(org, buyer, invoice):
    finance = org["finance1"]
    other = customer_create(
        actor=org["manager1"], owner=org["rep2"], name="常州天宇", credit_rating="A"
    )
    north = customer_create(actor=org["manager2"], owner=org["rep3"], name="北京燕山")
    own = customer_create(actor=org["manager1"], owner=org["manager1"], name="经理自营客户")
    receivable_create(
        actor=finance,
        customer=buyer,
        number="OB-1",
        issue_date=date(2026, 1, 1),
        due_date=date(2026, 7, 1),
        amount=D("5000"),
        source=Receivable.Source.OPENING,
        allocated=D("1200"),
    )
    invoice("AR-Q1", date(2026, 7, 15), "3000", issued=date(2026, 6, 15))
    invoice("AR-LAST", date(2026, 9, 30), "800", issued=date(2026, 9, 1))
    invoice("AR-OCT", date(2026, 10, 1), "999", issued=date(2026, 9, 1))
    invoice("AR-O1", date(2026, 8, 10), "4000", issued=date(2026, 7, 10), customer=other)
    written = invoice("AR-N1", date(2026, 8, 20), "2500", issued=date(2026, 6, 1), customer=north)
    invoice("AR-N2", date(2026, 6, 20), "1500", issued=date(2026, 5, 1), customer=north)
    invoice("AR-M1", date(2026, 9, 5), "600", issued=date(2026, 8, 5), customer=own)
    pay = {"actor": finance, "method": "transfer"}
    payment_record(customer=buyer, date=date(2026, 7, 20), amount=D("4000"), **pay)  # OB-1, AR-Q1
    payment_record(customer=buyer, date=date(2026, 10, 5), amount=D("500"), **pay)  # after Q3
    voided = payment_record(customer=other, date=date(2026, 8, 1), amount=D("4000"), **pay)
    payment_void(actor=finance, payment=voided, reason="退票")
    payment_record(customer=other, date=date(2026, 9, 30), amount=D("1000"), **pay)
    payment_record(customer=north, date=date(2026, 11, 2), amount=D("1500"), **pay)  # AR-N2
    receivable_write_off(
        actor=finance, receivable=written, amount=D("700"), reason="部分核销", on=date(2026, 9, 1)
    )
    receivable_write_off(
        actor=finance, receivable=written, amount=D("300"), reason="再核销", on=date(2026, 11, 1)
    )
    SalesTargetFactory(
        owner=org["rep1"], period_start=date(2026, 7, 1), collection_target=D("9000")
    )
    return org


@pytest.mark.parametrize("who", ["finance1", "admin", "manager1", "manager2", "rep1", "rep3"])
@pytest.mark.parametrize(
    "period",
    [
        Q3,
        {"start": date(2026, 9, 30), "end": date(2026, 10, 1)},
        {"start": date(2026, 1, 1), "end": date(2026, 12, 31)},
    ],
)
def test_every_figure_equals_the_per_receivable_read(book, who, period):
    user = book[who]
    assert kpis(user=user, **period) == kpis_oracle.kpis(user=user, **period)


def test_q3_whole_book_figures(book):
    # exact figures of the quarter for finance (the oracle agreeing above)
    result = kpis(user=book["finance1"], **Q3)
    assert (result.due_in_period, result.collected_in_period) == (D("15900.00"), D("6200.00"))
    assert (result.opening_receivables, result.closing_receivables) == (
        D("10800.00"),  # OB-1 3,800 + AR-Q1 3,000 + AR-N1 2,500 + AR-N2 1,500
        D("11499.00"),  # paid by the end of Q3 or written off in it out; AR-OCT in
    )


def test_kpis_for_a_quarter_take_an_exact_number_of_queries(book):
    # one grouped read per figure, however many receivables, payments and allocations
    with CaptureQueriesContext(connection) as captured:
        kpis(user=book["finance1"], **Q3)
    assert len(captured.captured_queries) == 15
