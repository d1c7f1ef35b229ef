"""A customer that changes hands takes its open deals along: customers announces the change
(customer_owner_changed, on commit) and opportunities moves the deals in its own service."""

import pytest
from django.db import transaction
from django.utils import timezone

from customers.models import Customer
from customers.services.customers import customer_reassign
from customers.services.pool import pool_claim
from customers.signals import customer_owner_changed
from opportunities.models import LostReason, Opportunity
from opportunities.services.deals import opportunities_hand_over, opportunity_mark_lost
from tests.opportunities.funnel_helpers import make_customer, new_deal

pytestmark = pytest.mark.django_db


class RolledBackError(Exception):
    """Raised inside the transaction to roll it back."""


@pytest.fixture
def customer(org):
    return make_customer(org["rep1"], "甲公司")


def owners(*deals) -> list[str]:
    return [
        Opportunity.objects.select_related("owner").get(pk=deal.pk).owner.username for deal in deals
    ]


def test_deals_follow_only_once_the_reassignment_commits(
    org, customer, django_capture_on_commit_callbacks
):
    # given an open deal of rep1's customer
    deal = new_deal(org["rep1"], customer)
    # when a manager reassigns the customer
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        customer_reassign(
            actor=org["manager1"], customer=customer, new_owner=org["rep2"], reason="调岗"
        )
        # then nothing moves before the commit
        assert owners(deal) == ["rep1"]
    # and the deal follows after it, with a history row naming who reassigned
    assert len(callbacks) == 1
    assert owners(deal) == ["rep2"]
    latest = Opportunity.history.filter(id=deal.pk).latest("history_id")
    assert (latest.history_type, latest.owner_id, latest.history_user) == (
        "~",
        org["rep2"].pk,
        org["manager1"],
    )


def test_a_rolled_back_reassignment_moves_no_deal(
    org, customer, django_capture_on_commit_callbacks
):
    deal = new_deal(org["rep1"], customer)

    def reassign_then_fail():
        with transaction.atomic():
            customer_reassign(
                actor=org["manager1"], customer=customer, new_owner=org["rep2"], reason="调岗"
            )
            raise RolledBackError

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RolledBackError),
    ):
        reassign_then_fail()
    assert callbacks == []
    assert owners(deal) == ["rep1"]
    assert Customer.objects.get(pk=customer.pk).owner == org["rep1"]
    assert Opportunity.history.filter(id=deal.pk).count() == 1  # only its creation


def test_a_claim_from_the_pool_hands_the_open_deals_to_the_claimer(
    org, customer, django_capture_on_commit_callbacks
):
    # given a pool customer with an open and a lost deal, both last worked by rep1
    open_deal = new_deal(org["rep1"], customer, name="进行中")
    lost_deal = new_deal(org["rep1"], customer, name="已输")
    opportunity_mark_lost(
        actor=org["rep1"], opportunity=lost_deal, reason=LostReason.objects.first()
    )
    Customer.objects.filter(pk=customer.pk).update(
        owner=None, owner_since=None, pool_since=timezone.now(), pool_team=org["team_a"]
    )
    # when rep2 of that team claims it
    with django_capture_on_commit_callbacks(execute=True):
        pool_claim(actor=org["rep2"], customer=customer)
    # then the open deal is rep2's, the lost one stays credited to rep1
    assert owners(open_deal, lost_deal) == ["rep2", "rep1"]


def test_the_signal_carries_who_what_and_why(org, customer, django_capture_on_commit_callbacks):
    heard = []

    def listen(sender, **payload):
        heard.append((sender, payload))

    customer_owner_changed.connect(listen)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            customer_reassign(
                actor=org["manager1"], customer=customer, new_owner=org["rep2"], reason=" 调岗 "
            )
    finally:
        customer_owner_changed.disconnect(listen)
    assert heard == [
        (
            Customer,
            {
                "signal": customer_owner_changed,
                "customer": customer,
                "from_owner": org["rep1"],
                "to_owner": org["rep2"],
                "actor": org["manager1"],
                "reason": "调岗",
            },
        )
    ]


def test_the_hand_over_moves_only_open_deals_not_yet_the_new_owners(org, customer):
    open_deal = new_deal(org["rep1"], customer, name="进行中")
    already = new_deal(org["rep1"], customer, name="已是 rep2 的")
    Opportunity.objects.filter(pk=already.pk).update(owner=org["rep2"])
    Customer.objects.filter(pk=customer.pk).update(owner=org["rep2"])  # the reassignment
    moved = opportunities_hand_over(customer=customer, to_owner=org["rep2"], actor=org["manager1"])
    assert moved == 1
    assert owners(open_deal, already) == ["rep2", "rep2"]
    assert Opportunity.history.filter(id=already.pk).count() == 1


def test_a_release_to_the_pool_leaves_the_deals_with_their_last_owner(org, customer):
    deal = new_deal(org["rep1"], customer)
    customer_owner_changed.send(
        sender=Customer,
        customer=customer,
        from_owner=org["rep1"],
        to_owner=None,
        actor=None,
        reason="30 天未跟进",
    )
    assert owners(deal) == ["rep1"]
    assert Opportunity.history.filter(id=deal.pk).count() == 1


def test_a_hand_over_superseded_by_a_later_reassignment_does_nothing(org, customer):
    """Two reassignments commit one after the other and their hand-overs run in the other order:
    the deals end with the customer's owner, not with the one the stale message names."""
    deal = new_deal(org["rep1"], customer)
    Customer.objects.filter(pk=customer.pk).update(owner=org["rep3"])  # the later reassignment
    assert opportunities_hand_over(customer=customer, to_owner=org["rep3"]) == 1

    stale = opportunities_hand_over(customer=customer, to_owner=org["rep2"])

    assert stale == 0
    assert owners(deal) == ["rep3"]
