"""The set-based aging report, snapshot, outstanding totals, credit figures and group liability
equal the per-row computations they replaced (kept here as the oracle) on a hand-made book:
several customers, owners and teams, pool customers, partial and voided payments, write-offs,
opening balances, items issued and payments dated after the day, both bases, custom buckets,
every boundary day, past days and every scope."""

import threading
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Sum
from django.utils import timezone

from customers.models import Customer, CustomerGroup
from receivables.jobs import aging_snapshot_take
from receivables.models import AgingSnapshot, Receivable, ReceivableSettings
from receivables.rules import aging
from receivables.selectors.aging import AgingRow, aging_report
from receivables.selectors.balances import (
    ZERO,
    outstanding_by_customer,
    owner_team,
    receivables_as_of,
)
from receivables.selectors.credit import customer_money, flagged_groups
from receivables.services import (
    payment_record,
    payment_void,
    receivable_create,
    receivable_write_off,
)
from salesops.core.localized import localized
from tests.factories import CustomerFactory, RegionFactory

D = Decimal
TODAY = date(2026, 11, 30)


def old_aging_report(*, user, as_of: date, group_by: str = "customer"):
    """aging_report before issue 10, verbatim but for the dataclass: every receivable issued by
    `as_of` to Python with two correlated subqueries each, bucketed in a loop. Returns (rows
    sorted by total then name, totals)."""
    settings = ReceivableSettings.load()
    rows: dict[str, AgingRow] = {}
    totals = AgingRow(key="total", name="合计")
    qs = receivables_as_of(user=user, as_of=as_of).values(
        "amount",
        "due_date",
        "issue_date",
        "collected_as_of",
        "written_off_as_of",
        "customer_id",
        "customer__name",
        "customer__owner__username",
        "customer__owner__display_name",
        team_key=owner_team(),
        team_name=owner_team(field="name"),
        region=localized("customer__region__name"),
    )
    for item in qs.iterator(chunk_size=2000):
        balance = item["amount"] - item["collected_as_of"] - item["written_off_as_of"]
        if balance <= 0:
            continue
        start = item["due_date"] if settings.basis == "due" else item["issue_date"]
        days = aging.days_overdue(due=start, as_of=as_of)
        bucket = aging.bucket_for(days, settings.boundaries)
        owner = item["customer__owner__display_name"] or item["customer__owner__username"] or "公海"
        key, name = {
            "customer": (str(item["customer_id"]), item["customer__name"]),
            "owner": (item["customer__owner__username"] or "-", owner),
            "team": (str(item["team_key"]), item["team_name"] or "—"),
            "region": (item["region"] or "-", item["region"] or "—"),
        }[group_by]
        row = rows.setdefault(key, AgingRow(key=key, name=name))
        if group_by == "customer":
            row.owner = owner
        row.add(bucket.key, balance)
        totals.add(bucket.key, balance)
    return sorted(rows.values(), key=lambda r: (-r.total, r.name, r.key)), totals


def old_outstanding_by_customer(*, as_of: date) -> dict[int, Decimal]:
    """Per receivable by the correlated subqueries, summed per customer in Python."""
    totals: dict[int, Decimal] = {}
    for r in receivables_as_of(user=None, as_of=as_of).owed_then():
        totals[r.customer_id] = (
            totals.get(r.customer_id, ZERO) + r.amount - r.collected_as_of - r.written_off_as_of
        )
    return totals


def old_flagged_groups(*, as_of: date) -> set[int]:
    return set(
        receivables_as_of(user=None, as_of=as_of)
        .filter(customer__group__isnull=False, due_date__lte=as_of - timedelta(days=1))
        .owed_then()
        .values_list("customer__group_id", flat=True)
    )


def figures(row: AgingRow) -> tuple:
    return (row.key, row.name, row.owner, row.not_due, row.b1, row.b2, row.b3, row.b4)


def everything(user, as_of, group_by):
    """Every row of the new report, page after page of 2, and its totals."""
    first = aging_report(user=user, as_of=as_of, group_by=group_by, per_page=2)
    rows = list(first.rows)
    for number in range(2, first.paginator.num_pages + 1):
        rows += aging_report(
            user=user, as_of=as_of, group_by=group_by, page=number, per_page=2
        ).rows
    return first, rows


@pytest.fixture
def book(org, customers, monkeypatch):
    """Five owned customers in two teams and two regions, a pool customer, a group of two;
    receivables due around every boundary, paid partly, in full, by a voided payment, written
    off, opening balances partly paid before go-live, one issued after the day."""
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: TODAY)
    finance = org["finance1"]
    north = RegionFactory(name="华北")
    pool = CustomerFactory(name="公海客户", owner=None, pool_since=timezone.now(), region=north)
    Customer.objects.filter(pk=customers["rep3"].pk).update(region=north)
    group = CustomerGroup.objects.create(name="恒通集团")
    Customer.objects.filter(pk__in=[customers["rep1"].pk, customers["rep3"].pk]).update(group=group)
    org["manager1"].display_name = "王经理"
    org["manager1"].save()
    everyone = {**customers, "pool": pool}
    day = TODAY - timedelta(days=120)
    for index, (who, customer) in enumerate(everyone.items()):
        for step, offset in enumerate((0, 1, 30, 31, 60, 61, 90, 91, 150, -20)):
            due = TODAY - timedelta(days=offset)
            receivable_create(
                actor=finance,
                customer=customer,
                number=f"{who}-{step}",
                issue_date=min(due, TODAY) - timedelta(days=15 + 7 * index),
                due_date=due,
                amount=D(1000 + 37 * step + 11 * index),
            )
    receivable_create(
        actor=finance,
        customer=customers["rep2"],
        number="rep2-late",
        issue_date=TODAY - timedelta(days=3),
        due_date=TODAY + timedelta(days=27),
        amount=D("555.55"),
    )
    for who, amount, paid in (("rep1", "800", "300"), ("manager2", "450.40", "450.40")):
        receivable_create(
            actor=finance,
            customer=customers[who],
            number=f"{who}-opening",
            issue_date=day - timedelta(days=200),
            due_date=day - timedelta(days=170),
            amount=D(amount),
            source=Receivable.Source.OPENING,
            allocated=D(paid),
        )
    for who, on, amount in (
        ("rep1", TODAY - timedelta(days=80), "1500"),
        ("rep1", TODAY - timedelta(days=5), "2222.22"),
        ("rep2", TODAY - timedelta(days=45), "4100"),
        ("rep3", TODAY - timedelta(days=1), "900.10"),
        ("pool", TODAY - timedelta(days=20), "3000"),
        ("manager1", TODAY - timedelta(days=61), "1200"),
    ):
        payment_record(
            actor=finance, customer=everyone[who], date=on, amount=D(amount), method="transfer"
        )
    voided = payment_record(
        actor=finance,
        customer=customers["rep3"],
        date=TODAY - timedelta(days=70),
        amount=D("2500"),
        method="cash",
    )
    payment_void(actor=finance, payment=voided, reason="录错")
    for who, step, on, amount in (
        ("rep2", 1, TODAY - timedelta(days=10), D("300")),
        ("manager2", 7, TODAY - timedelta(days=40), None),  # the whole balance
        ("pool", 2, TODAY - timedelta(days=2), D("50.05")),
    ):
        receivable = Receivable.objects.get(number=f"{who}-{step}")
        receivable_write_off(
            actor=finance,
            receivable=receivable,
            amount=amount or receivable.balance,
            reason="尾差",
            on=on,
        )
    return {**org, "customers": everyone, "group": group}


DAYS = [
    TODAY,
    TODAY - timedelta(days=1),
    TODAY - timedelta(days=30),  # payments and write-offs dated after it count as owed
    TODAY - timedelta(days=31),
    TODAY - timedelta(days=61),
    TODAY - timedelta(days=90),
    TODAY - timedelta(days=91),
    date(2026, 8, 31),  # a past month end
    TODAY + timedelta(days=10),
]


@pytest.mark.parametrize("group_by", ["customer", "owner", "team", "region"])
@pytest.mark.parametrize("viewer", ["admin", "finance1", "manager1", "manager2", "rep1", "rep3"])
def test_the_report_equals_the_per_row_one_on_every_day_group_and_scope(book, viewer, group_by):
    # given the book; when each day is asked for; then every bucket of every group agrees
    for as_of in DAYS:
        old_rows, old_totals = old_aging_report(user=book[viewer], as_of=as_of, group_by=group_by)
        report, rows = everything(book[viewer], as_of, group_by)
        assert [figures(r) for r in rows] == [figures(r) for r in old_rows], as_of
        assert figures(report.totals) == figures(old_totals), as_of
        assert report.row_count == len(old_rows)


@pytest.mark.parametrize("basis", ["due", "issue"])
@pytest.mark.parametrize("boundaries", [(30, 60, 90), (15, 45, 120), (1, 2, 3)])
def test_the_report_equals_the_per_row_one_for_either_basis_and_any_buckets(
    book, basis, boundaries
):
    settings = ReceivableSettings.load()
    settings.basis = basis
    settings.bucket_1, settings.bucket_2, settings.bucket_3 = boundaries
    settings.save()
    for as_of in [*DAYS, *(TODAY - timedelta(days=b) for b in boundaries)]:
        for group_by in ("customer", "team"):
            old_rows, old_totals = old_aging_report(
                user=book["admin"], as_of=as_of, group_by=group_by
            )
            report, rows = everything(book["admin"], as_of, group_by)
            assert [figures(r) for r in rows] == [figures(r) for r in old_rows], as_of
            assert figures(report.totals) == figures(old_totals)


def test_the_book_has_what_the_oracle_must_cover(book):
    # pool, opening, voided and written-off rows all take part (a guard against a thin book)
    old_rows, totals = old_aging_report(user=book["admin"], as_of=TODAY, group_by="owner")
    assert {r.key for r in old_rows} == {"-", "rep1", "rep2", "rep3", "manager1", "manager2"}
    assert {r.name for r in old_rows} >= {"公海", "王经理"}
    assert all(getattr(totals, k) > 0 for k in ("not_due", "b1", "b2", "b3", "b4"))


def test_a_page_past_the_end_shows_the_last_and_the_totals_are_the_whole_books(book):
    report = aging_report(user=book["admin"], as_of=TODAY, per_page=4, page=99)
    assert (report.page.number, report.paginator.num_pages, report.row_count) == (2, 2, 6)
    assert len(report.rows) == 2
    old_rows, old_totals = old_aging_report(user=book["admin"], as_of=TODAY)
    assert [figures(r) for r in report.rows] == [figures(r) for r in old_rows[4:]]
    assert figures(report.totals) == figures(old_totals)
    assert [figures(r) for r in report.all_rows()] == [figures(r) for r in old_rows]


def test_nothing_in_scope_is_one_empty_page(book, org):
    from tests.factories import UserFactory

    loner = UserFactory(username="rep9", role="rep")
    report = aging_report(user=loner, as_of=TODAY)
    assert (report.rows, report.row_count, report.totals.total) == ([], 0, ZERO)
    assert (report.page.number, report.paginator.num_pages) == (1, 1)


def test_outstanding_by_customer_equals_the_per_row_sums(book):
    for as_of in DAYS:
        assert outstanding_by_customer(as_of=as_of) == old_outstanding_by_customer(as_of=as_of)
    some = Customer.objects.filter(
        pk__in=[book["customers"]["rep1"].pk, book["customers"]["pool"].pk]
    )
    assert outstanding_by_customer(as_of=TODAY, customers=some) == {
        pk: total
        for pk, total in old_outstanding_by_customer(as_of=TODAY).items()
        if pk in {c.pk for c in some}
    }


def test_group_liability_equals_the_per_row_check(book):
    assert flagged_groups(as_of=TODAY) == old_flagged_groups(as_of=TODAY) == {book["group"].pk}
    for as_of in DAYS:
        assert flagged_groups(as_of=as_of) == old_flagged_groups(as_of=as_of), as_of
    assert flagged_groups(as_of=TODAY, group_ids=[]) == set()


def test_customer_money_totals_equal_the_sums_over_the_open_items(book):
    for customer in book["customers"].values():
        money = customer_money(customer=customer, as_of=TODAY)
        items = money["open_receivables"]
        assert money["open_total"] == sum((r.balance for r in items), ZERO)
        assert money["overdue_total"] == sum((r.balance for r in items if r.due_date < TODAY), ZERO)


def snapshot_rows(as_of):
    return sorted(
        AgingSnapshot.objects.filter(as_of=as_of).values_list(
            "customer_id", "not_due", "b1", "b2", "b3", "b4", "total"
        )
    )


def page_rows(as_of):
    report = aging_report(user=None, as_of=as_of, per_page=1000)
    return sorted(
        (int(r.key), r.not_due, r.b1, r.b2, r.b3, r.b4, r.total) for r in report.all_rows()
    )


@pytest.mark.parametrize("as_of", [TODAY, TODAY - timedelta(days=31), date(2026, 8, 31)])
def test_the_snapshot_is_the_pages_per_customer_rows_and_a_rerun_changes_nothing(book, as_of):
    # when the job runs twice for the day; then the day's rows are the page's, once
    count = aging_snapshot_take(as_of=as_of)
    first = snapshot_rows(as_of)
    assert first == page_rows(as_of)
    assert count == len(first) > 0
    aging_snapshot_take(as_of=as_of)
    assert snapshot_rows(as_of) == first
    assert AgingSnapshot.objects.filter(as_of=as_of).count() == len(first)
    assert AgingSnapshot.objects.filter(as_of=as_of).aggregate(t=Sum("total"))["t"] == (
        old_aging_report(user=None, as_of=as_of)[1].total
    )


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_leave_one_set(org, customers):
    for who, customer in customers.items():
        receivable_create(
            actor=org["finance1"],
            customer=customer,
            number=f"C-{who}",
            issue_date=TODAY - timedelta(days=50),
            due_date=TODAY - timedelta(days=20),
            amount=D("1000"),
        )
    errors, barrier = [], threading.Barrier(2)

    def run():
        try:
            barrier.wait()
            aging_snapshot_take(as_of=TODAY)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert AgingSnapshot.objects.filter(as_of=TODAY).count() == 5
    assert snapshot_rows(TODAY) == page_rows(TODAY)
