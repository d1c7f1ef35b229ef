"""The weekly report by e-mail: subscribing, and the Monday job's one digest per subscriber and
week (Django's locmem outbox)."""

import threading
from datetime import date

import pytest
from django.core import mail
from django.db import connection

from reports.jobs import weekly_report_send
from reports.models import WeeklyDelivery
from reports.services.subscriptions import weekly_subscription_set
from tests.factories import FollowUpFactory
from tests.reports.per_data import at, order

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 11, 30)  # beat fires Monday 08:00; the report is of 11-23 … 11-29


@pytest.fixture
def team_week(org, customers):
    FollowUpFactory(customer=customers["rep1"], occurred_at=at(date(2026, 11, 24)))
    FollowUpFactory(customer=customers["rep2"], occurred_at=at(date(2026, 11, 25)))
    FollowUpFactory(customer=customers["rep3"], occurred_at=at(date(2026, 11, 25)))
    order(org, customers["rep1"], day=date(2026, 11, 24), amount="1234.50")
    order(org, customers["rep3"], day=date(2026, 11, 24), amount="999.00")
    return org


def test_each_subscriber_gets_one_digest_of_their_teams_last_week(team_week, settings):
    settings.SITE_URL = "https://crm.example.cn"
    weekly_subscription_set(actor=team_week["manager1"], active=True)
    weekly_subscription_set(actor=team_week["manager2"], active=True)
    weekly_subscription_set(actor=team_week["admin"], active=False)
    assert weekly_report_send(as_of=MONDAY) == 2
    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert sorted(by_recipient) == ["manager1@example.com", "manager2@example.com"]
    first = by_recipient["manager1@example.com"]
    html = first.alternatives[0][0]
    assert first.subject == "[SalesOps] 周报 2026年第48周"
    assert 'data-testid="followups-done">2<' in html  # rep1 and rep2, not rep3
    assert "¥1,234.50" in html
    assert "¥999.00" not in html
    assert 'href="https://crm.example.cn/orders/' in html
    assert "https://crm.example.cn/reports/weekly/?period=week&amp;date=2026-11-23" in html
    assert "¥1,234.50" in first.body  # the plain-text part
    second = by_recipient["manager2@example.com"].alternatives[0][0]
    assert 'data-testid="followups-done">1<' in second
    assert "¥999.00" in second


def test_a_rerun_sends_nothing_twice(team_week):
    weekly_subscription_set(actor=team_week["manager1"], active=True)
    assert weekly_report_send(as_of=MONDAY) == 1
    assert weekly_report_send(as_of=MONDAY) == 0
    assert len(mail.outbox) == 1
    assert list(WeeklyDelivery.objects.values_list("week_start", flat=True)) == [date(2026, 11, 23)]
    # The next Monday is another week.
    assert weekly_report_send(as_of=date(2026, 12, 7)) == 1


def test_a_failed_send_leaves_no_delivery_so_the_next_run_sends(team_week, monkeypatch):
    weekly_subscription_set(actor=team_week["manager1"], active=True)

    def refuse(self, fail_silently=False):
        raise OSError("mail server down")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)
    assert weekly_report_send(as_of=MONDAY) == 0
    assert WeeklyDelivery.objects.count() == 0
    monkeypatch.undo()
    assert weekly_report_send(as_of=MONDAY) == 1
    assert len(mail.outbox) == 1


def test_no_address_or_no_longer_a_manager_gets_nothing(team_week):
    weekly_subscription_set(actor=team_week["manager1"], active=True)
    weekly_subscription_set(actor=team_week["manager2"], active=True)
    team_week["manager1"].email = ""
    team_week["manager1"].save()
    team_week["manager2"].groups.clear()
    assert weekly_report_send(as_of=MONDAY) == 0
    assert mail.outbox == []


def test_an_english_reader_gets_english(team_week):
    team_week["manager1"].language = "en"
    team_week["manager1"].save()
    weekly_subscription_set(actor=team_week["manager1"], active=True)
    weekly_report_send(as_of=MONDAY)
    assert mail.outbox[0].subject == "[SalesOps] Weekly report 2026-W48"
    assert "Follow-ups done" in mail.outbox[0].alternatives[0][0]


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_one_digest(org):
    weekly_subscription_set(actor=org["manager1"], active=True)
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    barrier, results = threading.Barrier(2), []

    def worker():
        try:
            barrier.wait()
            results.append(weekly_report_send(as_of=MONDAY))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [0, 1]
    assert len(mail.outbox) == 1
    assert WeeklyDelivery.objects.count() == 1
