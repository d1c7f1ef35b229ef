"""generate_dataset: a tiny book (scale 0.001, 50 customers, 2,500 receivables) has the counts
its formulas give, a ledger that adds up, the ladder and holds the jobs would have left, and the
same rows for the same seed."""

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from customers import dataset as customers_data
from customers.models import Contact, Customer, FollowUp
from opportunities import dataset as opportunities_data
from opportunities.models import Opportunity, StageChange
from orders import dataset as orders_data
from orders.models import Order, Product
from receivables import jobs
from receivables.dataset import ledger
from receivables.models import (
    AgingSnapshot,
    Allocation,
    CreditHoldEvent,
    EscalationEvent,
    Payment,
    Receivable,
    WriteOff,
)
from receivables.selectors.balances import ledger_mismatches
from reports.management.commands.generate_dataset import require_postgresql
from salesops.accounts import dataset as accounts_data
from salesops.accounts.models import Team, User
from salesops.core.dataset import Plan, allot, checksum
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db
SCALE = 0.001
AS_OF = date(2026, 12, 1)


@pytest.fixture(autouse=True)
def _postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("generate_dataset loads with PostgreSQL COPY")


def generate(seed: int = 1, **options) -> None:
    call_command(
        "generate_dataset",
        scale=SCALE,
        seed=seed,
        as_of=AS_OF,
        snapshot_days=3,
        replace=True,
        stdout=io.StringIO(),
        **options,
    )


def fetch(sql: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


def book_checksums() -> dict[str, str]:
    """md5 per table over its key columns in id order."""
    queries = {
        "users": "SELECT id, username, display_name, team_id FROM accounts_user ORDER BY id",
        "customers": "SELECT id, name, owner_id, tier, trailing_revenue, credit_hold, "
        "next_followup_due FROM customers_customer ORDER BY id",
        "followups": "SELECT id, customer_id, occurred_at, next_step_due FROM customers_followup "
        "ORDER BY id",
        "deals": "SELECT id, customer_id, amount, stage_id, status FROM opportunities_opportunity "
        "ORDER BY id",
        "stage changes": "SELECT id, opportunity_id, kind, to_level, changed_at "
        "FROM opportunities_stagechange ORDER BY id",
        "receivables": "SELECT id, customer_id, issue_date, amount, allocated, written_off "
        "FROM receivables_receivable ORDER BY id",
        "payments": "SELECT id, date, amount, allocated, voided_at FROM receivables_payment "
        "ORDER BY id",
        "allocations": "SELECT id, payment_id, receivable_id, amount, reversed_at "
        "FROM receivables_allocation ORDER BY id",
        "escalations": "SELECT receivable_id, level_id, status, as_of, balance "
        "FROM receivables_escalationevent ORDER BY receivable_id, level_id",
        "snapshots": "SELECT customer_id, as_of, total FROM receivables_agingsnapshot "
        "ORDER BY customer_id, as_of",
    }
    return {name: checksum(sql) for name, sql in queries.items()}


def test_allot_splits_exactly_by_weight():
    assert allot(10, [1, 1, 1]) == [4, 3, 3]
    assert allot(7, [3, 0, 1]) == [5, 0, 2]
    assert sum(allot(2_500, [0.3, 7.1, 2.2, 0.01])) == 2_500


def test_the_counts_follow_the_scale_formulas():
    # given the formulas at S=0.001 (minimums: 2 teams, 2 reps a team, 20 customers)
    plan = Plan(SCALE, 1, AS_OF)
    people = accounts_data.counts(plan)
    assert people == {"teams": 2, "reps": 4, "users": 1 + 3 + 2 + 4}
    assert customers_data.counts(plan) == {
        "customers": 50,
        "contacts": 125,
        "followups": 1_000,
    }
    assert opportunities_data.counts(plan, 50) == {"opportunities": 200}
    assert ledger.counts(plan, 50) == {"receivables": 2_500}
    assert orders_data.counts(plan, 50) == {"products": 20, "orders": 300}
    # when the book is generated
    generate()
    # then every table holds its formula's rows
    assert User.objects.count() == 10
    assert User.objects.filter(is_superuser=True).count() == 1
    assert Team.objects.count() == 2
    assert Customer.objects.count() == 50
    assert Contact.objects.count() == 125
    assert FollowUp.objects.count() == 1_000
    assert Opportunity.objects.count() == 200
    assert Receivable.objects.count() == 2_500
    assert Product.objects.count() == 20
    assert Order.objects.count() == 300
    # and the derived tables are within the book's proportions
    assert 1.0 < Allocation.objects.count() / Payment.objects.count() < 1.6
    assert 2.5 < StageChange.objects.count() / 200 < 4.5
    # ~5% pooled: none at all would make the pool pages untestable
    assert 1 <= Customer.objects.filter(owner__isnull=True).count() <= 8
    assert User.objects.get(username="rep001").check_password("bench1234")
    # moments are Shanghai wall-clock times: follow-ups happen in office hours there
    hours = {timezone.localtime(f.occurred_at).hour for f in FollowUp.objects.all()}
    assert hours <= set(range(9, 18))


def test_the_ledger_adds_up_for_every_receivable_and_payment():
    generate()
    # allocated, written_off and settled_on as the ledger says (the CHECKs held on COPY)
    assert ledger_mismatches() == []
    assert (
        Receivable.objects.filter(settled_on__isnull=False).count()
        == 2_500 - fetch("SELECT COUNT(*) FROM receivables_receivable WHERE balance_fen > 0")[0][0]
    )
    # allocated = opening_paid + active allocations; written_off = its write-offs
    assert (
        fetch(
            """SELECT r.id FROM receivables_receivable r
           WHERE r.allocated <> r.opening_paid + COALESCE((SELECT SUM(a.amount)
                 FROM receivables_allocation a
                 WHERE a.receivable_id = r.id AND a.reversed_at IS NULL), 0)
              OR r.written_off <> COALESCE((SELECT SUM(w.amount) FROM receivables_writeoff w
                 WHERE w.receivable_id = r.id), 0)
              OR r.amount < r.allocated + r.written_off"""
        )
        == []
    )
    # a payment's allocated = its active allocations; voided ones have none left
    assert (
        fetch(
            """SELECT p.id FROM receivables_payment p
           WHERE p.allocated <> COALESCE((SELECT SUM(a.amount) FROM receivables_allocation a
                 WHERE a.payment_id = p.id AND a.reversed_at IS NULL), 0)
              OR p.amount < p.allocated OR p.date > '2026-12-01'
              OR (p.voided_at IS NOT NULL AND (p.allocated <> 0 OR p.void_reason = ''))"""
        )
        == []
    )
    voided = Payment.objects.filter(voided_at__isnull=False)
    assert voided.exists()
    assert not Allocation.objects.filter(payment__in=voided, reversed_at__isnull=True).exists()
    # write-offs between the issue date and as-of
    assert (
        fetch(
            """SELECT w.id FROM receivables_writeoff w JOIN receivables_receivable r
           ON r.id = w.receivable_id WHERE w.date < r.issue_date OR w.date > '2026-12-01'"""
        )
        == []
    )
    assert WriteOff.objects.exists()
    assert Receivable.objects.filter(source="opening", opening_paid__gt=0).exists()
    assert Receivable.objects.filter(kind="retention").exists()
    # the open share: 22% in the full book; ±6 points at this size (a few big customers decide)
    open_share = Receivable.objects.open().count() / 2_500
    assert 0.16 <= open_share <= 0.28


def test_the_ladder_and_the_holds_are_what_the_jobs_would_have_left():
    generate()
    # given the book, when yesterday's escalation runs again, then it finds nothing to add
    before = EscalationEvent.objects.count()
    assert before > 0
    result = jobs.receivable_escalate(as_of=AS_OF - timedelta(days=1))
    assert (result.steps, result.skipped, result.holds) == (0, 0, 0)
    assert EscalationEvent.objects.count() == before
    # every customer on hold has a hold event with its reason as its last event
    held = Customer.objects.filter(credit_hold=True)
    assert held.exists()
    for customer in held:
        last = CreditHoldEvent.objects.filter(customer=customer).order_by("-created_at", "-pk")[0]
        assert (last.kind, last.reason) == ("hold", customer.credit_hold_reason)
    # and customers off hold have none, or a release as their last event
    for customer in Customer.objects.filter(credit_hold=False, credit_hold_events__isnull=False):
        last = CreditHoldEvent.objects.filter(customer=customer).order_by("-created_at", "-pk")[0]
        assert last.kind == "release"


def test_the_snapshots_equal_the_nightly_job():
    generate()
    stored = {
        (s.customer_id, s.as_of): (s.not_due, s.b1, s.b2, s.b3, s.b4, s.total)
        for s in AgingSnapshot.objects.all()
    }
    assert {day for _, day in stored} == {AS_OF - timedelta(days=d) for d in range(3)}
    for day in (AS_OF, AS_OF - timedelta(days=2)):
        jobs.aging_snapshot_take(as_of=day)
        again = {
            (s.customer_id, s.as_of): (s.not_due, s.b1, s.b2, s.b3, s.b4, s.total)
            for s in AgingSnapshot.objects.filter(as_of=day)
        }
        assert again == {key: value for key, value in stored.items() if key[1] == day}
        assert sum(v[-1] for v in again.values()) > Decimal(0)


def test_the_same_seed_gives_the_same_book_and_another_seed_another():
    generate(seed=1)
    first = book_checksums()
    generate(seed=1)
    assert book_checksums() == first
    generate(seed=2)
    other = book_checksums()
    assert all(other[name] != first[name] for name in first)


def test_a_database_with_customers_is_refused_without_replace_and_nothing_is_written():
    # given one customer
    CustomerFactory()
    users, customers = User.objects.count(), Customer.objects.count()
    # when the book is generated without --replace, then it is refused
    with pytest.raises(CommandError, match="--replace"):
        call_command("generate_dataset", scale=SCALE, as_of=AS_OF)
    # and nothing was written
    assert (User.objects.count(), Customer.objects.count()) == (users, customers)
    assert not Receivable.objects.exists()
    assert not FollowUp.objects.exists()


def test_sqlite_is_refused():
    with pytest.raises(CommandError, match="PostgreSQL"):
        require_postgresql("sqlite")
    require_postgresql("postgresql")


def test_orders_add_up_and_contracts_split_exactly_into_their_milestones():
    # given the book
    generate()
    # then every order's totals are its lines' sums, and no line breaks the amount rule
    assert (
        fetch(
            "SELECT o.id FROM orders_order o JOIN orders_orderline l ON l.order_id = o.id "
            "GROUP BY o.id HAVING o.total <> SUM(l.amount) OR o.total_net <> SUM(l.amount_net)"
        )
        == []
    )
    assert (
        fetch(
            "SELECT id FROM orders_orderline WHERE amount <> ROUND(quantity * unit_price * "
            "(1 - discount), 2) OR amount_net <> ROUND(amount / (1 + tax_rate), 2)"
        )
        == []
    )
    # and every contract's milestones are 30/60/10% summing to its total to the fen
    assert (
        fetch(
            "SELECT c.id FROM orders_contract c "
            "JOIN orders_paymentmilestone m ON m.contract_id = c.id GROUP BY c.id "
            "HAVING SUM(m.amount) <> c.total OR SUM(m.percent) <> 100 OR count(*) <> 3"
        )
        == []
    )
    # and a step's day is never after the book's today, with the statuses it implies
    assert (
        fetch(
            "SELECT id FROM orders_order WHERE accepted_on > %s OR delivered_on > %s "
            "OR (status IN ('accepted', 'closed')) <> (accepted_on IS NOT NULL)".replace(
                "%s", f"'{AS_OF}'"
            )
        )
        == []
    )
    # and every status of the machine is in the book
    statuses = {status for (status,) in fetch("SELECT DISTINCT status FROM orders_order")}
    assert statuses == {s for s, _label in Order.Status.choices}
