"""The pool run picks its candidates in SQL: the same warnings and releases as the old loop over
every owned customer (the oracle: the same job with no pre-selection), on customers around
each tier's warning and release days and around local midnight."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.db.models import Q

from customers import jobs
from customers.models import CrmSettings, Customer, OwnershipEvent, TierRule
from salesops.core.models import Notification
from tests.customers.test_pool import AS_OF, LONG_AGO, RUN_AT, at, days_ago, owned

pytestmark = pytest.mark.django_db


def outcome():
    return {
        "events": sorted(
            OwnershipEvent.objects.values_list("customer__name", "kind", "job_key", "reason")
        ),
        "notices": sorted(
            Notification.objects.values_list("recipient__username", "title", "body", "dedupe_key")
        ),
        "customers": sorted(
            Customer.objects.values_list("name", "owner__username", "pool_team__name")
        ),
    }


def same_as_the_loop_over_every_customer(monkeypatch, days):
    with transaction.atomic():
        with monkeypatch.context() as patch:
            patch.setattr(jobs, "_near_release", lambda rules, **kwargs: Q())
            expected_results = [
                jobs.customer_release_idle(as_of=day, now=RUN_AT + (day - AS_OF)) for day in days
            ]
        expected = outcome()
        transaction.set_rollback(True)
    results = [jobs.customer_release_idle(as_of=day, now=RUN_AT + (day - AS_OF)) for day in days]
    assert results == expected_results
    assert outcome() == expected
    return results


def test_warnings_and_releases_match_the_loop_over_every_customer(org, monkeypatch):
    # given C and A customers from a day before their warning day to past release, contacted
    # late in the evening or just after midnight (local time), or never since they got them
    warn = CrmSettings.load().pool_warning_days
    for tier in ("C", "A"):
        limit = TierRule.objects.get(tier=tier).effective_pool_idle_days
        for idle in (limit - warn - 1, limit - warn, limit - 1, limit, limit + 5):
            day = days_ago(idle)
            late = owned(org, f"{tier}{idle}-晚", tier=tier, last_contact=day)
            Customer.objects.filter(pk=late.pk).update(last_followup_at=at(day, 23, 50))
            early = owned(org, f"{tier}{idle}-早", tier=tier, owner="rep3", last_contact=day)
            Customer.objects.filter(pk=early.pk).update(
                last_followup_at=at(day + timedelta(days=1), 0, 10)
            )
            never = owned(org, f"{tier}{idle}-未", tier=tier, since=day)
            Customer.objects.filter(pk=never.pk).update(owner_since=at(day, 0, 5))
            created = owned(org, f"{tier}{idle}-建", tier=tier, owner="rep2", since=day)
            Customer.objects.filter(pk=created.pk).update(
                owner_since=None, created_at=at(day, 23, 55)
            )
    owned(org, "新客户", since=LONG_AGO, last_contact=AS_OF)
    # when the pool runs today, again today and tomorrow
    results = same_as_the_loop_over_every_customer(
        monkeypatch, [AS_OF, AS_OF, AS_OF + timedelta(days=1)]
    )
    # then (the oracle agreeing) per tier today: 8 warned (3 on their warning day, 4 a day
    # before release, the one contacted after midnight on its release day) and 7 released; the
    # rerun nothing; tomorrow 4 warned (a warning is once per release date) and 4 released
    assert [(r.warned, r.released) for r in results] == [(16, 14), (0, 0), (8, 8)]
