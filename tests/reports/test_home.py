"""The home page of each role ("/"): what each one sees, with exact figures on the hand-made
book of tests/reports/home_helpers.py, and only what their scope holds."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from reports.selectors import home
from salesops.core.models import JobRun
from salesops.core.scheduling import jobs
from tests.factories import CustomerFactory, FollowUpFactory
from tests.reports.home_helpers import AS_OF, NOW, make_book

pytestmark = pytest.mark.django_db


@pytest.fixture
def book(org):
    return make_book(org)


@pytest.mark.parametrize(
    ("who", "marker"),
    [
        ("rep1", "home-rep"),
        ("manager1", "home-manager"),
        ("finance1", "home-finance"),
        ("admin", "home-admin"),
    ],
)
def test_each_role_gets_its_own_home_page_leading_with_a_chart(client, org, book, who, marker):
    client.force_login(org[who])
    html = client.get(reverse("home")).content.decode()
    assert f'data-testid="{marker}"' in html
    # The first thing in the role's part of the page is a chart (an accessible inline SVG).
    part = html[html.index(f'data-testid="{marker}"') :]
    assert part.index('aria-labelledby="chart-title-') < part.index("card-body") + 400
    others = {"home-rep", "home-manager", "home-finance", "home-admin"} - {marker}
    assert not [other for other in others if f'data-testid="{other}"' in html]


def test_a_user_without_a_role_sees_only_the_shell(client, org):
    from tests.factories import UserFactory

    nobody = UserFactory(username="nobody", role="")
    client.force_login(nobody)
    html = client.get(reverse("home")).content.decode()
    assert 'data-testid="home-heading"' in html
    assert "chart-title-" not in html


# --- rep ----------------------------------------------------------------------------------------


def test_rep_home_figures(org, book):
    page = home.rep_home(user=org["rep1"], as_of=AS_OF)

    # 甲 overdue (11-21), 乙 due today, 丙's visit on Thursday; 丁 after the week; rep2's 戊 is
    # not rep1's.
    assert page.due.counts == {"overdue": 1, "today": 1, "this_week": 1}
    assert page.due_now == 2
    assert [row.customer.name for row in page.due_rows] == ["甲公司", "乙公司"]
    # 甲's 11-22 step is late; 乙's was done; 11-25 is not due yet; rep2's is not rep1's.
    assert page.overdue_steps == 1
    assert [(s.customer.name, s.next_step) for s in page.late_steps] == [("甲公司", "催款")]
    # Open deals per level: two at 1, one at 3, two at 5 (the October one is still open).
    assert [(row.stage.level, row.count) for row in page.funnel.levels] == [
        (1, 2),
        (2, 0),
        (3, 1),
        (4, 0),
        (5, 2),
        (6, 0),
    ]
    # R1: 1,000 less 400 paid, 10 days overdue, promised 11-25 (the open next step after today).
    assert page.receivables.count == 1
    assert page.receivables.total == Decimal("600.00")
    (item,) = page.receivables.page.object_list
    assert (item.receivable.customer.name, item.days_overdue, item.balance, item.promised_date) == (
        "甲公司",
        10,
        Decimal("600.00"),
        date(2026, 11, 25),
    )
    # November: 200,000 target; 50,000 committed on 11-10 (the 80,000 of 10-20 is October's).
    assert (page.target.owner, page.target.target, page.target.actual) == (
        org["rep1"],
        Decimal("200000.00"),
        Decimal("50000.00"),
    )
    assert page.target.share == Decimal("0.2500")
    assert page.targets.period == "month"
    assert page.commission_available is (home.commission_to_date is not None)


def test_without_monthly_targets_the_quarters_count(org, book):
    from opportunities.models import SalesTarget

    SalesTarget.objects.filter(period="month").delete()
    page = home.rep_home(user=org["rep1"], as_of=AS_OF)
    # Q4: rep1's 900,000 against 50,000 (11-10) + 80,000 (10-20) committed.
    assert (page.targets.period, page.targets.start, page.targets.end) == (
        "quarter",
        date(2026, 10, 1),
        date(2026, 12, 31),
    )
    assert (page.target.target, page.target.actual) == (Decimal("900000.00"), Decimal("130000.00"))
    # manager1's team: only rep1 has a quarter's target; rep2's 30,000 still counts as committed.
    team = home.manager_home(user=org["manager1"], as_of=AS_OF).targets
    assert team.period == "quarter"
    assert [(t.owner.username, t.target, t.actual) for t in team.rows] == [
        ("manager1", Decimal("0.00"), Decimal("0.00")),
        ("rep1", Decimal("900000.00"), Decimal("130000.00")),
        ("rep2", Decimal("0.00"), Decimal("30000.00")),
    ]


def test_rep_page_links_every_figure_to_its_list(client, org, book, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a: AS_OF)
    client.force_login(org["rep1"])
    html = client.get(reverse("home")).content.decode()
    assert 'href="/followups/due/"' in html
    assert 'data-testid="due-now-count">2<' in html
    assert 'href="/receivables/?state=overdue"' in html
    assert 'data-testid="overdue-total">¥600.00<' in html
    assert 'href="/opportunities/funnel/?period=month"' in html
    assert 'href="/opportunities/targets/"' in html
    assert "25.0%" in html
    # Only rep1's customers: rep2's 戊 and rep3's 己 are not on the page.
    assert "甲公司" in html
    assert "戊公司" not in html
    assert "己公司" not in html
    assert 'data-testid="my-commission"' in html


# --- manager ------------------------------------------------------------------------------------


def test_manager_home_figures(org, book):
    page = home.manager_home(user=org["manager1"], as_of=AS_OF)

    # Team A's open deals per level (rep3's d8 is team B's).
    assert [row.count for row in page.funnel.levels] == [2, 1, 1, 0, 3, 0]
    # The week: d1 created into 1; d3 2→3; d6 3→2. d4's move is ten days old; d8 is team B's.
    assert [(m.level, m.moved_in, m.moved_out) for m in page.movement] == [
        (1, 1, 0),
        (2, 1, 1),
        (3, 1, 1),
        (4, 0, 0),
        (5, 0, 0),
        (6, 0, 0),
    ]
    # rep1: 乙 (today), 丙 (no follow-up due), 丁 (December) within cadence, 甲 not: 3 of 4;
    # rep2: 戊 overdue, 0 of 1; the team 3 of 5.
    assert [(r.owner.username, r.within_cadence, r.customers) for r in page.compliance] == [
        ("rep1", 3, 4),
        ("rep2", 0, 1),
    ]
    assert page.team_compliance == Decimal("0.6000")
    # Aging on 11-23: 乙's 500 not due, 甲's 600 at 10 days, 戊's 700 at 114 days (team B's
    # R5 is not counted): within terms 1,100 of 1,800, 90+ 700 of 1,800.
    totals = page.aging.totals
    assert (totals.not_due, totals.b1, totals.b2, totals.b3, totals.b4) == (
        Decimal("500.00"),
        Decimal("600.00"),
        Decimal("0.00"),
        Decimal("0.00"),
        Decimal("700.00"),
    )
    assert totals.within_terms_share == Decimal("0.6111")
    assert totals.last_bucket_share == Decimal("0.3889")
    # against the settings' thresholds (docs/receivables.md): healthy from 60 %, alarm above 20 %
    assert (page.aging.healthy_share, page.aging.alarm_share) == (Decimal("0.6"), Decimal("0.2"))
    # November per seller: manager1 no target; rep1 50,000 of 200,000; rep2 30,000 of 100,000.
    assert (page.targets.period, page.targets.start) == ("month", date(2026, 11, 1))
    assert [(t.owner.username, t.target, t.actual) for t in page.targets.rows] == [
        ("manager1", Decimal("0.00"), Decimal("0.00")),
        ("rep1", Decimal("200000.00"), Decimal("50000.00")),
        ("rep2", Decimal("100000.00"), Decimal("30000.00")),
    ]
    assert page.target_share == Decimal("0.2667")
    # 戊 on hold (己 is team B's); the red order on 甲 (己's red order is team B's).
    assert page.credit_holds == 1
    assert [c.name for c in page.credit_hold_customers] == ["戊公司"]
    assert page.red_orders == 1
    assert [o.customer.name for o in page.red_order_list] == ["甲公司"]


def test_the_week_ends_with_the_day_and_a_bad_day_falls_back_to_today(client, org, book):
    from opportunities.models import Opportunity, StageChange

    # A move on 11-24 is after the day; one on 11-17 is the week's first day.
    deal = Opportunity.objects.get(customer__name="甲公司", stage__level=3)
    for day, from_level, to_level in ((24, 3, 4), (17, 1, 2)):
        StageChange.objects.create(
            opportunity=deal,
            kind="advanced",
            from_level=from_level,
            to_level=to_level,
            changed_at=NOW.replace(day=day),
        )
    page = home.manager_home(user=org["manager1"], as_of=AS_OF)
    assert [(m.level, m.moved_in, m.moved_out) for m in page.movement][:4] == [
        (1, 1, 1),
        (2, 2, 1),
        (3, 1, 1),
        (4, 0, 0),
    ]
    client.force_login(org["manager1"])
    response = client.get(reverse("home") + "?as_of=2026-13-01")
    assert response.status_code == 200
    assert response.context["today"] == timezone.localdate()
    assert [str(m) for m in response.context["messages"]]  # says the day was not understood


def test_manager_page_links_and_scope(client, org, book, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a: AS_OF)
    client.force_login(org["manager1"])
    html = client.get(reverse("home")).content.decode()
    assert 'href="/customers/?credit_hold=true"' in html
    assert 'href="/orders/?alert=red"' in html
    assert 'href="/followups/compliance/"' in html
    assert 'href="/receivables/aging/?group_by=owner"' in html
    assert "戊公司" in html
    assert "己公司" not in html  # team B's customer on hold
    assert "rep3" not in html


def test_the_links_filter_the_lists_to_the_same_figures(client, org, book):
    client.force_login(org["manager1"])
    customers = client.get(reverse("customer_list") + "?credit_hold=true").context["page_obj"]
    assert [c.name for c in customers] == ["戊公司"]
    client.force_login(org["finance1"])
    payments = client.get(reverse("payment_list") + "?unallocated=1").context["page_obj"]
    assert sorted(p.unallocated for p in payments) == [Decimal("300.00"), Decimal("500.00")]
    assert client.get(reverse("payment_list")).context["page_obj"].paginator.count == 3


# --- finance ------------------------------------------------------------------------------------


def test_finance_home_figures(org, book):
    page = home.finance_home(user=org["finance1"], as_of=AS_OF)

    # Everyone's: 500 not due; 600 (甲, 10 days) + 900 (己's R5, 22 days) in 1-30; 700 at 90+.
    totals = page.aging.totals
    assert (totals.not_due, totals.b1, totals.b4, totals.total) == (
        Decimal("500.00"),
        Decimal("1500.00"),
        Decimal("700.00"),
        Decimal("2700.00"),
    )
    assert page.overdue_total == Decimal("2200.00")
    # The collection list, most overdue first: R3 (08-01), R5 (11-01), R1 (11-13).
    assert page.collections.count == 3
    assert page.collections.total == Decimal("2200.00")
    assert [i.receivable.customer.name for i in page.collections.page.object_list] == [
        "戊公司",
        "己公司",
        "甲公司",
    ]
    # Not fully allocated: 戊's 300 (nothing allocated), 己's 500 left of 2,500.
    assert page.unallocated_count == 2
    assert page.unallocated_total == Decimal("800.00")
    assert [p.customer.name for p in page.unallocated_payments] == ["己公司", "戊公司"]
    # The 30 days 10-25..11-23: due R1 1,000 (11-13) + R5 900 (11-01) = 1,900 (R4 fell due on
    # 10-01); collected on them 400.
    assert page.kpi_start == date(2026, 10, 25)
    assert page.kpis.due_in_period == Decimal("1900.00")
    assert page.kpis.collected_in_period == Decimal("400.00")
    assert page.kpis.collection_rate == Decimal("0.2105")
    assert page.industry_dso_days == 60
    assert page.dso_limit == Decimal("90.0")
    assert page.trend == []  # no nightly snapshot was taken in this book


def test_finance_trend_reads_the_nightly_snapshots(org, book):
    from receivables.jobs import aging_snapshot_take

    aging_snapshot_take(as_of=AS_OF - timedelta(days=1))
    aging_snapshot_take(as_of=AS_OF)
    page = home.finance_home(user=org["finance1"], as_of=AS_OF)
    assert [(p["as_of"], p["total"]) for p in page.trend] == [
        (AS_OF - timedelta(days=1), Decimal("2700.00")),
        (AS_OF, Decimal("2700.00")),
    ]
    assert [p["overdue"] for p in page.trend] == [Decimal("2200.00"), Decimal("2200.00")]


def test_finance_page_links(client, org, book, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a: AS_OF)
    client.force_login(org["finance1"])
    html = client.get(reverse("home")).content.decode()
    assert 'href="/receivables/payments/?unallocated=1"' in html
    assert 'data-testid="unallocated-total">¥800.00<' in html
    assert 'href="/receivables/collections/"' in html
    assert 'href="/receivables/kpis/?start=2026-10-25&end=2026-11-23"' in html
    assert "21.1%" in html  # the collection rate
    assert 'data-testid="credit-metrics"' in html


# --- admin --------------------------------------------------------------------------------------


def test_manager_home_compliance_counts_no_log_after_the_day_viewed(org):
    customer = CustomerFactory(owner=org["rep1"])
    noon = timezone.make_aware(timezone.datetime(2026, 11, 20, 12))
    for days in (-5, 0, 1, 2):  # two logs up to the 20th, two after it
        FollowUpFactory(customer=customer, occurred_at=noon + timedelta(days=days))
    page = home.manager_home(user=org["manager1"], as_of=date(2026, 11, 20))
    assert [(r.owner.username, r.logs) for r in page.compliance] == [("rep1", 2)]


def test_admin_home_shows_each_jobs_last_run_and_the_failures(org):
    def run(name, hours_ago, outcome="ok", error="", seconds=2):
        started = NOW - timedelta(hours=hours_ago)
        return JobRun.objects.create(
            name=name,
            as_of=started.date(),
            started_at=started,
            finished_at=started + timedelta(seconds=seconds),
            duration=timedelta(seconds=seconds),
            outcome=outcome,
            error=error,
        )

    run("heartbeat_record", 2)
    run("heartbeat_record", 1, seconds=1)
    run("receivable_escalate", 48)
    failed = run(
        "receivable_escalate", 24, "failed", "Traceback (most recent call last):\nValueError: boom"
    )
    run("aging_snapshot_take", 240)  # ten days ago: its last run, outside the week

    page = home.admin_home(user=org["admin"], now=NOW)

    assert [job.name for job in page.jobs] == list(jobs())
    status = {job.name: job for job in page.jobs}
    assert status["heartbeat_record"].last.duration == timedelta(seconds=1)
    assert status["heartbeat_record"].runs_week == 2
    assert status["receivable_escalate"].last == failed
    assert (status["receivable_escalate"].runs_week, status["receivable_escalate"].failed_week) == (
        2,
        1,
    )
    assert status["aging_snapshot_take"].runs_week == 0
    assert status["aging_snapshot_take"].last is not None
    assert status["followup_remind"].last is None
    assert page.failed_week == 1
    assert page.last_failed == 1
    assert page.never_run == len(jobs()) - 3
    assert page.failures == [failed]
    assert failed.error_summary == "ValueError: boom"


def test_admin_home_last_runs_are_portable_and_break_ties_by_pk(org):
    # No DISTINCT ON (PostgreSQL only: SQLite is a supported embedded default); a fixed number
    # of queries; two runs started at the same instant: the later row is the last run.
    def run(name, started, outcome="ok"):
        return JobRun.objects.create(
            name=name, as_of=started.date(), started_at=started, outcome=outcome
        )

    run("heartbeat_record", NOW - timedelta(hours=3))
    run("heartbeat_record", NOW - timedelta(hours=1), "failed")
    tie = run("heartbeat_record", NOW - timedelta(hours=1))
    latest = run("receivable_escalate", NOW - timedelta(days=30))
    run("receivable_escalate", NOW - timedelta(days=31), "failed")
    with CaptureQueriesContext(connection) as queries:
        page = home.admin_home(user=org["admin"], now=NOW)
    status = {job.name: job for job in page.jobs}
    assert (status["heartbeat_record"].last, status["receivable_escalate"].last) == (tie, latest)
    assert (status["heartbeat_record"].runs_week, status["heartbeat_record"].failed_week) == (3, 1)
    assert (page.last_failed, page.never_run) == (0, len(jobs()) - 2)
    assert not any("DISTINCT ON" in q["sql"].upper() for q in queries.captured_queries)
    assert len(queries.captured_queries) == 4


def test_admin_page_lists_every_job(client, org):
    now = timezone.now()
    JobRun.objects.create(
        name="receivable_escalate",
        as_of=AS_OF,
        started_at=now,
        finished_at=now,
        duration=timedelta(seconds=3.5),
        outcome="failed",
        error="ValueError: boom",
    )
    client.force_login(org["admin"])
    html = client.get(reverse("home")).content.decode()
    for name in jobs():
        assert f'data-job="{name}"' in html
    assert 'data-testid="failed-week-count">1<' in html
    assert "ValueError: boom" in html
    assert 'href="/admin/core/jobrun/?outcome__exact=failed"' in html


# --- query counts -------------------------------------------------------------------------------


# Each page: what every page pays (session, user, groups, the unread count, the shell's team,
# notifications and customer count) and its selectors' own fixed queries (the due list's five,
# the funnel's five, the collection list's five, the aging's two, the KPIs' ten...).
# With the commission branch: the rep's commission so far adds seven (the closed months, the
# settings, the targets, the summed lines with a savepoint and SET LOCAL jit around them), the
# finance page's credit metrics four (the settings, credit sales, the book split at both ends).
@pytest.mark.parametrize(
    ("who", "queries"), [("rep1", 35), ("manager1", 26), ("finance1", 37), ("admin", 11)]
)
def test_each_home_page_takes_the_same_queries_for_a_bigger_book(
    client, org, book, who, queries, django_assert_num_queries
):
    from tests.test_query_counts import grow

    client.force_login(org[who])
    with django_assert_num_queries(queries):
        assert client.get(reverse("home")).status_code == 200
    grow(org, 6)
    for name in jobs():
        JobRun.objects.create(name=name, as_of=AS_OF, started_at=NOW, outcome="failed")
    with django_assert_num_queries(queries):
        assert client.get(reverse("home")).status_code == 200


# --- the funnel and aging pages lead with a chart -----------------------------------------------


def test_the_funnel_and_aging_pages_lead_with_their_chart(client, org, book):
    from receivables.jobs import aging_snapshot_take

    aging_snapshot_take(as_of=AS_OF)
    client.force_login(org["manager1"])
    funnel = client.get(reverse("funnel_dashboard") + "?period=month&as_of=2026-11-23")
    html = funnel.content.decode()
    chart = html[html.index('data-testid="funnel-chart"') :]
    assert chart.index("<svg") < chart.index('data-testid="funnel-kpis"')
    # manager1's open deals per level, exact in the chart's description
    assert "确定 2, 接触 1, 有资格 1, 已发展 0, 已承诺 3, 安全收回全款 0</desc>" in chart
    aging = client.get(reverse("aging") + "?as_of=2026-11-23").content.decode()
    first_chart = aging.index('data-testid="aging-chart"')
    assert first_chart < aging.index('data-testid="aging"')
    # manager1's buckets (as on the home page), exact in the chart's description
    assert (
        "未到期 ¥500.00, 1-30 天 ¥600.00, 31-60 天 ¥0.00, 61-90 天 ¥0.00, 90+ 天 ¥700.00</desc>"
        in aging[first_chart:]
    )
    assert 'data-testid="trend"' in aging


# --- the slots the commission and credit metrics branches fill ---------------------------------


def test_the_slots_show_commission_and_credit_metrics_once_they_exist(
    client, org, book, monkeypatch
):
    """Fakes of the shapes of commission_to_date (CommissionToDate) and credit_metrics
    (CreditMetrics.figures) of branch i12-com: what the cards show when the lead merges it."""
    from types import SimpleNamespace

    from receivables.rules.kpis import Figure

    seen = {}

    def commission_to_date(*, user, as_of):
        seen["commission"] = (user, as_of)
        return SimpleNamespace(
            month=date(2026, 11, 1), collected=Decimal("400.00"), commission=Decimal("12.34")
        )

    def credit_metrics(*, user, start, end):
        seen["credit"] = (user, start, end)
        return SimpleNamespace(
            figures={
                "best_possible_dso": Figure(Decimal("41.5")),
                "average_days_delinquent": Figure(Decimal("12.0")),
                "cei": Figure(None, "nothing collectable"),
            }
        )

    monkeypatch.setattr(home, "commission_to_date", commission_to_date)
    monkeypatch.setattr(home, "credit_metrics", credit_metrics)
    client.force_login(org["rep1"])
    html = client.get(reverse("home") + "?as_of=2026-11-23").content.decode()
    assert seen["commission"] == (org["rep1"], AS_OF)
    assert 'data-testid="commission-to-date">¥12.34<' in html
    assert "2026-11 已回款 ¥400.00" in html
    client.force_login(org["finance1"])
    html = client.get(reverse("home") + "?as_of=2026-11-23").content.decode()
    assert seen["credit"] == (org["finance1"], date(2026, 10, 25), AS_OF)
    part = html[html.index('data-testid="credit-metrics"') :]
    assert "41.5" in part[part.index('data-testid="best-possible-dso"') :][:200]
    assert "12.0" in part[part.index('data-testid="add"') :][:200]
    assert "nothing collectable" in part[part.index('data-testid="cei"') :][:300]
