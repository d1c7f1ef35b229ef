"""Stored balances: each receivable's settled day and balance in fen follow every kind of money
write, agree with the ledger, and "open on D" / the balance rows on D equal what the per-row
subqueries (the computation they replace, kept here as the oracle) say for past and present days."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import F

from receivables import services
from receivables.models import Receivable
from receivables.selectors.balances import (
    balance_rows_sql,
    ledger_mismatches,
    receivables_as_of,
)
from salesops.core.money import from_fen

TODAY = date(2026, 11, 30)


@pytest.fixture
def book(org, buyer, invoice, monkeypatch):
    """Six receivables of one customer exercising every write: partial and full payment, a void,
    a write-off, a prepayment dated before the issue date, and two opening balances."""
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: TODAY)
    finance = org["finance1"]
    paid = invoice("R-PAID", date(2026, 2, 1), 1000, issued=date(2026, 1, 1))
    voided = invoice("R-VOID", date(2026, 3, 1), 500, issued=date(2026, 1, 15))
    written = invoice("R-WO", date(2026, 4, 1), 800, issued=date(2026, 2, 1))
    opened = services.receivable_create(
        actor=finance,
        customer=buyer,
        number="R-OPEN",
        issue_date=date(2025, 12, 1),
        due_date=date(2026, 1, 1),
        amount=Decimal("300"),
        source=Receivable.Source.OPENING,
        allocated=Decimal("100"),
    )
    settled_opening = services.receivable_create(
        actor=finance,
        customer=buyer,
        number="R-OPEN-PAID",
        issue_date=date(2025, 11, 1),
        due_date=date(2025, 12, 1),
        amount=Decimal("200"),
        source=Receivable.Source.OPENING,
        allocated=Decimal("200"),
    )

    def pay(day, amount, pairs):
        payment = services.payment_record(
            actor=finance,
            customer=buyer,
            date=day,
            amount=Decimal(amount),
            method="transfer",
            allocate=False,
        )
        services.payment_allocate(
            actor=finance,
            payment=payment,
            requests=[
                services.AllocationRequest(receivable=r, amount=Decimal(a)) for r, a in pairs
            ],
        )
        return payment

    pay(date(2026, 3, 1), "600", [(paid, "600")])
    pay(date(2026, 4, 10), "400", [(paid, "400")])
    bounced = pay(date(2026, 3, 20), "500", [(voided, "500")])
    services.payment_void(actor=finance, payment=bounced, reason="退票")
    pay(date(2026, 5, 1), "300", [(written, "300")])
    services.receivable_write_off(
        actor=finance, receivable=written, amount=Decimal("500"), reason="破产", on=date(2026, 6, 1)
    )
    # Received before the invoice existed: settled on its issue date, not before.
    early = pay(date(2026, 6, 20), "250", [])
    prepaid = invoice("R-PREPAID", date(2026, 8, 1), 250, issued=date(2026, 7, 1))
    services.payment_allocate(
        actor=finance,
        payment=early,
        requests=[services.AllocationRequest(receivable=prepaid, amount=Decimal("250"))],
    )
    return {
        r.number: r
        for r in Receivable.objects.filter(
            pk__in=[paid.pk, voided.pk, written.pk, opened.pk, settled_opening.pk, prepaid.pk]
        )
    }


def test_each_kind_of_write_sets_the_settled_day_and_the_balance_in_fen(book):
    settled = {number: r.settled_on for number, r in book.items()}
    assert settled == {
        "R-PAID": date(2026, 4, 10),  # the second payment's date
        "R-VOID": None,  # its only payment was voided: open again
        "R-WO": date(2026, 6, 1),  # paid in part, the rest written off
        "R-OPEN": None,  # 100 of 300 paid before go-live
        "R-OPEN-PAID": date(2025, 11, 1),  # paid before go-live: settled from its issue date
        "R-PREPAID": date(2026, 7, 1),  # the money came before the invoice
    }
    assert {number: r.balance_fen for number, r in book.items()} == {
        "R-PAID": 0,
        "R-VOID": 50000,
        "R-WO": 0,
        "R-OPEN": 20000,
        "R-OPEN-PAID": 0,
        "R-PREPAID": 0,
    }
    assert ledger_mismatches() == []
    assert list(Receivable.objects.open().order_by("number").values_list("number", flat=True)) == [
        "R-OPEN",
        "R-VOID",
    ]


def test_a_later_payment_reopened_by_a_void_clears_the_settled_day(org, book):
    payment = book["R-PAID"].allocations.get(amount=Decimal("400")).payment
    services.payment_void(actor=org["finance1"], payment=payment, reason="重复入账")
    paid = Receivable.objects.get(number="R-PAID")
    assert (paid.settled_on, paid.balance_fen) == (None, 40000)
    assert ledger_mismatches() == []


def test_the_ledger_check_finds_stored_totals_that_disagree(book):
    # Both columns moved together (the CHECK holds) but no allocation is behind the change.
    Receivable.objects.filter(number="R-VOID").update(
        allocated=F("amount"), settled_on=date(2026, 5, 5)
    )
    Receivable.objects.filter(number="R-PAID").update(settled_on=date(2026, 4, 11))
    assert ledger_mismatches() == sorted([book["R-VOID"].pk, book["R-PAID"].pk])
    assert ledger_mismatches([book["R-PAID"].pk]) == [book["R-PAID"].pk]


def test_the_database_refuses_a_settled_day_on_an_open_receivable(book):
    with pytest.raises(IntegrityError), transaction.atomic():
        Receivable.objects.filter(number="R-VOID").update(settled_on=date(2026, 5, 5))
    with pytest.raises(IntegrityError), transaction.atomic():
        Receivable.objects.filter(number="R-PAID").update(settled_on=None)


def _oracle(as_of: date) -> dict[str, Decimal]:
    """What each receivable owed on `as_of` by the correlated subqueries of before."""
    return {
        r.number: r.amount - r.collected_as_of - r.written_off_as_of
        for r in receivables_as_of(user=None, as_of=as_of).owed_then()
    }


def _balance_rows(user, as_of: date) -> dict[str, Decimal]:
    sql, params = balance_rows_sql(user=user, as_of=as_of)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT receivable_id, SUM(fen) FROM ({sql}) owed GROUP BY receivable_id",  # noqa: S608
            params,
        )
        totals = dict(cursor.fetchall())
    numbers = dict(Receivable.objects.filter(pk__in=totals).values_list("pk", "number"))
    return {numbers[pk]: from_fen(fen) for pk, fen in totals.items() if fen}


DAYS = [
    date(2025, 10, 31),  # before anything was issued
    date(2025, 11, 1),
    date(2025, 12, 31),
    date(2026, 2, 28),
    date(2026, 3, 1),  # the first payment's day
    date(2026, 3, 20),  # the voided payment's day
    date(2026, 4, 9),
    date(2026, 4, 10),
    date(2026, 5, 31),
    date(2026, 6, 1),  # the write-off's day
    date(2026, 6, 30),  # prepaid money in, invoice not yet issued
    date(2026, 7, 1),
    TODAY,
]


@pytest.mark.parametrize("as_of", DAYS)
def test_balance_rows_and_open_on_equal_the_per_row_subqueries(book, as_of):
    expected = _oracle(as_of)
    assert _balance_rows(None, as_of) == expected
    open_then = Receivable.objects.open_on(as_of).values_list("number", flat=True)
    assert sorted(open_then) == sorted(expected)


def test_balance_rows_on_a_past_day_are_exact(book):
    assert _balance_rows(None, date(2026, 3, 25)) == {
        "R-PAID": Decimal("400.00"),
        "R-VOID": Decimal("500.00"),  # the void counts as never received
        "R-WO": Decimal("800.00"),
        "R-OPEN": Decimal("200.00"),
    }


def test_balance_rows_are_scoped_like_the_pages(org, book):
    assert _balance_rows(org["rep1"], date(2026, 3, 25)) == _balance_rows(None, date(2026, 3, 25))
    assert _balance_rows(org["rep3"], date(2026, 3, 25)) == {}
    assert _balance_rows(org["rep3"], TODAY - timedelta(days=1)) == {}


@pytest.mark.django_db(transaction=True)
def test_the_migrations_settle_a_book_that_was_loaded_before_them(book):
    """Upgrading a database that holds receivables: undo the two migrations, then apply them
    again; the backfill gives every receivable the settled day the services gave it (and on
    PostgreSQL the indexes build after the backfill's UPDATE has committed)."""
    from django.db.migrations.executor import MigrationExecutor

    expected = dict(Receivable.objects.values_list("number", "settled_on"))
    executor = MigrationExecutor(connection)
    executor.migrate([("receivables", "0007_english_names_and_admin_labels")])
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    # Every app's leaves: going back to 0007 also unapplied the later apps' migrations that
    # depend on receivables (orders, reports), whose tables the next tests need.
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert dict(Receivable.objects.values_list("number", "settled_on")) == expected
    assert ledger_mismatches() == []


def test_a_user_without_a_role_sees_an_empty_aging_page_and_no_balance_rows(client, book):
    from tests.factories import UserFactory

    nobody = UserFactory(username="norole", role="")
    assert _balance_rows(nobody, TODAY) == {}
    client.force_login(nobody)
    response = client.get("/receivables/aging/", {"as_of": TODAY.isoformat()})
    assert response.status_code == 200
    assert (response.context["report"].row_count, response.context["report"].totals.total) == (
        0,
        Decimal("0.00"),
    )
