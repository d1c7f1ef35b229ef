"""Quarterly re-tiering from trailing revenue (customers/services/tiers.py): exact ABC(D) tiers
on hand-made revenue tables, the 80% and 95% boundaries, ties, locks, RAD by share of wallet at
its exact thresholds, the TierChange rows and their reasons, the owners' digests, a rerun that
does nothing, and a query count that does not grow with the book."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import F, Value
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from customers.models import CrmSettings, Customer, RetierRun, TierChange, TierRule
from customers.rules.retier import abc_tier, quarter_of, quarter_start, revenue_day
from customers.services.customers import customer_update
from customers.services.tiers import DIGEST_CUSTOMERS, customers_retier, trailing_revenue_set
from salesops.core.models import Notification
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

AS_OF = date(2027, 1, 1)
REVENUE_ON = date(2026, 12, 31)


def book(owner, revenues, **fields):
    """Customers 客户0, 客户1, … (created in that order, so ids rise) with these revenues."""
    return [
        CustomerFactory(
            name=f"客户{index}", owner=owner, trailing_revenue=Decimal(revenue), **fields
        )
        for index, revenue in enumerate(revenues)
    ]


def retier(as_of=AS_OF):
    return customers_retier(as_of=as_of, revenue_on=revenue_day(as_of), job="customer_retier")


def tiers():
    return "".join(Customer.objects.order_by("pk").values_list("tier", flat=True))


def rads():
    return "".join(Customer.objects.order_by("pk").values_list("rad_type", flat=True))


# --- the pure rule ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("revenue", "before", "total", "tier"),
    [
        ("500", "0", "1000", "A"),  # the top customer
        ("100", "700", "1000", "A"),  # takes the cumulative share from 70% to exactly 80%
        ("150", "700", "1000", "A"),  # takes it over 80%: still A (standard ABC)
        ("80", "800", "1000", "B"),  # ranked after exactly 80%
        ("40", "930", "1000", "B"),  # 93% before it, 97% with it
        ("20", "950", "1000", "C"),  # ranked after exactly 95%
        ("0.01", "999.99", "1000", "C"),  # a fen of revenue is revenue
        ("0", "1000", "1000", "D"),  # none
    ],
)
def test_abc_tier_by_the_share_ranked_before_the_customer(revenue, before, total, tier):
    assert (
        abc_tier(
            revenue=Decimal(revenue),
            before=Decimal(before),
            total=Decimal(total),
            a_share=Decimal("0.8"),
            b_share=Decimal("0.15"),
        )
        == tier
    )


@pytest.mark.parametrize(
    ("day", "quarter", "start", "revenue_to"),
    [
        (date(2027, 1, 1), "2027Q1", date(2027, 1, 1), date(2026, 12, 31)),
        (date(2027, 3, 31), "2027Q1", date(2027, 1, 1), date(2027, 3, 30)),
        (date(2027, 4, 1), "2027Q2", date(2027, 4, 1), date(2027, 3, 31)),
        (date(2026, 12, 31), "2026Q4", date(2026, 10, 1), date(2026, 12, 30)),
    ],
)
def test_quarter_and_revenue_day_of_a_run(day, quarter, start, revenue_to):
    assert (quarter_of(day), quarter_start(day), revenue_day(day)) == (quarter, start, revenue_to)


# --- ABC(D) on a whole book ---------------------------------------------------------------------


def test_ten_customers_get_exact_tiers_from_their_cumulative_share(org):
    # given revenues 500, 200, 100 (cumulative exactly 80%), 80, 50, 40 (97%), 20, 10, 0, 0
    book(org["rep1"], [500, 200, 100, 80, 50, 40, 20, 10, 0, 0])

    # when the quarter is re-tiered
    result = retier()

    # then the first 80% is A, the next one after exactly 80% is B up to 95%, C the rest, D none
    assert tiers() == "AAABBBCCDD"
    assert result.quarter == "2027Q1"
    assert result.customers == 10
    assert result.tiers == {"C→A": 3, "C→B": 3, "C→D": 2}  # every customer started C
    assert "2027Q1: 10 customers ranked, 8 tier changes (C→A 3, C→B 3, C→D 2)" in str(result)


def test_the_customer_taking_the_share_over_80_percent_is_a(org):
    # given 600 then 300: 60% before the second one, 90% with it
    book(org["rep1"], [600, 300, 60, 40])

    retier()

    # then the second is A; the third starts at 90% (B), the fourth at 96% (C)
    assert tiers() == "AABC"


def test_a_tie_across_the_line_is_decided_by_the_older_customer_first(org):
    # given 700 and three customers of 100 each (total 1000): whichever 100 is ranked second
    # starts at 70% (A), the third at exactly 80% (B), the fourth at 90% (B)
    first = book(org["rep1"], [100, 700, 100, 100])

    retier()

    # then the oldest of the tied customers (lowest id) is the A, on every run
    assert tiers() == "AABB"
    assert list(Customer.objects.filter(tier="B").order_by("pk")) == first[2:]


def test_shares_are_settings(org):
    # given A = the first 50%, B = the next 30% (to 80%)
    CrmSettings.objects.filter(pk=CrmSettings.load().pk).update(
        tier_a_share=Decimal("0.5"), tier_b_share=Decimal("0.3")
    )
    book(org["rep1"], [500, 200, 100, 80, 50, 40, 20, 10, 0, 0])

    retier()

    # 500 (0%) A, 200 (50%: B), 100 (70%: B), 80 (80%: C) ...
    assert tiers() == "ABBCCCCCDD"


def test_a_locked_tier_is_kept_and_its_rad_type_still_decided(org):
    # given a locked D customer making most of the revenue, with a wallet it fills
    locked = CustomerFactory(
        name="锁定客户",
        owner=org["rep1"],
        tier="D",
        tier_locked=True,
        tier_lock_reason="集团指定",
        trailing_revenue=Decimal("900"),
        buying_power=Decimal("1000"),
    )
    book(org["rep1"], [100])

    retier()

    # then its tier is untouched, its RAD type is R, and its revenue still counts in the
    # ranking (the other customer starts at 90%: B)
    locked.refresh_from_db()
    assert (locked.tier, locked.rad_type) == ("D", "R")
    assert Customer.objects.get(name="客户0").tier == "B"
    change = TierChange.objects.get(customer=locked)
    assert (change.from_tier, change.to_tier, change.tier_locked) == ("D", "D", True)


def test_a_customer_already_on_its_tier_and_rad_gets_no_change_row(org):
    book(org["rep1"], [100], tier="A", rad_type="D")

    result = retier()

    assert TierChange.objects.count() == 0
    assert result.tiers == {}
    assert result.rads == {}


# --- RAD by share of wallet ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("revenue", "buying_power", "rad"),
    [
        ("500000.00", "1000000.00", "R"),  # SOW exactly 50%
        ("499999.99", "1000000.00", "D"),  # a fen under 50%
        ("199999.99", "1000000.00", "A"),  # under 20% on BP exactly at the threshold
        ("200000.00", "1000000.00", "D"),  # SOW exactly 20% is not under it
        ("0.00", "999999.99", "D"),  # under 20% but BP a fen under the threshold
        ("0.00", "5000000.00", "A"),  # no revenue yet on a big wallet
        ("900.00", None, "D"),  # no buying power entered
        ("900.00", "0.00", "D"),  # buying power 0 is none
        ("3000.00", "2000.00", "R"),  # more than the wallet: R
    ],
)
def test_rad_type_by_share_of_wallet_at_its_exact_thresholds(org, revenue, buying_power, rad):
    customer = CustomerFactory(
        owner=org["rep1"],
        trailing_revenue=Decimal(revenue),
        buying_power=None if buying_power is None else Decimal(buying_power),
        rad_type="D" if rad != "D" else "R",  # start elsewhere, so every case is a change
    )

    retier()

    customer.refresh_from_db()
    assert customer.rad_type == rad


# --- the records: runs, changes, reasons, cadence ----------------------------------------------


def test_each_change_is_recorded_with_the_numbers_behind_it(org, english):
    book(org["rep1"], [600, 300, 100], buying_power=Decimal("1000"))

    retier()

    run = RetierRun.objects.get()
    assert (run.quarter, run.as_of, run.revenue_on, run.job) == (
        "2027Q1",
        AS_OF,
        REVENUE_ON,
        "customer_retier",
    )
    assert (run.customers, run.total_revenue, run.tier_a_share) == (
        3,
        Decimal("1000.00"),
        Decimal("0.8"),
    )
    changes = {c.customer.name: c for c in TierChange.objects.select_related("customer", "run")}
    second = changes["客户1"]
    assert (second.from_tier, second.to_tier, second.from_rad, second.to_rad) == (
        "C",
        "A",
        "D",
        "D",
    )
    assert (second.revenue, second.share_before, second.actor) == (
        Decimal("300.00"),
        Decimal("0.600000"),
        None,
    )
    assert second.why == (
        "trailing revenue ¥300.00, customers ranked before it make 60.0% of revenue "
        "(under 80.0%): A; share of wallet 30.0%, buying power ¥1,000.00: D"
    )
    assert changes["客户0"].why.endswith("share of wallet 60.0% (50.0% or more): R")
    assert changes["客户2"].why.startswith(
        "trailing revenue ¥100.00, customers ranked before it make 90.0% of revenue "
        "(80.0% or more, under 95.0%): B"
    )


def test_a_tier_change_moves_the_customer_onto_its_new_cadence(org):
    # given a C customer last followed up on 2026-12-20 (C: every 10 days)
    customer = CustomerFactory(owner=org["rep1"], trailing_revenue=Decimal("100"))
    Customer.objects.filter(pk=customer.pk).update(
        last_followup_at="2026-12-20T10:00:00+08:00",
        owner_since="2026-06-01T10:00:00+08:00",
        next_followup_due=date(2026, 12, 30),
    )

    retier()

    # then as A it is due 7 days after that follow-up, and visits every 7 days
    customer.refresh_from_db()
    a_rule = TierRule.objects.get(tier="A")
    assert customer.tier == "A"
    assert customer.next_followup_due == date(2026, 12, 20 + a_rule.followup_interval_days)
    assert customer.next_visit_due == date(2026, 6, 1 + a_rule.visit_interval_days)


def test_a_managers_tier_edit_is_a_tier_change_with_the_person(org):
    customer = CustomerFactory(owner=org["rep1"], tier="C")

    customer_update(actor=org["manager1"], customer=customer, tier="A")

    change = TierChange.objects.get()
    assert (change.from_tier, change.to_tier, change.actor, change.run) == (
        "C",
        "A",
        org["manager1"],
        None,
    )
    # and an edit that changes neither tier nor RAD writes none
    customer_update(actor=org["manager1"], customer=customer, phone="021-1234")
    assert TierChange.objects.count() == 1


# --- digests, reruns, query count ---------------------------------------------------------------


def in_english(*users):
    for user in users:
        user.language = "en"
        user.save(update_fields=["language"])


def test_one_digest_per_owner_lists_their_changed_customers(org):
    in_english(org["rep1"], org["rep2"])
    book(org["rep1"], [500, 0])
    CustomerFactory(name="乙客户", owner=org["rep2"], trailing_revenue=Decimal("100"))
    CustomerFactory(name="不变客户", owner=org["rep3"], trailing_revenue=Decimal("1"), tier="C")

    result = retier()

    assert result.digests == 2
    notices = {n.recipient.username: n for n in Notification.objects.select_related("recipient")}
    assert sorted(notices) == ["rep1", "rep2"]
    assert notices["rep1"].title == "Re-tiering 2027Q1: 2 of your customers changed"
    assert notices["rep1"].body == "- 客户0: tier C → A\n- 客户1: tier C → D"
    assert notices["rep2"].body == "- 乙客户: tier C → B"
    assert notices["rep1"].dedupe_key == "retier-digest:2027Q1"


def test_a_long_digest_lists_the_first_customers_and_counts_the_rest(org):
    in_english(org["rep1"])
    book(org["rep1"], [0] * (DIGEST_CUSTOMERS + 3))

    retier()

    lines = Notification.objects.get().body.splitlines()
    assert len(lines) == DIGEST_CUSTOMERS + 1
    assert lines[0] == "- 客户0: tier C → D"
    assert lines[-1] == "…and 3 more customers; the customer list shows every tier."


def test_a_rerun_in_the_same_quarter_changes_nothing_and_says_so(org):
    book(org["rep1"], [500, 200, 100, 80, 50, 40, 20, 10, 0, 0])
    retier()
    Customer.objects.filter(name="客户9").update(trailing_revenue=Decimal("5000"))

    again = retier(as_of=date(2027, 2, 15))

    assert again.already == AS_OF
    assert str(again) == "2027Q1 was re-tiered already (run for 2027-01-01); nothing changed"
    assert tiers() == "AAABBBCCDD"
    assert TierChange.objects.count() == 8
    assert Notification.objects.count() == 1
    assert RetierRun.objects.count() == 1


def test_the_next_quarter_re_tiers_again(org):
    book(org["rep1"], [500, 0])
    retier()
    Customer.objects.filter(name="客户1").update(trailing_revenue=Decimal("5000"))

    result = retier(as_of=date(2027, 4, 1))

    assert tiers() == "BA"
    assert result.tiers == {"A→B": 1, "D→A": 1}
    assert Notification.objects.count() == 2


def queries_for(org, n):
    book(org["rep1"], [(i * 37) % 11 for i in range(n)], buying_power=Decimal("20"))
    with CaptureQueriesContext(connection) as queries:
        retier()
    return len(queries.captured_queries)


def test_the_query_count_does_not_grow_with_the_book(org):
    small = queries_for(org, 5)
    Customer.objects.all().delete()
    RetierRun.objects.all().delete()
    Notification.objects.all().delete()
    large = queries_for(org, 60)
    assert small == large


def test_trailing_revenue_set_writes_every_customer_once_and_only_changes(org):
    first, _second, _third = book(org["rep1"], [10, 20, 0])
    revenue = (
        Customer.objects.filter(pk=first.pk)
        .values(customer_id=F("pk"))
        .annotate(revenue=Value(Decimal("10.00")))
    )

    assert trailing_revenue_set(revenue=revenue) == 1  # b to 0; a and c unchanged
    assert list(Customer.objects.order_by("pk").values_list("trailing_revenue", flat=True)) == [
        Decimal("10.00"),
        Decimal("0.00"),
        Decimal("0.00"),
    ]


def test_the_customer_history_page_lists_its_tier_changes_with_why(org, client, english):
    customer = CustomerFactory(owner=org["rep1"], trailing_revenue=Decimal("100"))
    retier()
    client.force_login(org["rep1"])
    client.cookies["django_language"] = "en"

    html = client.get(reverse("customer_history", args=[customer.pk])).content.decode()

    assert "Tier changes" in html
    assert "→ A" in html
    assert "2027Q1" in html
    assert "customers ranked before it make 0.0% of revenue (under 80.0%): A" in html
