"""The set-based escalation job against the old per-row one (tests/receivables/
escalation_oracle.py) on hand-made books: the same steps, notices, holds and warnings, run after
run; and the digest that lists the most overdue items and counts the rest."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from customers.models import Customer
from customers.services.customers import customer_create
from receivables import jobs
from receivables.models import CreditHoldEvent, EscalationEvent
from receivables.services import (
    credit_hold_put,
    payment_record,
    payment_void,
    receivable_create,
    receivable_write_off,
)
from salesops.core.models import Notification
from tests.receivables import escalation_oracle

pytestmark = pytest.mark.django_db
AS_OF = date(2026, 11, 23)
RUN = re.compile(r":[0-9a-f-]{36}$")


def outcome():
    """Everything a run leaves behind, without what differs by run (keys, clocks)."""
    return {
        "events": sorted(
            EscalationEvent.objects.values_list(
                "receivable__number",
                "level__from_days",
                "status",
                "as_of",
                "days_overdue",
                "balance",
            )
        ),
        "notices": sorted(
            (user, title, body, level, url, RUN.sub(":<run>", key))
            for user, title, body, level, url, key in Notification.objects.values_list(
                "recipient__username", "title", "body", "level", "url", "dedupe_key"
            )
        ),
        "customers": sorted(
            (name, held, reason, since is not None, customer.history.count())
            for customer, (name, held, reason, since) in (
                (c, (c.name, c.credit_hold, c.credit_hold_reason, c.credit_hold_since))
                for c in Customer.objects.all()
            )
        ),
        "hold_events": sorted(
            CreditHoldEvent.objects.values_list("customer__name", "kind", "reason")
        ),
    }


def same_as_the_oracle(days):
    """Run the old job over `days` and roll back, then the new one; both outcomes and the
    per-run results must be equal."""
    with transaction.atomic():
        expected_results = [escalation_oracle.receivable_escalate(as_of=day) for day in days]
        expected = outcome()
        transaction.set_rollback(True)
    results = [jobs.receivable_escalate(as_of=day) for day in days]
    assert results == expected_results
    assert outcome() == expected
    return results


@pytest.fixture
def book(org, buyer, invoice):
    """rep1's buyer (limit ¥100,000) and a second customer, rep2's, manager1's own, one in the
    pool and one already on hold; items at every step, crossing several at once, partly paid,
    written off, paid by a payment voided since, and not yet due."""
    make = {
        "rep1b": customer_create(actor=org["manager1"], owner=org["rep1"], name="无锡华光机械"),
        "rep2": customer_create(
            actor=org["manager1"], owner=org["rep2"], name="常州天宇", credit_limit=Decimal("5000")
        ),
        "own": customer_create(actor=org["manager1"], owner=org["manager1"], name="经理自营客户"),
        "rep3": customer_create(actor=org["manager2"], owner=org["rep3"], name="北京燕山"),
        "held": customer_create(actor=org["manager1"], owner=org["rep1"], name="已停供客户"),
    }
    credit_hold_put(customer=make["held"], reason="手工停供")
    invoice("AR-140", AS_OF - timedelta(days=140), "12345.60")
    invoice("AR-95", AS_OF - timedelta(days=95), "30000")
    invoice("AR-45", AS_OF - timedelta(days=45), "25000")
    invoice("AR-5", AS_OF - timedelta(days=5), "1000")
    invoice("AR-NOTDUE", AS_OF + timedelta(days=10), "40000")
    invoice("AR-B70", AS_OF - timedelta(days=70), "8800.5", customer=make["rep1b"])
    invoice("AR-B30", AS_OF - timedelta(days=30), "100", customer=make["rep1b"])
    partly = invoice("AR-R100", AS_OF - timedelta(days=100), "9000", customer=make["rep2"])
    invoice("AR-R61", AS_OF - timedelta(days=61), "2000", customer=make["rep2"])
    invoice("AR-M92", AS_OF - timedelta(days=92), "700", customer=make["own"])
    invoice("AR-Y65", AS_OF - timedelta(days=65), "5000", customer=make["rep3"])
    written = invoice("AR-Y200", AS_OF - timedelta(days=200), "6000", customer=make["rep3"])
    invoice("AR-H120", AS_OF - timedelta(days=120), "300", customer=make["held"])
    pay = {"actor": org["finance1"], "method": "transfer"}
    payment_record(
        customer=make["rep2"], date=AS_OF - timedelta(days=3), amount=Decimal("4000"), **pay
    )
    assert partly.__class__.objects.get(pk=partly.pk).balance == Decimal("5000.00")
    receivable_write_off(
        actor=org["finance1"], receivable=written, amount=Decimal("6000"), reason="破产", on=AS_OF
    )
    voided = payment_record(
        customer=make["rep3"], date=AS_OF - timedelta(days=2), amount=Decimal("5000"), **pay
    )
    payment_void(actor=org["finance1"], payment=voided, reason="退票")
    # a customer in the pool keeps its holds and steps but has nobody to tell
    pooled = customer_create(actor=org["manager1"], owner=org["rep1"], name="公海客户")
    invoice("AR-P95", AS_OF - timedelta(days=95), "400", customer=pooled)
    Customer.objects.filter(pk=pooled.pk).update(owner=None, pool_since=timezone.now())
    return make


def test_first_run_matches_the_oracle(book):
    # when the ladder first runs over the book
    [result] = same_as_the_oracle([AS_OF])
    # then (the oracle agreeing on every row) the highest steps are applied once each
    assert (result.steps, result.skipped, result.holds, result.digests, result.warnings) == (
        12,
        25,
        4,
        6,
        2,
    )


def test_the_next_days_rerun_and_items_paid_since_match_the_oracle(org, book, buyer, invoice):
    # given yesterday's run (the same in both worlds)
    jobs.receivable_escalate(as_of=AS_OF - timedelta(days=1))
    # and since then an item paid, one imported late and crossing two steps
    payment_record(
        actor=org["finance1"],
        customer=book["rep1b"],
        date=AS_OF,
        amount=Decimal("8800.50"),  # AR-B70, the oldest due, paid in full
        method="transfer",
    )
    invoice("AR-LATE", AS_OF - timedelta(days=75), "999")
    # when the ladder runs today, again today, and tomorrow
    results = same_as_the_oracle([AS_OF, AS_OF, AS_OF + timedelta(days=1)])
    # then today takes AR-R61 to 61 days and AR-LATE to 75 (two skipped), the rerun nothing,
    # tomorrow AR-B30 to 31 days
    assert [(r.steps, r.skipped) for r in results] == [(2, 2), (0, 0), (1, 0)]


def test_an_item_added_later_the_same_day_matches_the_oracle(book, invoice):
    jobs.receivable_escalate(as_of=AS_OF)
    invoice("AR-6", AS_OF - timedelta(days=6), "2000")
    [result] = same_as_the_oracle([AS_OF])
    assert (result.steps, result.digests) == (1, 1)


def test_a_digest_lists_the_most_overdue_items_and_counts_the_rest(
    org, buyer, invoice, monkeypatch
):
    # given four items of rep1 on two customers, and room for two per digest
    monkeypatch.setattr(jobs, "DIGEST_ITEMS", 2)
    other = customer_create(actor=org["manager1"], owner=org["rep1"], name="无锡华光机械有限公司")
    invoice("AR-5", AS_OF - timedelta(days=5), "1000")
    invoice("AR-45", AS_OF - timedelta(days=45), "25000")
    invoice("AR-6", AS_OF - timedelta(days=6), "10", customer=other)
    invoice("AR-40", AS_OF - timedelta(days=40), "20", customer=other)
    # when the ladder runs
    jobs.receivable_escalate(as_of=AS_OF)
    # then the title counts both customers, the body lists the two most overdue and the rest
    [(title, body)] = Notification.objects.filter(recipient=org["rep1"]).values_list(
        "title", "body"
    )
    assert title == "2026-11-23 逾期分级处理：2 个客户"
    assert body == (
        "无锡华光机械有限公司\n"
        "- AR-40 · 逾期 40 天 · ¥20.00 · 电话催收+上门拜访: 电话催收并安排上门拜访 · 负责人待办\n"
        "\n"
        "苏州恒通电子科技有限公司\n"
        "- AR-45 · 逾期 45 天 · ¥25,000.00 · 电话催收+上门拜访: 电话催收并安排上门拜访"
        " · 负责人待办\n"
        "\n"
        "……另有 2 笔未列出（以上为逾期最久的）；催收清单中可查看全部。"
    )


def queries_for(org, count: int, day: date) -> tuple[int, int]:
    """Queries of a first run and of its rerun over `count` overdue items on three customers."""
    with transaction.atomic():
        owned = [
            customer_create(
                actor=org["manager1"], owner=owner, name=f"客户{count}-{i}", credit_limit=1000
            )
            for i, owner in enumerate([org["rep1"], org["rep1"], org["rep2"]])
        ]
        for i in range(count):
            due = day - timedelta(days=(140, 70, 45)[i % 3] + i // 3)
            receivable_create(
                actor=org["finance1"],
                customer=owned[i % 3],
                number=f"Q{count}-{i}",
                issue_date=due,
                due_date=due,
                amount=Decimal("1000"),
            )
        with CaptureQueriesContext(connection) as first:
            result = jobs.receivable_escalate(as_of=day)
        assert (result.holds, result.digests, result.warnings) == (1, 3, 3)
        with CaptureQueriesContext(connection) as rerun:
            jobs.receivable_escalate(as_of=day)
        transaction.set_rollback(True)
    return len(first.captured_queries), len(rerun.captured_queries)


def test_query_count_is_the_same_for_5_and_50_items_and_a_rerun_reads_nothing_back(org):
    assert queries_for(org, 5, AS_OF) == queries_for(org, 50, AS_OF)
    # a rerun: the levels; the ladder's savepoint, day lock, insert that inserts nothing and
    # release; the settings; the warnings' savepoint, lock, query and release; and the run's
    # own record (salesops.core.models.JobRun: its insert, the deletion of its runs over 90 days
    # old, then its update)
    assert queries_for(org, 5, AS_OF)[1] == 13
