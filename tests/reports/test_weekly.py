"""The rep weekly report (周报): exact figures on a hand-made week, per viewer and filter."""

from datetime import date
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from reports.selectors.weekly import weekly_build
from reports.services.plans import visit_report_save, work_plan_save
from tests.factories import FollowUpFactory
from tests.reports.per_data import at, deal, move, order, paid
from tests.reports.per_helpers import weekly_request

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 11, 23)  # the week 2026-11-23 … 11-29; the report reads on the Sunday


@pytest.fixture
def week(org, customers):
    c1, c2, c3 = customers["rep1"], customers["rep2"], customers["rep3"]
    # Follow-ups: Monday 00:10 in Shanghai is in the week, Sunday 23:30 before it is not.
    FollowUpFactory(customer=c1, occurred_at=at(MONDAY, 0, 10), channel="visit")
    FollowUpFactory(customer=c1, occurred_at=at(date(2026, 11, 25)), is_late=True)
    FollowUpFactory(customer=c1, occurred_at=at(date(2026, 11, 22), 23, 30))
    FollowUpFactory(customer=c2, occurred_at=at(date(2026, 11, 29), 23, 50))
    FollowUpFactory(customer=c3, occurred_at=at(date(2026, 11, 24)))
    # Next steps: due Saturday (overdue on Sunday), due Sunday (not yet), done, another team's.
    old = at(date(2026, 11, 1))
    FollowUpFactory(
        customer=c1, occurred_at=old, next_step="寄样", next_step_due=date(2026, 11, 28)
    )
    FollowUpFactory(
        customer=c1, occurred_at=old, next_step="报价", next_step_due=date(2026, 11, 29)
    )
    FollowUpFactory(
        customer=c2,
        occurred_at=old,
        next_step="回访",
        next_step_due=date(2026, 11, 2),
        next_step_done_at=old,
    )
    FollowUpFactory(customer=c3, occurred_at=old, next_step="催款", next_step_due=date(2026, 11, 3))
    # Funnel moves.
    d1, d2, d3 = deal(c1, name="一号商机"), deal(c2, name="二号商机"), deal(c3, name="三号商机")
    move(d1, "created", at(date(2026, 11, 24)))
    move(d1, "advanced", at(date(2026, 11, 25)), from_level=1, to_level=2)
    move(d2, "lost", at(date(2026, 11, 26)), from_level=2, to_level=2)
    move(d1, "advanced", at(date(2026, 11, 30)), from_level=2, to_level=3)
    move(d3, "created", at(date(2026, 11, 24)))
    # Orders: confirmed and accepted ones count, drafts and cancelled ones and other weeks not.
    order(org, c1, day=date(2026, 11, 24), amount="1130.00")
    order(org, c2, day=date(2026, 11, 29), amount="200.50", status="accepted")
    order(org, c1, day=date(2026, 11, 25), amount="999.00", status="draft")
    order(org, c1, day=date(2026, 11, 26), amount="999.00", status="cancelled")
    order(org, c1, day=date(2026, 11, 30), amount="999.00")
    order(org, c3, day=date(2026, 11, 24), amount="777.00")
    # Collections: 1,000 received Wednesday, 600 of it allocated; a void; last week's.
    paid(org, c1, day=date(2026, 11, 25), amount="1000.00", owed="600.00")
    paid(org, c1, day=date(2026, 11, 26), amount="500.00", void=True)
    paid(org, c1, day=date(2026, 11, 20), amount="300.00")
    paid(org, c2, day=date(2026, 11, 29), amount="50.00")
    paid(org, c3, day=date(2026, 11, 27), amount="80.00")
    # Visit reports with and without issues.
    today = date(2026, 12, 1)
    for who, day, issues in (
        ("rep1", date(2026, 11, 24), "交期担忧"),
        ("rep1", date(2026, 11, 25), ""),
        ("rep2", date(2026, 11, 28), "价格偏高"),
        ("rep2", date(2026, 11, 30), "下周的问题"),
        ("rep3", date(2026, 11, 24), "另一团队"),
    ):
        visit_report_save(
            actor=org[who],
            day=day,
            customer=customers[who],
            summary="拜访",
            issues=issues,
            today=today,
        )
    # Plans: rep1's week and month, rep1's next week (not shown), rep2's week.
    for who, kind, start, goals in (
        ("rep1", "week", MONDAY, "一周目标"),
        ("rep1", "month", MONDAY, "十一月目标"),
        ("rep1", "week", date(2026, 11, 30), "下周目标"),
        ("rep2", "week", date(2026, 11, 27), "二号的周目标"),
    ):
        work_plan_save(actor=org[who], kind=kind, period_start=start, goals=goals)
    return org


def figures(data: dict) -> dict:
    return {
        "followups": data["followups"],
        "overdue": (data["overdue_steps_count"], [s.next_step for s in data["overdue_steps"]]),
        "moves": {k: v for k, v in data["move_counts"].items() if v},
        "orders": (data["orders"], [o.total for o in data["order_list"]]),
        "collections": data["collections"],
        "issues": [r.issues for r in data["issues"]],
        "plans": [p.goals for p in data["plans"]],
    }


def test_the_managers_week_holds_exactly_the_teams_figures(week):
    data = weekly_build(weekly_request(week["manager1"], anchor=MONDAY))
    assert figures(data) == {
        "followups": {"done": 3, "visits": 1, "late": 1},
        "overdue": (1, ["寄样"]),
        "moves": {"created": 1, "advanced": 1, "lost": 1, "total": 3},
        "orders": (
            {"count": 2, "amount": Decimal("1330.50")},
            [Decimal("1130.00"), Decimal("200.50")],
        ),
        "collections": {"count": 2, "amount": Decimal("1050.00"), "allocated": Decimal("600.00")},
        "issues": ["交期担忧", "价格偏高"],
        "plans": ["十一月目标", "一周目标", "二号的周目标"],
    }
    assert [m.opportunity.name for m in data["moves"]] == ["一号商机", "一号商机", "二号商机"]


def test_a_reps_week_holds_only_their_own(week):
    data = weekly_build(weekly_request(week["rep1"], anchor=MONDAY))
    assert figures(data) == {
        "followups": {"done": 2, "visits": 1, "late": 1},
        "overdue": (1, ["寄样"]),
        "moves": {"created": 1, "advanced": 1, "total": 2},
        "orders": ({"count": 1, "amount": Decimal("1130.00")}, [Decimal("1130.00")]),
        "collections": {"count": 1, "amount": Decimal("1000.00"), "allocated": Decimal("600.00")},
        "issues": ["交期担忧"],
        "plans": ["十一月目标", "一周目标"],
    }


def test_the_rep_filter_narrows_a_managers_week_to_that_rep(week):
    data = weekly_build(weekly_request(week["manager1"], anchor=MONDAY, rep=week["rep2"]))
    assert figures(data) == {
        "followups": {"done": 1, "visits": 0, "late": 0},
        "overdue": (0, []),
        "moves": {"lost": 1, "total": 1},
        "orders": ({"count": 1, "amount": Decimal("200.50")}, [Decimal("200.50")]),
        "collections": {"count": 1, "amount": Decimal("50.00"), "allocated": Decimal("0.00")},
        "issues": ["价格偏高"],
        "plans": ["二号的周目标"],
    }


def test_an_empty_week_is_zeros_not_none(org):
    data = weekly_build(weekly_request(org["rep1"], anchor=MONDAY))
    assert figures(data) == {
        "followups": {"done": 0, "visits": 0, "late": 0},
        "overdue": (0, []),
        "moves": {},
        "orders": ({"count": 0, "amount": Decimal("0.00")}, []),
        "collections": {"count": 0, "amount": Decimal("0.00"), "allocated": Decimal("0.00")},
        "issues": [],
        "plans": [],
    }


def test_the_body_renders_the_figures_with_absolute_links_when_asked(week):
    request = weekly_request(week["manager1"], anchor=MONDAY)
    context = {**weekly_build(request), "request": request, "period": request.period, "pdf": False}
    html = render_to_string(
        "reports/weekly_body.html", {**context, "link_base": "https://crm.example.cn"}
    )
    assert 'data-testid="followups-done">3<' in html
    assert "¥1,330.50" in html
    assert "¥1,050.00" in html
    assert 'href="https://crm.example.cn/orders/' in html
    assert "交期担忧" in html
    assert "二号的周目标" in html


def test_the_build_takes_the_same_queries_for_a_bigger_week(
    week, customers, django_assert_num_queries
):
    request = weekly_request(week["manager1"], anchor=MONDAY)
    weekly_build(request)  # the viewer's role is read once per request, then cached
    with django_assert_num_queries(12):
        weekly_build(request)
    for index in range(5):
        d = deal(customers["rep2"], name=f"更多{index}")
        move(d, "created", at(date(2026, 11, 27)))
        order(week, customers["rep2"], day=date(2026, 11, 27), amount="10.00")
    work_plan_save(
        actor=week["rep2"],
        kind="month",
        period_start=MONDAY,
        goals="x",
        customers=[customers["rep2"]],
    )
    with django_assert_num_queries(12):
        weekly_build(request)


def test_no_figure_links_to_a_list_showing_other_rows(week):
    # The order, payment and due lists have no date range nor team/region/tier filter: a
    # link from the week's figures would show other numbers, so there is none.
    request = weekly_request(week["manager1"], anchor=MONDAY)
    context = {**weekly_build(request), "request": request, "period": request.period, "pdf": False}
    html = render_to_string("reports/weekly_body.html", {**context, "link_base": "https://x.cn"})
    for url in (reverse("order_list"), reverse("payment_list"), reverse("followup_due")):
        assert f'href="https://x.cn{url}"' not in html
        assert f'href="https://x.cn{url}?' not in html
    assert 'data-testid="collected">¥1,050.00<' in html
