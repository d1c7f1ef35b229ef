"""The escalation ladder: each step once per receivable, however often (or however badly) the job
runs; credit hold and its release; the credit-limit warning; group joint liability."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from customers.models import CustomerGroup
from customers.services.customers import customer_create
from receivables import jobs
from receivables.models import CreditHoldEvent, EscalationEvent
from receivables.selectors import group_flagged
from receivables.services import credit_hold_release
from salesops.core.models import Notification

pytestmark = pytest.mark.django_db
AS_OF = date(2026, 11, 23)


def snapshot():
    return (
        EscalationEvent.objects.count(),
        Notification.objects.count(),
        CreditHoldEvent.objects.count(),
    )


def test_each_receivable_gets_every_step_it_reached_once(org, buyer, invoice):
    invoice("AR-5", AS_OF - timedelta(days=5), "1000")  # step 1
    invoice("AR-45", AS_OF - timedelta(days=45), "1000")  # steps 1-2
    invoice("AR-95", AS_OF - timedelta(days=95), "1000")  # steps 1-4, credit hold
    invoice("AR-NOTDUE", AS_OF, "1000")
    result = jobs.escalate_overdue(as_of=AS_OF)
    steps = sorted(EscalationEvent.objects.values_list("receivable__number", "level__from_days"))
    assert steps == [
        ("AR-45", 1),
        ("AR-45", 31),
        ("AR-5", 1),
        ("AR-95", 1),
        ("AR-95", 31),
        ("AR-95", 61),
        ("AR-95", 91),
    ]
    assert (result.steps, result.holds) == (7, 1)
    buyer.refresh_from_db()
    assert buyer.credit_hold
    # The manager hears about the lawyer's letter and the hold.
    assert Notification.objects.filter(recipient=org["manager1"]).count() == 2
    assert Notification.objects.filter(recipient=org["rep1"]).count() == 7


def test_running_twice_adds_nothing(org, buyer, invoice):
    invoice("AR-95", AS_OF - timedelta(days=95), "1000")
    jobs.escalate_overdue(as_of=AS_OF)
    first = snapshot()
    jobs.escalate_overdue(as_of=AS_OF)
    call_command("run_job", "escalate_overdue", "--as-of", AS_OF.isoformat())
    assert snapshot() == first


def test_killed_mid_run_then_rerun_leaves_no_duplicates(org, buyer, invoice, monkeypatch):
    for days in (95, 70, 40):
        invoice(f"AR-{days}", AS_OF - timedelta(days=days), "1000")
    real = jobs.notification_send
    calls = {"n": 0}

    def dies_on_the_fifth_notice(**kwargs):
        calls["n"] += 1
        if calls["n"] == 5:
            raise KeyboardInterrupt("worker killed")
        return real(**kwargs)

    monkeypatch.setattr(jobs, "notification_send", dies_on_the_fifth_notice)
    with pytest.raises(KeyboardInterrupt):
        jobs.escalate_overdue(as_of=AS_OF)
    partial = EscalationEvent.objects.count()
    assert 0 < partial < 9
    monkeypatch.setattr(jobs, "notification_send", real)
    jobs.escalate_overdue(as_of=AS_OF)
    jobs.escalate_overdue(as_of=AS_OF)
    assert EscalationEvent.objects.count() == 9  # 4 + 3 + 2 steps, each once
    keys = list(Notification.objects.exclude(dedupe_key="").values_list("recipient", "dedupe_key"))
    assert len(keys) == len(set(keys))
    assert CreditHoldEvent.objects.count() == 1


def test_paid_receivables_are_not_escalated(org, buyer, invoice):
    from receivables.services import payment_record

    invoice("AR-1", AS_OF - timedelta(days=40), "1000")
    payment_record(
        actor=org["finance1"], customer=buyer, date=AS_OF, amount=Decimal("1000"), method="transfer"
    )
    assert jobs.escalate_overdue(as_of=AS_OF).steps == 0


def test_only_a_manager_releases_a_hold_with_a_reason(org, buyer, invoice):
    invoice("AR-95", AS_OF - timedelta(days=95), "1000")
    jobs.escalate_overdue(as_of=AS_OF)
    for who in ("rep1", "finance1"):
        with pytest.raises(PermissionError):
            credit_hold_release(actor=org[who], customer=buyer, reason="已付款")
    with pytest.raises(ValidationError):
        credit_hold_release(actor=org["manager1"], customer=buyer, reason="")
    buyer.refresh_from_db()
    assert buyer.credit_hold
    credit_hold_release(actor=org["manager1"], customer=buyer, reason="客户已签还款协议")
    buyer.refresh_from_db()
    assert not buyer.credit_hold
    release = CreditHoldEvent.objects.get(kind="release")
    assert (release.actor, release.reason) == (org["manager1"], "客户已签还款协议")


def test_credit_limit_warning_once_a_month(org, buyer, invoice):
    invoice("AR-1", AS_OF - timedelta(days=10), "60000")  # limit 100000, warning at 50 %
    assert jobs.escalate_overdue(as_of=AS_OF).warnings == 1
    assert jobs.escalate_overdue(as_of=AS_OF + timedelta(days=1)).warnings == 0


def test_group_joint_liability(org, buyer, invoice):
    group = CustomerGroup.objects.create(name="恒通集团")
    sister = customer_create(actor=org["rep2"], name="恒通物流有限公司")
    for member in (buyer, sister):
        member.group = group
        member.save()
    invoice("AR-40", AS_OF - timedelta(days=40), "1000")
    jobs.escalate_overdue(as_of=AS_OF)
    assert not group_flagged(customer=sister)  # step 2 only
    invoice("AR-70", AS_OF - timedelta(days=70), "1000")
    jobs.escalate_overdue(as_of=AS_OF)
    assert group_flagged(customer=sister)  # a member reached the lawyer's letter
