"""Commission on cash collected (docs/reports.md, "Commission"): lines per allocation with the
accelerator, voids before and after a close, late allocations, who owns a line, who sees it, and
a close that runs once however often it is asked."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from customers.services.customers import customer_create, customer_reassign
from receivables.services import (
    AllocationRequest,
    payment_allocate,
    payment_record,
    payment_void,
    receivable_create,
)
from reports.models import CommissionLine, CommissionPeriod, CommissionProfile, CommissionSettings
from reports.selectors.commission import commission_to_date, rep_statements
from reports.selectors.commission_lines import commission_lines
from reports.services.commission import commission_period_close
from tests.factories import CustomerFactory, SalesTargetFactory

pytestmark = pytest.mark.django_db
D = Decimal
NOV, DEC = date(2026, 11, 1), date(2026, 12, 1)
SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = datetime(2026, 12, 2, 10, 0, tzinfo=SHANGHAI)  # the close's clock


class Book:
    """Receivables and allocated payments of test customers, through the money services."""

    def __init__(self, org):
        self.org = org
        self.count = 0

    def collect(self, customer, on, amount, *, allocate=True):
        """A receivable of `amount` and a payment of it dated `on`, allocated to it."""
        self.count += 1
        receivable = receivable_create(
            actor=self.org["finance1"],
            customer=customer,
            number=f"AR-{self.count}",
            issue_date=date(2026, 9, 1),
            due_date=date(2026, 10, 1),
            amount=D(amount),
        )
        payment = payment_record(
            actor=self.org["finance1"],
            customer=customer,
            date=on,
            amount=D(amount),
            method="transfer",
            allocate=False,
        )
        if allocate:
            self.allocate(payment, receivable)
        return payment, receivable

    def allocate(self, payment, receivable):
        payment_allocate(
            actor=self.org["finance1"],
            payment=payment,
            requests=[AllocationRequest(receivable, payment.amount)],
        )

    def void(self, payment):
        payment_void(actor=self.org["finance1"], payment=payment, reason="退票")


@pytest.fixture
def book(org):
    return Book(org)


@pytest.fixture
def rep1_customer(org):
    return CustomerFactory(name="苏州恒通电子", owner=org["rep1"])


@pytest.fixture
def november(org, book, rep1_customer):
    """rep1: 10,000 collection target for November; 6,000 on 5 Nov, 7,000 on 12 Nov, 2,000 on
    20 Nov (rate 3 %, 1.5 × above 100 %)."""
    SalesTargetFactory(
        owner=org["rep1"], period="month", period_start=NOV, collection_target=D("10000")
    )
    return [
        book.collect(rep1_customer, date(2026, 11, 5), "6000")[0],
        book.collect(rep1_customer, date(2026, 11, 12), "7000")[0],
        book.collect(rep1_customer, date(2026, 11, 20), "2000")[0],
    ]


def figures(lines):
    return [(line.kind, line.amount, line.accelerated, line.commission) for line in lines]


def close(org, month):
    return commission_period_close(actor=org["finance1"], month=month, now=TODAY)


def test_the_part_above_the_target_earns_the_accelerated_rate(org, november):
    lines = commission_lines(user=org["rep1"], month=NOV)
    # Cumulative 6,000 / 13,000 / 15,000 against 10,000: the 7,000 straddles the threshold,
    # 4,000 × 3 % + 3,000 × 4.5 % = 255.00; the 2,000 is all above it: 2,000 × 4.5 % = 90.00.
    assert figures(lines) == [
        ("earned", D("6000.00"), D("0.00"), D("180.00")),
        ("earned", D("7000.00"), D("3000.00"), D("255.00")),
        ("earned", D("2000.00"), D("2000.00"), D("90.00")),
    ]
    assert [line.rate for line in lines] == [D("0.0300")] * 3
    (statement,) = rep_statements(user=org["rep1"], month=NOV)
    assert (statement.collected, statement.earned, statement.total) == (
        D("15000.00"),
        D("525.00"),  # 10,000 × 3 % + 5,000 × 4.5 %
        D("525.00"),
    )
    assert statement.threshold == D("10000.00")


def test_no_target_no_accelerator_and_a_profile_overrides_the_rate(org, book, rep1_customer):
    CommissionProfile.objects.create(rep=org["rep1"], rate=D("0.0500"))
    book.collect(rep1_customer, date(2026, 11, 5), "12345.67")
    settings = CommissionSettings.load()
    settings.accelerator_multiplier = D("2")
    settings.save()
    (line,) = commission_lines(user=org["finance1"], month=NOV)
    assert (line.rate, line.accelerated, line.commission) == (D("0.0500"), D("0.00"), D("617.28"))


def test_a_void_before_the_close_takes_the_line_out(org, book, november):
    book.void(november[1])
    # 6,000 + 2,000 stay under the target: no accelerator at all.
    assert figures(commission_lines(user=org["rep1"], month=NOV)) == [
        ("earned", D("6000.00"), D("0.00"), D("180.00")),
        ("earned", D("2000.00"), D("0.00"), D("60.00")),
    ]
    close(org, NOV)
    assert list(
        CommissionLine.objects.order_by("payment_date").values_list("amount", "commission")
    ) == [(D("6000.00"), D("180.00")), (D("2000.00"), D("60.00"))]


def test_a_void_after_the_close_is_an_adjustment_in_the_next_month(org, book, november):
    period = close(org, NOV)
    assert (period.closed_by, period.closed_at) == (org["finance1"], TODAY)
    book.void(november[1])
    # November is as it was closed ...
    (closed,) = rep_statements(user=org["rep1"], month=NOV)
    assert (closed.earned, closed.adjustments, closed.total) == (D("525.00"), 0, D("525.00"))
    assert len(closed.lines) == 3
    # ... and December pays the 255.00 back, line by line.
    (adjustment,) = commission_lines(user=org["rep1"], month=DEC)
    assert (
        adjustment.kind,
        adjustment.payment_date,
        adjustment.receivable_number,
        adjustment.amount,
        adjustment.accelerated,
        adjustment.commission,
    ) == ("reversal", date(2026, 11, 12), "AR-2", D("-7000.00"), D("-3000.00"), D("-255.00"))
    (december,) = rep_statements(user=org["rep1"], month=DEC)
    assert (december.collected, december.earned, december.adjustments, december.total) == (
        0,
        0,
        D("-255.00"),
        D("-255.00"),
    )
    assert commission_to_date(user=org["rep1"], as_of=date(2026, 12, 2)).commission == D("-255.00")


def test_an_allocation_after_the_close_is_a_late_adjustment_at_the_plain_rate(
    org, book, november, rep1_customer
):
    payment, receivable = book.collect(rep1_customer, date(2026, 11, 28), "1000", allocate=False)
    close(org, NOV)
    book.allocate(payment, receivable)
    assert sum(line.commission for line in commission_lines(user=org["rep1"], month=NOV)) == D(
        "525.00"
    )
    assert figures(commission_lines(user=org["rep1"], month=DEC)) == [
        ("late", D("1000.00"), D("0.00"), D("30.00"))
    ]


def test_the_line_goes_to_the_owner_on_the_payment_day(org, book):
    customer = customer_create(
        actor=org["manager1"], owner=org["rep1"], name="无锡远大机械有限公司"
    )
    book.collect(customer, date(2026, 11, 5), "1000")
    customer_reassign(
        actor=org["manager1"], customer=customer, new_owner=org["rep2"], reason="调岗"
    )
    # The customer was created (today) after the payment's day and reassigned after it too:
    # the line is rep1's, who owned it on 5 November.
    (line,) = commission_lines(user=org["finance1"], month=NOV)
    assert line.rep_id == org["rep1"].pk
    assert commission_lines(user=org["rep2"], month=NOV) == []


@pytest.mark.parametrize("closed", [False, True])
def test_a_rep_sees_only_own_lines_and_a_manager_the_team(org, book, closed):
    for name, amount in [("rep1", "100"), ("rep2", "200"), ("rep3", "300"), ("manager1", "400")]:
        book.collect(CustomerFactory(owner=org[name]), date(2026, 11, 10), amount)
    if closed:
        close(org, NOV)

    def seen(user):
        return sorted(line.amount for line in commission_lines(user=org[user], month=NOV))

    assert seen("rep1") == [D("100.00")]
    assert seen("rep2") == [D("200.00")]
    assert seen("manager1") == [D("100.00"), D("200.00"), D("400.00")]
    assert seen("manager2") == [D("300.00")]
    assert seen("finance1") == [D("100.00"), D("200.00"), D("300.00"), D("400.00")]
    assert commission_to_date(user=org["rep2"], as_of=date(2026, 11, 30)).commission == D("6.00")


def test_closing_twice_writes_one_set_of_lines(org, november):
    first = close(org, NOV)
    again = close(org, NOV)
    assert (again.pk, again.closed_at) == (first.pk, TODAY)
    assert CommissionLine.objects.count() == 3
    assert CommissionPeriod.objects.count() == 1


@pytest.mark.parametrize(
    ("month", "actor", "error"),
    [
        (DEC, "finance1", ValidationError),  # not over yet
        (NOV, "rep1", PermissionDenied),
        (NOV, "manager1", PermissionDenied),
    ],
)
def test_refused_closes_write_nothing(org, november, month, actor, error):
    with pytest.raises(error):
        commission_period_close(actor=org[actor], month=month, now=TODAY)
    assert CommissionLine.objects.count() == 0
    assert not CommissionPeriod.objects.filter(closed_at__isnull=False).exists()


def test_months_close_in_order(org, november):
    close(org, date(2026, 9, 1))
    with pytest.raises(ValidationError, match="2026-10"):
        close(org, NOV)
    close(org, date(2026, 10, 1))
    close(org, NOV)
    assert CommissionLine.objects.filter(period__month=NOV).count() == 3


@pytest.mark.django_db(transaction=True)
def test_two_closes_at_once_write_one_set_of_lines(org, november):
    from django.db import connection

    from tests.threads import run_together

    if connection.vendor != "postgresql":
        pytest.skip("two connections racing need PostgreSQL (SQLite has one writer at a time)")

    results, errors = run_together(2, lambda _index: close(org, NOV).pk)
    assert errors == []
    assert len(set(results)) == 1
    assert CommissionLine.objects.count() == 3


def test_admin_closes_a_month_through_the_service_and_lists_the_lines(client, org, november):
    period = CommissionPeriod.objects.create(month=NOV)
    client.force_login(org["admin"])
    response = client.post(
        reverse("admin:reports_commissionperiod_changelist"),
        {"action": "close_months", "_selected_action": [period.pk]},
    )
    assert response.status_code == 302
    period.refresh_from_db()
    assert period.closed_by == org["admin"]
    assert CommissionLine.objects.filter(period=period).count() == 3
    for model in ["commissionsettings", "commissionprofile", "commissionperiod", "commissionline"]:
        assert client.get(reverse(f"admin:reports_{model}_changelist")).status_code == 200
    line = CommissionLine.objects.first()
    page = client.get(reverse("admin:reports_commissionline_change", args=[line.pk]))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()  # read only


def test_commission_to_date_counts_payments_up_to_the_day(org, november):
    so_far = commission_to_date(user=org["rep1"], as_of=date(2026, 11, 12))
    assert (so_far.month, so_far.collected, so_far.commission) == (
        NOV,
        D("13000.00"),
        D("435.00"),  # 180.00 + 255.00: the running total is the month's, as on the statement
    )
    assert commission_to_date(user=org["rep2"], as_of=date(2026, 11, 30)).commission == 0


def test_a_float_row_off_postgresql_becomes_the_exact_line_postgresql_computes():
    """SQLite returns the live lines' numbers as floats (and dates as text): line_from_floats
    reads them back as the Decimals they stand for and redoes the money in Decimal, rounded
    half away from zero as PostgreSQL's ROUND: 3 % of 1,034.45 + 4.5 % of 200.05 is
    31.0335 + 9.00225 = 40.03575 → 40.04; the accelerated part 200.05."""
    from reports.selectors.commission_rows import line_from_floats

    exact = (3000.1 + 1234.5) - 4034.55  # 200.05000000000018 in floats
    base = ("earned", 7, "2026-11-05", 3, "苏州恒通电子", 4, "AR-1", 5, 1234.5, "0.0300")
    line = line_from_floats((*base, 200.05, 1.5, 40.04, exact))
    assert line.payment_date == date(2026, 11, 5)
    assert (line.amount, line.rate, line.multiplier) == (
        Decimal("1234.50"),
        Decimal("0.0300"),
        Decimal("1.5000"),
    )
    assert (line.accelerated, line.commission) == (Decimal("200.05"), Decimal("40.04"))
    assert line.at_rate == Decimal("1034.45")
    # A reversal copies a frozen line: its figures are read back, not recomputed.
    frozen = ("reversal", 7, "2026-10-05", 3, "x", 4, "AR-1", 5, -1234.5, 0.03, -200.05, 1.5)
    reversal = line_from_floats((*frozen, -40.04, -200.05))
    assert (reversal.amount, reversal.accelerated, reversal.commission) == (
        Decimal("-1234.50"),
        Decimal("-200.05"),
        Decimal("-40.04"),
    )
