"""Aging with exact figures around every boundary; totals always equal what is outstanding."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from receivables.models import ReceivableSettings
from receivables.rules import aging
from receivables.selectors.aging import aging_report
from receivables.services import payment_record, payment_void, receivable_write_off

D = Decimal
AS_OF = date(2026, 11, 23)


@pytest.mark.parametrize(
    ("days", "bucket"),
    [
        (-5, "not_due"),
        (0, "not_due"),
        (1, "b1"),
        (30, "b1"),
        (31, "b2"),
        (60, "b2"),
        (61, "b3"),
        (90, "b3"),
        (91, "b4"),
        (400, "b4"),
    ],
)
def test_bucket_for_every_boundary(days, bucket):
    assert aging.bucket_for(days).key == bucket


def test_custom_boundaries():
    assert [b.key for b in aging.buckets((15, 45, 120))] == ["not_due", "b1", "b2", "b3", "b4"]
    assert aging.bucket_for(16, (15, 45, 120)).key == "b2"
    assert aging.bucket_for(121, (15, 45, 120)).key == "b4"


@pytest.mark.django_db
def test_aging_around_every_boundary_with_partial_payments(org, buyer, invoice):
    # Due today, 1, 30, 31, 60, 61, 90 and 91 days ago: ¥1000 each, ¥100 × days apart.
    for days in (0, 1, 30, 31, 60, 61, 90, 91):
        invoice(f"AR-{days:03d}", AS_OF - timedelta(days=days), 1000 + days)
    invoice(
        "AR-RET",
        AS_OF + timedelta(days=300),
        "5000",
        issued=AS_OF - timedelta(days=10),
        kind="retention",
    )
    invoice("AR-FUT", AS_OF + timedelta(days=60), "7777", issued=AS_OF + timedelta(days=1))
    # ¥500 paid on the oldest (91 days) before as_of; a later payment must not count.
    payment_record(
        actor=org["finance1"],
        customer=buyer,
        date=AS_OF - timedelta(days=3),
        amount=D("500"),
        method="transfer",
    )
    report = aging_report(user=org["finance1"], as_of=AS_OF)
    (row,) = report.rows
    assert (row.not_due, row.b1, row.b2, row.b3, row.b4) == (
        D("6000.00"),  # due today 1000 + retention 5000 (future item issued later is excluded)
        D("2031.00"),  # 1 and 30 days: 1001 + 1030
        D("2091.00"),  # 31 and 60: 1031 + 1060
        D("2151.00"),  # 61 and 90: 1061 + 1090
        D("591.00"),  # 91 days: 1091 − 500
    )
    assert row.total == report.totals.total == D("12864.00")
    assert row.owner == "rep1"


@pytest.mark.django_db
def test_aging_as_of_an_earlier_date_ignores_later_payments_voids_and_write_offs(
    org, buyer, invoice
):
    receivable = invoice("AR-1", date(2026, 10, 1), "1000")
    payment_record(
        actor=org["finance1"],
        customer=buyer,
        date=date(2026, 11, 10),
        amount=D("400"),
        method="transfer",
    )
    voided = payment_record(
        actor=org["finance1"],
        customer=buyer,
        date=date(2026, 10, 5),
        amount=D("100"),
        method="cash",
    )
    payment_void(actor=org["finance1"], payment=voided, reason="录错")
    receivable_write_off(
        actor=org["finance1"],
        receivable=receivable,
        amount=D("50"),
        reason="尾差",
        on=date(2026, 11, 20),
    )
    before = aging_report(user=org["finance1"], as_of=date(2026, 11, 1)).totals
    after = aging_report(user=org["finance1"], as_of=AS_OF).totals
    assert (before.b2, before.total) == (D("1000.00"), D("1000.00"))  # 31 days overdue
    assert (after.b2, after.total) == (D("550.00"), D("550.00"))  # 53 days; 400 paid, 50 off


@pytest.mark.django_db
def test_issue_date_basis_is_a_setting(org, buyer, invoice):
    invoice("AR-1", AS_OF + timedelta(days=10), "1000", issued=AS_OF - timedelta(days=45))
    settings = ReceivableSettings.load()
    settings.basis = "issue"
    settings.save()
    assert aging_report(user=org["finance1"], as_of=AS_OF).totals.b2 == D("1000.00")


@pytest.mark.django_db
def test_grouping_and_health_flags(org, buyer, invoice):
    from customers.services.customers import customer_create

    other = customer_create(actor=org["rep3"], name="北方客户")
    invoice("AR-1", AS_OF - timedelta(days=100), "2500")  # rep1: all 90+ → alarm
    invoice("AR-2", AS_OF - timedelta(days=5), "7500", customer=other)  # rep3: healthy
    report = aging_report(user=org["admin"], as_of=AS_OF, group_by="owner")
    rows = {row.key: row for row in report.rows}
    assert set(rows) == {"rep1", "rep3"}
    assert (report.is_alarm(rows["rep1"]), report.is_unhealthy(rows["rep1"])) == (True, True)
    assert (report.is_alarm(rows["rep3"]), report.is_unhealthy(rows["rep3"])) == (False, False)
    by_team = aging_report(user=org["admin"], as_of=AS_OF, group_by="team")
    assert sorted(r.name for r in by_team.rows) == ["华东销售一部", "华北销售部"]
    by_region = aging_report(user=org["admin"], as_of=AS_OF, group_by="region")
    assert by_region.totals.total == D("10000.00")
    # Scope: rep3 sees only their own customer's balance.
    assert aging_report(user=org["rep3"], as_of=AS_OF).totals.total == D("7500.00")


@pytest.mark.django_db
def test_opening_balance_paid_before_go_live_counts_as_collected(org, buyer):
    from receivables.services import receivable_create

    receivable_create(
        actor=org["finance1"],
        customer=buyer,
        number="OB-1",
        issue_date=date(2026, 1, 5),
        due_date=date(2026, 2, 5),
        amount=D("100"),
        source="opening",
        allocated=D("100"),
    )
    receivable_create(
        actor=org["finance1"],
        customer=buyer,
        number="OB-2",
        issue_date=date(2026, 1, 5),
        due_date=date(2026, 2, 5),
        amount=D("300"),
        source="opening",
        allocated=D("120"),
    )
    report = aging_report(user=org["finance1"], as_of=AS_OF)
    assert (report.totals.b4, report.totals.total) == (D("180.00"), D("180.00"))


@pytest.mark.django_db
def test_only_opening_balances_start_partly_paid_and_amounts_are_never_rounded(org, buyer):
    from django.core.exceptions import ValidationError

    from receivables.models import Receivable
    from receivables.services import receivable_create

    common = {
        "actor": org["finance1"],
        "customer": buyer,
        "issue_date": date(2026, 1, 5),
        "due_date": date(2026, 2, 5),
    }
    with pytest.raises(ValidationError):
        receivable_create(number="M-1", amount=D("100"), allocated=D("10"), **common)
    with pytest.raises(ValidationError):
        receivable_create(number="M-2", amount=D("12.345"), **common)
    assert not Receivable.objects.exists()


@pytest.mark.django_db
def test_a_managers_own_receivables_age_in_the_team_they_lead(org, customers):
    from receivables.services import receivable_create

    for owner, amount in (("manager1", "400"), ("rep1", "1000"), ("rep3", "800")):
        receivable_create(
            actor=org["finance1"],
            customer=customers[owner],
            number=f"T-{owner}",
            issue_date=AS_OF - timedelta(days=60),
            due_date=AS_OF - timedelta(days=40),
            amount=D(amount),
        )
    by_team = aging_report(user=org["admin"], as_of=AS_OF, group_by="team")
    assert [(row.name, row.b2) for row in by_team.rows] == [
        ("华东销售一部", D("1400.00")),
        ("华北销售部", D("800.00")),
    ]
