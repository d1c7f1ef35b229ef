"""Pages not covered by their module's tests: the query count stays flat as rows grow."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from customers.models import Customer
from customers.selectors import due_list
from opportunities.models import SalesTarget
from orders.services.contracts import contract_sign, contract_update
from orders.services.milestones import milestone_plan_set
from receivables.services import payment_record, receivable_create
from tests.factories import CustomerFactory, FollowUpFactory, OpportunityFactory
from tests.orders.contract_helpers import LINE, draft

pytestmark = pytest.mark.django_db


def grow(org, n):
    """n more customers for rep1 and rep2, each with a deal, a follow-up, a pool twin, money,
    and a work plan, a visit report and a competitor report about it."""
    for index in range(n):
        for rep in ("rep1", "rep2"):
            customer = CustomerFactory(owner=org[rep])
            OpportunityFactory(customer=customer, owner=org[rep])
            followup = FollowUpFactory(customer=customer)
            grow_plans(org[rep], customer, followup)
            CustomerFactory(
                owner=None, owner_since=None, pool_since=timezone.now(), pool_team=org["team_a"]
            )
            receivable = receivable_create(
                actor=org["finance1"],
                customer=customer,
                number=f"QC-{rep}-{index}-{customer.pk}",
                issue_date=date(2026, 9, 1),
                due_date=date(2026, 10, 1),
                amount=Decimal("100"),
            )
            payment_record(
                actor=org["finance1"],
                customer=receivable.customer,
                date=date(2026, 10, 5),
                amount=Decimal("40"),
                method="cash",
            )
    for rep in ("rep1", "rep2"):
        SalesTarget.objects.get_or_create(
            owner=org[rep],
            period="quarter",
            period_start=date(2026, 10, 1),
            defaults={"sales_target": Decimal("1000")},
        )


def grow_plans(rep, customer, followup):
    """A weekly plan (a week further back each time) targeting the customer, a visit report
    about the follow-up and a competitor report."""
    from datetime import timedelta

    from reports.models import CompetitorReport, VisitReport, WorkPlan

    today = timezone.localdate()
    start = today - timedelta(weeks=WorkPlan.objects.filter(owner=rep).count())
    plan = WorkPlan.objects.create(
        owner=rep, kind="week", period_start=start, period_end=start, goals="计划"
    )
    plan.customers.add(customer)
    VisitReport.objects.create(
        owner=rep, day=today, customer=customer, followup=followup, summary="拜访", issues="问题"
    )
    CompetitorReport.objects.create(
        owner=rep, month=today.replace(day=1), customer=customer, competitor="对手", observation="x"
    )


PAGES = [
    ("manager1", lambda: reverse("work_plan_list")),
    ("manager1", lambda: reverse("visit_report_list")),
    ("manager1", lambda: reverse("competitor_report_list")),
    ("rep1", lambda: reverse("visit_report_create")),
    # The weekly and monthly reports (issue 12, per): page and PDF, grouped SQL whatever the book.
    ("manager1", lambda: reverse("report_page", args=["weekly"])),
    ("rep1", lambda: reverse("report_page", args=["weekly"])),
    ("manager1", lambda: reverse("report_pdf", args=["weekly"])),
    ("manager1", lambda: reverse("report_page", args=["monthly"])),
    ("finance1", lambda: reverse("report_page", args=["monthly"])),
    ("admin", lambda: reverse("report_pdf", args=["monthly"])),
    ("manager1", lambda: reverse("customer_pool")),
    ("manager1", lambda: reverse("followup_compliance")),
    ("manager1", lambda: reverse("receivable_kpis") + "?start=2026-01-01&end=2026-12-31"),
    ("manager1", lambda: reverse("business_review", args=["rep1"])),
    ("manager1", lambda: reverse("target_list") + "?year=2026"),
    ("finance1", lambda: reverse("collections_export") + "?as_of=2026-11-23"),
    ("finance1", lambda: reverse("aging_export") + "?as_of=2026-11-23"),
    ("rep1", lambda: reverse("customer_export")),
    ("rep1", lambda: reverse("home")),
    ("manager1", lambda: reverse("home")),
    ("finance1", lambda: reverse("home")),
    ("admin", lambda: reverse("home")),
    ("manager1", lambda: reverse("customer_list") + "?page=2"),
    ("manager1", lambda: reverse("followup_due")),
    ("admin", lambda: reverse("funnel_dashboard")),
    ("manager1", lambda: reverse("opportunity_list")),
]


@pytest.mark.parametrize(
    ("viewer", "url"), PAGES, ids=[f"{v}-{i}" for i, (v, _u) in enumerate(PAGES)]
)
def test_query_count_does_not_grow_with_rows(
    client, org, viewer, url, django_assert_max_num_queries
):
    client.force_login(org[viewer])
    grow(org, 2)
    with django_assert_max_num_queries(40) as few:
        assert client.get(url()).status_code == 200
    grow(org, 12)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url()).status_code == 200


@pytest.mark.parametrize("viewer", ["admin", "finance1", "manager1", "rep1"])
def test_the_aging_page_takes_the_same_few_queries_for_any_book(
    client, org, viewer, django_assert_num_queries
):
    # The page's own three (the settings; the page with its totals and row count in one
    # query; the trend) and what every page pays: session, user, the user's groups (role),
    # the unread-notification count.
    client.force_login(org[viewer])
    for more in (2, 12):
        grow(org, more)
        for group_by in ("customer", "owner", "team", "region"):
            url = reverse("aging") + f"?as_of=2026-11-23&group_by={group_by}"
            with django_assert_num_queries(7):
                assert client.get(url).status_code == 200
    # A page past the end (fewer than 50 groups here) asks once more, for the last page.
    with django_assert_num_queries(8):
        assert client.get(reverse("aging") + "?as_of=2026-11-23&page=2").status_code == 200


REPORT_QUERY = "?period=month&date=2026-11-15"
# The report's four (the settings; the totals; the customers owing most, which the PDF streams
# in one more query instead; the trend), the form's choices (teams, reps, regions, tier names)
# and what every page pays: session, user, the user's groups, the unread notifications.
REPORT_QUERIES = {"report_page": 12, "report_pdf": 8}


@pytest.mark.parametrize("viewer", ["admin", "finance1", "manager1", "rep1"])
@pytest.mark.parametrize("url_name", ["report_page", "report_pdf"])
def test_the_aging_report_takes_the_same_queries_for_any_book(
    client, org, settings, viewer, url_name
):
    # The PDF rendered in the request, however many pages the grown book's estimate says (the
    # background build of a long one is tests/reports/test_builds.py's).
    settings.REPORT_PDF_INLINE_PAGES = 1000
    client.force_login(org[viewer])
    url = reverse(url_name, args=["aging"]) + REPORT_QUERY
    counts = []
    for more in (2, 12):
        grow(org, more)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts == [REPORT_QUERIES[url_name]] * 2


def test_due_list_takes_five_queries_whatever_the_rows(org, django_assert_num_queries):
    """The sections' sizes, the page of customers, their contacts, the steps' count and page."""
    grow(org, 3)
    today = timezone.localdate()
    # Every customer due today, each with an open next step due today.
    Customer.objects.update(next_followup_due=today)
    for customer in Customer.objects.filter(owner__isnull=False):
        FollowUpFactory(customer=customer, next_step="回访", next_step_due=today)
    manager = org["manager1"]
    assert manager.role  # the role lookup is the request's
    with django_assert_num_queries(5):
        due = due_list(user=manager, as_of=today)
    assert sum(due.counts.values()) == due.page.paginator.count > 0
    assert due.steps_page.paginator.count > 0


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # session, user, owners for the filter, aggregate, page ids + rows, contacts, steps,
        # follow-ups; one more to read the chosen owner.
        ("?as_of=2026-11-23", 10),
        ("?as_of=2026-11-23&page=3", 10),
        ("?as_of=2026-11-23&q=QC&min_days=31", 10),
    ],
)
def test_collection_page_query_count_is_exact_and_flat(
    client, org, query, expected, django_assert_num_queries
):
    # Given finance and a list of 4, then of 28 items (two pages of 50 would need 100)
    client.force_login(org["finance1"])
    grow(org, 2)
    with django_assert_num_queries(expected):
        assert client.get(reverse("collections") + query).status_code == 200
    grow(org, 12)
    with django_assert_num_queries(expected):
        assert client.get(reverse("collections") + query).status_code == 200
    with django_assert_num_queries(expected + 1):
        owner = f"&owner={org['rep1'].pk}"
        assert client.get(reverse("collections") + query + owner).status_code == 200


# --- Orders (issue 11, the orders engineer's block) ---------------------------------------------


def grow_orders(org, n, *, lines=1):
    """n more orders for rep1 and rep2 (each with `lines` lines), one of them with an alert."""
    from orders.models import Product
    from orders.services.orders import LineInput, order_alert_set, order_create

    product, _new = Product.objects.get_or_create(
        sku="QC-1", defaults={"name": "泵", "list_price": Decimal("10")}
    )
    made = []
    for _index in range(n):
        for rep in ("rep1", "rep2"):
            order = order_create(
                actor=org[rep],
                customer=CustomerFactory(owner=org[rep]),
                delivery_date=date(2026, 4, 1),
                order_date=date(2026, 3, 2),
                lines=[LineInput(product=product, quantity=Decimal(1))] * lines,
            )
            order_alert_set(actor=org[rep], order=order, level="red", reason="投诉")
            made.append(order)
    return made


@pytest.mark.parametrize("viewer", ["manager1", "rep1", "finance1"])
def test_order_list_takes_the_same_queries_for_any_number_of_orders(
    client, org, viewer, django_assert_max_num_queries
):
    client.force_login(org[viewer])
    grow_orders(org, 2)
    urls = [reverse("order_list"), reverse("order_list") + "?alert=red&page=1"]
    counts = []
    for url in urls:
        with django_assert_max_num_queries(40) as few:
            assert client.get(url).status_code == 200
        counts.append(len(few.captured_queries))
    grow_orders(org, 15)
    for url, count in zip(urls, counts, strict=True):
        with django_assert_max_num_queries(count):
            assert client.get(url).status_code == 200


def test_order_detail_takes_the_same_queries_for_any_number_of_lines(
    client, org, django_assert_max_num_queries
):
    from orders.services.credit import order_confirm
    from orders.services.orders import order_change_request

    client.force_login(org["manager1"])
    small = grow_orders(org, 1, lines=1)[0]
    with django_assert_max_num_queries(40) as few:
        assert client.get(small.get_absolute_url()).status_code == 200
    big = grow_orders(org, 1, lines=30)[0]
    big.customer.credit_limit = Decimal("1000000")
    big.customer.save()
    order_confirm(actor=org["rep1"], order=big)
    for index in range(5):
        order_change_request(actor=org["rep1"], order=big, reason=f"改{index}", note=f"n{index}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(big.get_absolute_url()).status_code == 200


# Contracts (issue 11): the list and a contract's page stay flat as contracts, lines and
# milestones grow.


def grow_contracts(org, n):
    contracts = []
    for _index in range(n):
        for rep in ("rep1", "rep2"):
            plan = [
                {"name": f"节点{i}", "amount": Decimal("100"), "trigger": "signing"}
                for i in range(n)
            ]
            contract = draft(org, customer=CustomerFactory(owner=org[rep]), actor=rep, plan=None)
            contract_update(
                actor=org[rep],
                contract=contract,
                lines=[{**LINE, "unit_price": Decimal("100")} for _ in range(n)],
            )
            milestone_plan_set(actor=org[rep], contract=contract, milestones=plan)
            contract_sign(actor=org[rep], contract=contract, signed_on=date(2026, 3, 5))
            contracts.append(contract)
    return contracts


@pytest.mark.parametrize("viewer", ["manager1", "finance1", "rep1"])
def test_contract_list_and_detail_query_counts_do_not_grow(
    client, org, viewer, django_assert_max_num_queries
):
    client.force_login(org[viewer])
    small = grow_contracts(org, 2)
    with django_assert_max_num_queries(20) as few_list:
        assert client.get(reverse("contract_list")).status_code == 200
    with django_assert_max_num_queries(20) as few_detail:
        assert client.get(small[0].get_absolute_url()).status_code == 200
    large = grow_contracts(org, 6)
    with django_assert_max_num_queries(len(few_list.captured_queries)):
        assert client.get(reverse("contract_list")).status_code == 200
    with django_assert_max_num_queries(len(few_detail.captured_queries)):
        assert client.get(large[0].get_absolute_url()).status_code == 200


@pytest.mark.parametrize("viewer", ["finance1", "manager1", "rep1"])
@pytest.mark.parametrize("url_name", ["report_page", "report_pdf"])
def test_the_commission_statement_takes_the_same_queries_for_any_book(
    client, org, viewer, url_name, monkeypatch
):
    """The statement's reads (tests/reports/test_commission_statement.py: a summary a rep for
    finance and a manager, a rep's own lines, whose sums are the totals), the form's choices
    and what every page pays, whether there are two allocations or twelve. The totals' or the
    lines' read runs with JIT off: in a test, a savepoint, SET LOCAL, the query, the release."""
    from tests.factories import CustomerFactory
    from tests.reports.test_commission import Book

    monkeypatch.setattr("reports.views.reports.report_today", lambda: date(2026, 12, 2))
    book = Book(org)
    client.force_login(org[viewer])
    url = reverse(url_name, args=["commission"]) + REPORT_QUERY
    counts = []
    for more in (2, 10):
        for index in range(more):
            owner = org[("rep1", "rep2", "rep3", "manager1")[index % 4]]
            book.collect(CustomerFactory(owner=owner), date(2026, 11, 1 + index), "100")
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts == [{"report_page": 16, "report_pdf": 13}[url_name]] * 2
