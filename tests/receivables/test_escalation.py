"""The escalation ladder: the highest step reached is applied once per receivable, the lower ones
it never had are recorded as skipped, and each owner (and manager) gets one digest per run; credit
hold and its release; the credit-limit warning on the total outstanding."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from customers.services.customers import customer_create
from receivables import jobs
from receivables.models import CreditHoldEvent, EscalationEvent
from receivables.services import credit_hold_release, payment_record
from salesops.core.errors import NotPermitted
from salesops.core.models import Notification

pytestmark = pytest.mark.django_db
AS_OF = date(2026, 11, 23)


def snapshot():
    return (
        EscalationEvent.objects.count(),
        Notification.objects.count(),
        CreditHoldEvent.objects.count(),
    )


def steps():
    return sorted(
        EscalationEvent.objects.values_list("receivable__number", "level__from_days", "status")
    )


def notices(user):
    return list(
        Notification.objects.filter(recipient=user).order_by("pk").values_list("title", "body")
    )


def test_item_first_seen_at_140_days_gets_step_4_and_the_lower_steps_skipped(org, buyer, invoice):
    # given an item nobody escalated before, 140 days overdue today
    invoice("AR-140", AS_OF - timedelta(days=140), "12345.60")
    # when the ladder runs
    result = jobs.receivable_escalate(as_of=AS_OF)
    # then only the stop-supply step is taken, the others are on record as skipped
    assert steps() == [
        ("AR-140", 1, "skipped"),
        ("AR-140", 31, "skipped"),
        ("AR-140", 61, "skipped"),
        ("AR-140", 91, "applied"),
    ]
    assert (result.steps, result.skipped, result.holds, result.digests) == (1, 3, 1, 2)
    buyer.refresh_from_db()
    assert (buyer.credit_hold, buyer.credit_hold_reason) == (True, "AR-140 已逾期 140 天")
    # one notice to the owner and one to the manager, not four of each
    assert notices(org["rep1"]) == [
        (
            "2026-11-23 逾期分级处理：1 个客户",
            "苏州恒通电子科技有限公司 — 已停止供货\n"
            "- AR-140 · 逾期 140 天 · ¥12,345.60 · 停止供货: 停止供货并启动法律程序 · 负责人待办",
        )
    ]
    assert notices(org["manager1"]) == [
        (
            "2026-11-23 团队逾期分级处理：1 个客户",
            "苏州恒通电子科技有限公司（负责人：rep1） — 已停止供货\n"
            "- AR-140 · 逾期 140 天 · ¥12,345.60 · 停止供货: 停止供货并启动法律程序 · 负责人待办",
        )
    ]


def test_one_digest_per_owner_grouped_by_customer(org, buyer, invoice):
    other = customer_create(actor=org["manager1"], owner=org["rep1"], name="无锡华光机械有限公司")
    invoice("AR-5", AS_OF - timedelta(days=5), "1000")
    invoice("AR-45", AS_OF - timedelta(days=45), "25000")
    invoice("AR-W70", AS_OF - timedelta(days=70), "8800.5", customer=other)
    invoice("AR-NOTDUE", AS_OF, "1000")
    result = jobs.receivable_escalate(as_of=AS_OF)
    assert steps() == [
        ("AR-45", 1, "skipped"),
        ("AR-45", 31, "applied"),
        ("AR-5", 1, "applied"),
        ("AR-W70", 1, "skipped"),
        ("AR-W70", 31, "skipped"),
        ("AR-W70", 61, "applied"),
    ]
    assert (result.steps, result.skipped, result.holds, result.digests) == (3, 3, 0, 2)
    assert notices(org["rep1"]) == [
        (
            "2026-11-23 逾期分级处理：2 个客户",
            "无锡华光机械有限公司\n"
            "- AR-W70 · 逾期 70 天 · ¥8,800.50 · 律师函: 起草律师函并通知经理 · 信函：律师函草稿"
            " · 负责人待办\n"
            "\n"
            "苏州恒通电子科技有限公司\n"
            "- AR-45 · 逾期 45 天 · ¥25,000.00 · 电话催收+上门拜访: 电话催收并安排上门拜访"
            " · 负责人待办\n"
            "- AR-5 · 逾期 5 天 · ¥1,000.00 · 温馨提醒: 发送温馨提醒函 · 信函：温馨提醒函",
        )
    ]
    # the manager hears only of the lawyer's letter
    assert [body for _title, body in notices(org["manager1"])] == [
        "无锡华光机械有限公司（负责人：rep1）\n"
        "- AR-W70 · 逾期 70 天 · ¥8,800.50 · 律师函: 起草律师函并通知经理 · 信函：律师函草稿"
        " · 负责人待办"
    ]


def test_item_moving_up_one_step_the_next_day_gets_it_normally(org, buyer, invoice):
    invoice("AR-30", AS_OF - timedelta(days=30), "1000")
    jobs.receivable_escalate(as_of=AS_OF)
    result = jobs.receivable_escalate(as_of=AS_OF + timedelta(days=1))
    assert steps() == [("AR-30", 1, "applied"), ("AR-30", 31, "applied")]
    assert (result.steps, result.skipped) == (1, 0)
    assert [title for title, _body in notices(org["rep1"])] == [
        "2026-11-23 逾期分级处理：1 个客户",
        "2026-11-24 逾期分级处理：1 个客户",
    ]


def test_running_twice_adds_nothing_and_sends_nothing(org, buyer, invoice):
    invoice("AR-95", AS_OF - timedelta(days=95), "1000")
    jobs.receivable_escalate(as_of=AS_OF)
    first = snapshot()
    assert first == (4, 2, 1)
    again = jobs.receivable_escalate(as_of=AS_OF)
    call_command("run_job", "receivable_escalate", "--as-of", AS_OF.isoformat())
    assert (again.steps, again.skipped, again.digests) == (0, 0, 0)
    assert snapshot() == first


def test_item_added_later_the_same_day_gets_its_own_digest(org, buyer, invoice):
    invoice("AR-5", AS_OF - timedelta(days=5), "1000")
    jobs.receivable_escalate(as_of=AS_OF)
    invoice("AR-6", AS_OF - timedelta(days=6), "2000")  # imported after the morning run
    assert jobs.receivable_escalate(as_of=AS_OF).digests == 1
    assert [body.splitlines()[1] for _title, body in notices(org["rep1"])] == [
        "- AR-5 · 逾期 5 天 · ¥1,000.00 · 温馨提醒: 发送温馨提醒函 · 信函：温馨提醒函",
        "- AR-6 · 逾期 6 天 · ¥2,000.00 · 温馨提醒: 发送温馨提醒函 · 信函：温馨提醒函",
    ]


def test_killed_mid_run_leaves_nothing_then_rerun_does_it_all(org, buyer, invoice, monkeypatch):
    for days in (95, 70, 40):
        invoice(f"AR-{days}", AS_OF - timedelta(days=days), "1000")
    real = jobs.notification_send
    calls = {"n": 0}

    def dies_on_the_second_notice(**kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt("worker killed")
        return real(**kwargs)

    monkeypatch.setattr(jobs, "notification_send", dies_on_the_second_notice)
    with pytest.raises(KeyboardInterrupt):
        jobs.receivable_escalate(as_of=AS_OF)
    # the whole run is one transaction: no step is on record without its notice
    assert snapshot() == (0, 0, 0)
    buyer.refresh_from_db()
    assert not buyer.credit_hold
    monkeypatch.setattr(jobs, "notification_send", real)
    jobs.receivable_escalate(as_of=AS_OF)
    jobs.receivable_escalate(as_of=AS_OF)
    assert EscalationEvent.objects.filter(status="applied").count() == 3
    assert snapshot() == (9, 2, 1)  # 4 + 3 + 2 steps; one digest each for rep1 and manager1


def test_query_count_does_not_grow_with_the_number_of_items(org):
    def queries_for(count: int) -> int:
        with transaction.atomic():
            people = [org["rep1"], org["rep1"], org["rep2"]]
            owned = [
                customer_create(actor=org["manager1"], owner=owner, name=f"客户{count}-{i}")
                for i, owner in enumerate(people)
            ]
            from receivables.services import receivable_create

            for i in range(count):
                days = (140, 70, 45)[i % 3] + i // 3  # each customer stays on one step
                due = AS_OF - timedelta(days=days)
                receivable_create(
                    actor=org["finance1"],
                    customer=owned[i % 3],
                    number=f"Q{count}-{i}",
                    issue_date=due,
                    due_date=due,
                    amount=Decimal("1000"),
                )
            with CaptureQueriesContext(connection) as captured:
                result = jobs.receivable_escalate(as_of=AS_OF)
            assert (result.holds, result.digests) == (1, 3)
            transaction.set_rollback(True)
        return len(captured.captured_queries)

    assert queries_for(3) == queries_for(30)


def test_paid_receivables_are_not_escalated(org, buyer, invoice):
    invoice("AR-1", AS_OF - timedelta(days=40), "1000")
    payment_record(
        actor=org["finance1"], customer=buyer, date=AS_OF, amount=Decimal("1000"), method="transfer"
    )
    assert jobs.receivable_escalate(as_of=AS_OF).steps == 0
    assert snapshot() == (0, 0, 0)


def test_only_a_manager_releases_a_hold_with_a_reason(org, buyer, invoice):
    invoice("AR-95", AS_OF - timedelta(days=95), "1000")
    jobs.receivable_escalate(as_of=AS_OF)
    for who in ("rep1", "finance1"):
        with pytest.raises(NotPermitted):
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


def test_hold_is_recorded_in_the_customers_history(org, buyer, invoice):
    invoice("AR-95", AS_OF - timedelta(days=95), "1000")
    jobs.receivable_escalate(as_of=AS_OF)
    latest = buyer.history.order_by("-history_id").first()
    assert (latest.credit_hold, latest.credit_hold_reason) == (True, "AR-95 已逾期 95 天")


# --- Credit-limit warning: 单一客户累计欠款 > 50 % of the limit (strictly) ----------------


@pytest.mark.parametrize(
    ("outstanding", "warned"),
    [("49990.00", False), ("50000.00", False), ("50010.00", True)],  # 49.99 % / 50 % / 50.01 %
)
def test_credit_warning_boundaries_on_total_outstanding(org, buyer, invoice, outstanding, warned):
    # given items not yet due at all (the old rule looked at the overdue part only)
    invoice("AR-A", AS_OF + timedelta(days=20), "40000")
    invoice("AR-B", AS_OF + timedelta(days=40), Decimal(outstanding) - Decimal("40000"))
    assert jobs.receivable_escalate(as_of=AS_OF).warnings == int(warned)
    titles = [t for t, _b in notices(org["rep1"])]
    expected = (
        f"苏州恒通电子科技有限公司：累计欠款 ¥{Decimal(outstanding):,} "
        "已超过信用额度 ¥100,000.00 的 50%"
    )
    assert titles == ([expected] if warned else [])


def test_credit_warning_counts_what_is_still_owed_not_what_was_paid(org, buyer, invoice):
    invoice("AR-1", AS_OF - timedelta(days=10), "50000")
    invoice("AR-2", AS_OF + timedelta(days=10), "30000")
    payment_record(
        actor=org["finance1"],
        customer=buyer,
        date=AS_OF - timedelta(days=1),
        amount=Decimal("29990"),
        method="transfer",
    )
    # 80,000 - 29,990 = 50,010.00 > 50,000.00
    assert jobs.receivable_escalate(as_of=AS_OF).warnings == 1


def test_credit_warning_once_a_month(org, buyer, invoice):
    invoice("AR-1", AS_OF + timedelta(days=10), "60000")
    assert jobs.receivable_escalate(as_of=AS_OF).warnings == 1
    assert jobs.receivable_escalate(as_of=AS_OF + timedelta(days=1)).warnings == 0
    assert jobs.receivable_escalate(as_of=date(2026, 12, 1)).warnings == 1


def test_one_run_writes_each_recipient_in_their_own_language(org, buyer, invoice):
    # given an owner who switched to English; the manager kept the default
    rep1 = org["rep1"]
    rep1.language = "en"
    rep1.save()
    invoice("AR-140", AS_OF - timedelta(days=140), "60000")
    # when the job runs (in no particular language)
    jobs.receivable_escalate(as_of=AS_OF)
    # then the owner reads English, the manager Chinese
    assert notices(rep1) == [
        (
            "Overdue ladder on 2026-11-23: 1 customer",
            "苏州恒通电子科技有限公司 — put on credit hold (stop supply)\n"
            # the step's English name; its action text has no English field yet
            "- AR-140 · 140 days overdue · ¥60,000.00 · Stop supply and legal action: "
            "停止供货并启动法律程序"
            " · task for the owner",
        ),
        (
            "苏州恒通电子科技有限公司: outstanding ¥60,000.00 is over 50% of its credit limit"
            " ¥100,000.00",
            "",
        ),
    ]
    assert notices(org["manager1"]) == [
        (
            "2026-11-23 团队逾期分级处理：1 个客户",
            "苏州恒通电子科技有限公司（负责人：rep1） — 已停止供货\n"
            "- AR-140 · 逾期 140 天 · ¥60,000.00 · 停止供货: 停止供货并启动法律程序 · 负责人待办",
        )
    ]


def test_customer_page_warns_on_total_outstanding_not_yet_due(client, org, buyer, invoice):
    invoice("AR-1", timezone.localdate() + timedelta(days=30), "50010")
    client.force_login(org["rep1"])
    html = client.get(reverse("customer_detail", args=[buyer.pk])).content.decode()
    assert "累计欠款已超过信用额度预警比例" in html
