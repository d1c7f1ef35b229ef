"""Customer writes: create, update, reassign, tier rules, contacts."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from customers.models import Customer, OwnershipEvent, TierRule
from customers.services.customers import (
    contact_save,
    customer_create,
    customer_reassign,
    customer_update,
    tier_rule_update,
)
from customers.services.followups import followup_log
from salesops.core.errors import NotPermitted
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
NOV_1 = datetime(2026, 11, 1, 9, 0, tzinfo=SH)


def test_rep_creates_a_customer_they_own_with_cadence_and_an_event(org):
    customer = customer_create(
        actor=org["rep1"],
        now=NOV_1,
        name="苏州恒通电子科技有限公司",
        tier="A",
        credit_code="9144 0300 7084 6113 6t",
    )
    assert customer.owner == org["rep1"]
    assert customer.credit_code == "91440300708461136T"
    assert customer.next_followup_due == date(2026, 11, 8)  # tier A: 7 days from ownership
    assert customer.rad_type == "D"
    event = OwnershipEvent.objects.get(customer=customer)
    assert (event.kind, event.to_owner, event.actor) == ("created", org["rep1"], org["rep1"])
    assert customer.history.count() == 1


def test_rep_cannot_make_a_colleague_the_owner(org):
    with pytest.raises(ValidationError) as exc:
        customer_create(actor=org["rep1"], owner=org["rep2"], name="某公司")
    assert "owner" in exc.value.message_dict
    assert not Customer.objects.exists()


def test_manager_assigns_within_their_teams_only(org):
    customer = customer_create(actor=org["manager1"], owner=org["rep2"], name="甲公司")
    assert customer.owner == org["rep2"]
    with pytest.raises(ValidationError):
        customer_create(actor=org["manager1"], owner=org["rep3"], name="乙公司")
    assert list(Customer.objects.values_list("name", flat=True)) == ["甲公司"]


def test_finance_cannot_create_customers(org):
    with pytest.raises(NotPermitted):
        customer_create(actor=org["finance1"], owner=org["rep1"], name="丙公司")
    assert not Customer.objects.exists()


def test_duplicate_name_and_bad_code_are_field_errors_and_write_nothing(org):
    customer_create(actor=org["rep1"], name="甲公司")
    with pytest.raises(ValidationError) as duplicate:
        customer_create(actor=org["rep2"], name="甲公司")
    assert "name" in duplicate.value.message_dict
    with pytest.raises(ValidationError) as bad_code:
        customer_create(actor=org["rep2"], name="乙公司", credit_code="914403001922038217")
    assert "credit_code" in bad_code.value.message_dict
    assert Customer.objects.count() == 1
    assert OwnershipEvent.objects.count() == 1


def test_default_tier_comes_from_settings(org):
    assert customer_create(actor=org["rep1"], name="甲公司").tier == "C"


def test_changing_the_tier_moves_the_next_due_date(org):
    customer = customer_create(actor=org["rep1"], now=NOV_1, name="甲公司", tier="C")
    assert customer.next_followup_due == date(2026, 11, 11)
    customer = customer_update(actor=org["rep1"], customer=customer, tier="B")
    assert customer.next_followup_due == date(2026, 11, 6)


def test_buying_power_recomputes_the_rad_type(org):
    customer = customer_create(actor=org["rep1"], name="甲公司", buying_power=Decimal("5000000"))
    assert customer.rad_type == "A"  # no revenue yet on a big wallet: acquisition
    customer = customer_update(actor=org["rep1"], customer=customer, buying_power=None)
    assert customer.rad_type == "D"


def test_a_locked_tier_cannot_be_changed_until_unlocked(org):
    customer = customer_create(actor=org["manager1"], owner=org["rep1"], name="甲公司", tier="A")
    customer = customer_update(
        actor=org["manager1"], customer=customer, tier_locked=True, tier_lock_reason="战略客户"
    )
    with pytest.raises(ValidationError) as exc:
        customer_update(actor=org["rep1"], customer=customer, tier="C")
    assert "战略客户" in exc.value.message_dict["tier"][0]
    customer.refresh_from_db()
    assert customer.tier == "A"
    customer = customer_update(
        actor=org["manager1"], customer=customer, tier_locked=False, tier="C"
    )
    assert (customer.tier, customer.tier_lock_reason) == ("C", "")


def test_reps_cannot_change_credit_terms(org):
    customer = customer_create(actor=org["rep1"], name="甲公司")
    with pytest.raises(NotPermitted):
        customer_update(actor=org["rep1"], customer=customer, credit_limit=Decimal("9999999"))
    customer.refresh_from_db()
    assert customer.credit_limit == 0
    customer_update(actor=org["manager1"], customer=customer, credit_limit=Decimal("500000"))
    customer.refresh_from_db()
    assert customer.credit_limit == Decimal("500000.00")


def test_reassignment_is_recorded_with_reason_and_restarts_the_clock(org):
    customer = customer_create(actor=org["rep1"], now=NOV_1, name="甲公司", tier="C")
    moved = customer_reassign(
        actor=org["manager1"],
        customer=customer,
        new_owner=org["rep2"],
        reason="rep1 调岗",
        now=datetime(2026, 11, 20, 9, 0, tzinfo=SH),
    )
    assert moved.owner == org["rep2"]
    assert moved.next_followup_due == date(2026, 11, 30)
    event = OwnershipEvent.objects.get(customer=customer, kind="reassigned")
    assert (event.from_owner, event.to_owner, event.actor, event.reason) == (
        org["rep1"],
        org["rep2"],
        org["manager1"],
        "rep1 调岗",
    )


@pytest.mark.parametrize(
    ("actor", "new_owner", "reason", "error"),
    [
        ("rep1", "rep2", "原因", NotPermitted),
        ("manager1", "rep2", "  ", ValidationError),
        ("manager1", "rep3", "原因", ValidationError),  # not in manager1's teams
        ("manager1", "rep1", "原因", ValidationError),  # already the owner
    ],
)
def test_reassignment_refusals_write_nothing(org, actor, new_owner, reason, error):
    customer = customer_create(actor=org["rep1"], name="甲公司")
    with pytest.raises(error):
        customer_reassign(
            actor=org[actor], customer=customer, new_owner=org[new_owner], reason=reason
        )
    customer.refresh_from_db()
    assert customer.owner == org["rep1"]
    assert OwnershipEvent.objects.filter(customer=customer).count() == 1


def test_tier_rule_change_moves_every_customer_of_the_tier(org):
    a = customer_create(actor=org["rep1"], now=NOV_1, name="甲公司", tier="C")
    b = customer_create(actor=org["rep2"], now=NOV_1, name="乙公司", tier="C")
    other = customer_create(actor=org["rep2"], now=NOV_1, name="丙公司", tier="A")
    rule = TierRule.objects.get(tier="C")
    rule.followup_interval_days = 3
    assert tier_rule_update(rule=rule) == 2
    due = dict(Customer.objects.values_list("name", "next_followup_due"))
    assert due == {
        a.name: date(2026, 11, 4),
        b.name: date(2026, 11, 4),
        other.name: date(2026, 11, 8),
    }


def test_tier_rule_change_moves_the_visit_cadence_too(org):
    # Given two tier-B customers owned since 11-01, one visited on 11-10, and a tier-A one
    visited = customer_create(actor=org["rep1"], now=NOV_1, name="甲公司", tier="B")
    never = customer_create(actor=org["rep2"], now=NOV_1, name="乙公司", tier="B")
    other = customer_create(actor=org["rep1"], now=NOV_1, name="丙公司", tier="A")
    followup_log(
        actor=org["rep1"],
        customer=visited,
        # 00:30 in Shanghai is still 11-10 in UTC: the Shanghai date counts, in SQL too
        occurred_at=datetime(2026, 11, 11, 0, 30, tzinfo=SH),
        channel="visit",
        content="上门拜访",
        now=datetime(2026, 11, 11, 9, 0, tzinfo=SH),
    )
    assert Customer.objects.get(pk=visited.pk).next_visit_due == date(2026, 11, 25)  # 14 days
    rule = TierRule.objects.get(tier="B")
    # When admin changes tier B to visit every 20 days and follow up every 4
    rule.visit_interval_days, rule.followup_interval_days = 20, 4
    assert tier_rule_update(rule=rule, today=date(2026, 11, 20)) == 2
    # Then both B customers move, the A customer does not
    due = {c.name: (c.next_followup_due, c.next_visit_due) for c in Customer.objects.all()}
    assert due == {
        visited.name: (date(2026, 11, 15), date(2026, 12, 1)),
        never.name: (date(2026, 11, 5), date(2026, 11, 21)),
        other.name: (date(2026, 11, 8), date(2026, 11, 8)),
    }
    # And a tier without visits any more has no visit due at all
    rule.visit_interval_days = None
    tier_rule_update(rule=rule)
    assert set(Customer.objects.filter(tier="B").values_list("next_visit_due", flat=True)) == {None}


def test_tier_rule_update_is_one_statement_whatever_the_book(
    org, django_assert_num_queries, django_assert_max_num_queries
):
    rule = TierRule.objects.get(tier="C")
    CustomerFactory.create_batch(3, owner=org["rep1"], tier="C")
    with django_assert_max_num_queries(10) as small:
        tier_rule_update(rule=rule)
    CustomerFactory.create_batch(40, owner=org["rep1"], tier="C")
    with django_assert_num_queries(len(small.captured_queries)):
        assert tier_rule_update(rule=rule) == 43
    updates = [q["sql"] for q in small.captured_queries if q["sql"].startswith("UPDATE")]
    assert len([sql for sql in updates if '"customers_customer"' in sql]) == 1


def test_a_pooled_customer_moved_by_a_tier_rule_counts_from_today(org):
    pooled = CustomerFactory(owner=None, owner_since=None, pool_since=NOV_1, tier="C")
    tier_rule_update(rule=TierRule.objects.get(tier="C"), today=date(2026, 11, 20))
    pooled.refresh_from_db()
    assert (pooled.next_followup_due, pooled.next_visit_due) == (
        date(2026, 11, 30),
        date(2026, 12, 20),
    )


def test_contact_save_validates_and_belongs_to_its_customer(org):
    customer = customer_create(actor=org["rep1"], name="甲公司")
    other = customer_create(actor=org["rep1"], name="乙公司")
    contact = contact_save(
        actor=org["rep1"],
        customer=customer,
        name="王总",
        title="总经理",
        decision_role="decision_maker",
    )
    assert str(contact) == "王总（总经理）"
    with pytest.raises(ValidationError):
        contact_save(actor=org["rep1"], customer=other, contact=contact, name="王总")
    with pytest.raises(ValidationError) as bad_email:
        contact_save(actor=org["rep1"], customer=customer, name="李工", email="not-an-email")
    assert "email" in bad_email.value.message_dict
    assert customer.contacts.count() == 1


def test_editing_a_tier_rule_in_admin_moves_the_visit_cadence(client, org):
    # Given a tier-A customer owned since 11-01 (visit due 11-08)
    customer = customer_create(actor=org["rep1"], now=NOV_1, name="甲公司", tier="A")
    assert customer.next_visit_due == date(2026, 11, 8)
    rule = TierRule.objects.get(tier="A")
    client.force_login(org["admin"])
    # When the admin sets tier A to visit every 10 days
    response = client.post(
        reverse("admin:customers_tierrule_change", args=[rule.pk]),
        {
            "tier": "A",
            "name": rule.name,
            "name_en": rule.name_en,
            "followup_interval_days": rule.followup_interval_days,
            "visit_interval_days": 10,
            "strategy": rule.strategy,
            "pool_idle_days": "",
        },
    )
    # Then the customer's next visit moves to 11-11
    assert response.status_code == 302
    customer.refresh_from_db()
    assert (customer.next_followup_due, customer.next_visit_due) == (
        date(2026, 11, 8),
        date(2026, 11, 11),
    )
