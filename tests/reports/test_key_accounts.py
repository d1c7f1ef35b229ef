"""Key-account sales statistics (reports/selectors/key_accounts.py): the TOP-20 by the orders'
revenue in the period, last year's same period and the change, collected and outstanding, the
owner, the top 10's finance specialist; scoped like every report; and the customer's finance
specialist field (customers.Customer.finance_specialist)."""

import itertools
from datetime import date
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from customers.services.customers import customer_update
from orders.models import Order
from receivables.services import payment_record, receivable_create
from reports.selectors.key_accounts import key_accounts_build
from salesops.core.errors import ServiceError
from salesops.core.pdf import render_pdf
from tests.factories import CustomerFactory
from tests.receivables.test_pdfs import (  # noqa: F401 - the poppler fixture
    assert_in_pdf,
    assert_noto_embedded,
    pdf_text,
    poppler,
)
from tests.reports.stats_helpers import request_for

pytestmark = pytest.mark.django_db
D = Decimal
NOV = date(2026, 11, 15)
_numbers = itertools.count(1)


def order(customer, total, accepted_on, *, status=Order.Status.ACCEPTED):
    total = D(total)
    return Order.objects.create(
        number=f"SO-K{next(_numbers):05d}",
        customer=customer,
        owner=customer.owner,
        created_by=customer.owner,
        status=status,
        order_date=date(2025, 1, 1),
        delivery_date=date(2025, 2, 1),
        total_net=total,
        total_tax=D(0),
        total=total,
        accepted_on=accepted_on,
    )


def make_key_accounts_book(org):
    """Three customers' November 2026 against November 2025:
    c1 (rep1) 5,000 + 3,000 accepted (an Oct order, a delivered one and a closed one aside);
    c2 (rep2) 6,000, nothing last year; c3 (rep3) 9,000 against 10,000."""
    c1 = CustomerFactory(name="甲公司", owner=org["rep1"])
    c2 = CustomerFactory(name="乙公司", owner=org["rep2"])
    c3 = CustomerFactory(name="丙公司", owner=org["rep3"], finance_specialist=org["finance1"])
    order(c1, "5000", date(2026, 11, 1))
    order(c1, "3000", date(2026, 11, 30), status=Order.Status.CLOSED)
    order(c1, "999", date(2026, 10, 31))  # October: out
    order(c1, "777", None, status=Order.Status.DELIVERED)  # not accepted: no revenue
    order(c1, "4000", date(2025, 11, 20))
    order(c2, "6000", date(2026, 11, 2))
    order(c3, "9000", date(2026, 11, 3))
    order(c3, "10000", date(2025, 11, 3))
    order(c3, "1", date(2025, 12, 1))  # December 2025: not last year's November
    finance = org["finance1"]
    receivable_create(
        actor=finance,
        customer=c1,
        number="AR-K1",
        issue_date=date(2026, 11, 1),
        due_date=date(2026, 11, 30),
        amount=D("10000"),
    )
    for day, amount in ((date(2026, 11, 10), "2000"), (date(2026, 12, 1), "500")):
        payment_record(actor=finance, customer=c1, date=day, amount=D(amount), method="transfer")
    payment_record(
        actor=finance, customer=c3, date=date(2026, 10, 31), amount=D("100"), method="transfer"
    )
    return {"c1": c1, "c2": c2, "c3": c3}


@pytest.fixture
def book(org):
    return make_key_accounts_book(org)


def figures(result):
    return [
        (r.rank, r.customer.name, r.sales, r.last_year, r.yoy, r.collected, r.outstanding)
        for r in result["rows"]
    ]


def test_top_customers_with_last_year_collected_and_outstanding(org, book):
    # when finance opens November 2026, as of its last day
    result = key_accounts_build(request_for(org["finance1"], anchor=NOV, as_of=date(2026, 11, 30)))
    # then c3 leads, c1 doubled on last year, c2 has no base to compare with; c1 paid 2,000 in
    # November (the December payment is neither collected nor off its balance on 30 November)
    assert figures(result) == [
        (1, "丙公司", D("9000.00"), D("10000.00"), D("-0.1000"), D("0.00"), D("0.00")),
        (2, "甲公司", D("8000.00"), D("4000.00"), D("1.0000"), D("2000.00"), D("8000.00")),
        (3, "乙公司", D("6000.00"), D("0.00"), None, D("0.00"), D("0.00")),
    ]
    assert (result["top_sales"], result["top_last_year"], result["top_yoy"]) == (
        D("23000.00"),
        D("14000.00"),
        D("0.6429"),
    )
    assert (result["total_sales"], result["top_share"]) == (D("23000.00"), D("1.0000"))
    assert (result["top_collected"], result["top_outstanding"]) == (D("2000.00"), D("8000.00"))
    last = result["last_period"]
    assert (last.start, last.end) == (date(2025, 11, 1), date(2025, 11, 30))
    # the top 10 carry their finance specialist; two of them have none yet
    assert [r.customer.finance_specialist for r in result["rows"]] == [org["finance1"], None, None]
    assert [r.customer.name for r in result["missing_specialists"]] == ["甲公司", "乙公司"]
    assert [r.customer.owner for r in result["rows"]] == [org["rep3"], org["rep1"], org["rep2"]]


def test_only_twenty_are_listed_and_only_the_top_ten_carry_a_specialist(org):
    # given 22 customers with sales 1,000 … 22,000 in November, each with a finance specialist
    for n in range(1, 23):
        customer = CustomerFactory(
            name=f"客户{n:02d}", owner=org["rep1"], finance_specialist=org["finance1"]
        )
        order(customer, n * 1000, date(2026, 11, 5))
    result = key_accounts_build(request_for(org["manager1"], anchor=NOV))
    rows = result["rows"]
    assert [r.customer.name for r in rows] == [f"客户{n:02d}" for n in range(22, 2, -1)]
    assert [r.carries_specialist for r in rows] == [True] * 10 + [False] * 10
    assert result["total_sales"] == D(sum(range(1, 23)) * 1000)
    assert result["top_share"] == D("0.9881")  # 250,000 ÷ 253,000
    assert result["missing_specialists"] == []


def test_ties_are_ranked_by_name(org):
    for name in ("乙", "甲", "丙"):
        order(CustomerFactory(name=name, owner=org["rep1"]), "100", date(2026, 11, 5))
    result = key_accounts_build(request_for(org["rep1"], anchor=NOV))
    names = [r.customer.name for r in result["rows"]]
    assert names == sorted(names)


@pytest.mark.parametrize(
    ("viewer", "filters", "expected"),
    [
        ("rep1", {}, ["甲公司"]),  # a rep: their own key accounts only
        ("rep3", {}, ["丙公司"]),
        ("manager1", {}, ["甲公司", "乙公司"]),  # team A
        ("manager2", {}, ["丙公司"]),
        ("admin", {}, ["丙公司", "甲公司", "乙公司"]),
        ("finance1", {"rep": "rep2"}, ["乙公司"]),
        ("finance1", {"team": "team_b"}, ["丙公司"]),
    ],
)
def test_scope_and_filters(org, book, viewer, filters, expected):
    chosen = {key: org[value] for key, value in filters.items()}
    result = key_accounts_build(request_for(org[viewer], anchor=NOV, **chosen))
    assert [r.customer.name for r in result["rows"]] == expected


def test_nothing_sold_is_an_empty_list_and_a_chart_saying_so(org):
    result = key_accounts_build(request_for(org["rep1"], anchor=NOV))
    assert result["rows"] == []
    assert result["top_share"] is None
    assert "<svg" in result["chart"]


def test_query_count_is_flat(org, django_assert_max_num_queries):
    for n in range(1, 25):
        customer = CustomerFactory(name=f"客户{n:02d}", owner=org["rep1"])
        order(customer, n * 1000, date(2026, 11, 5))
        order(customer, n * 900, date(2025, 11, 5))
    request = request_for(org["manager1"], anchor=NOV)
    with django_assert_max_num_queries(7):  # the viewer's role, then six
        key_accounts_build(request)


def test_body_renders_the_chart_figures_and_links(org, book):
    request = request_for(org["finance1"], anchor=NOV, as_of=date(2026, 11, 30))
    context = key_accounts_build(request)
    html = render_to_string(
        "reports/key_accounts_body.html",
        {**context, "request": request, "period": request.period, "pdf": False},
    )
    assert html.index("<svg") < html.index('data-testid="key-accounts"')
    assert "¥23,000.00" in html
    assert "+100.0%" in html
    assert "-10.0%" in html
    assert f"{reverse('order_list')}?customer={book['c1'].pk}" in html
    assert "finance1" in html
    printed = render_to_string(
        "reports/key_accounts_body.html",
        {**context, "request": request, "period": request.period, "pdf": True},
    )
    assert "<a href" not in printed
    assert "¥8,000.00" in printed


# --- The finance specialist on the customer ---------------------------------------------------


def test_a_manager_names_a_finance_specialist_and_the_customer_page_shows_it(client, org):
    customer = CustomerFactory(name="重点客户", owner=org["rep1"])
    customer_update(actor=org["manager1"], customer=customer, finance_specialist=org["finance1"])
    customer.refresh_from_db()
    assert customer.finance_specialist == org["finance1"]
    client.force_login(org["rep1"])
    html = client.get(reverse("customer_detail", args=[customer.pk])).content.decode()
    assert 'data-testid="finance-specialist">finance1<' in html


def test_the_finance_specialist_must_be_in_finance(org):
    customer = CustomerFactory(name="重点客户", owner=org["rep1"])
    with pytest.raises(ServiceError) as refused:
        customer_update(actor=org["manager1"], customer=customer, finance_specialist=org["rep2"])
    assert "finance_specialist" in refused.value.message_dict
    customer.refresh_from_db()
    assert customer.finance_specialist is None


def test_a_rep_may_not_name_the_finance_specialist(org):
    from salesops.core.errors import NotPermitted

    customer = CustomerFactory(name="重点客户", owner=org["rep1"])
    with pytest.raises(NotPermitted):
        customer_update(actor=org["rep1"], customer=customer, finance_specialist=org["finance1"])


def test_admin_offers_only_finance_users_as_specialist(client, org):
    customer = CustomerFactory(name="重点客户", owner=org["rep1"])
    client.force_login(org["admin"])
    response = client.get(reverse("admin:customers_customer_change", args=[customer.pk]))
    choices = response.context["adminform"].form.fields["finance_specialist"].queryset
    assert list(choices) == [org["finance1"]]


@pytest.mark.usefixtures("poppler")
def test_the_body_prints_to_a_pdf_with_the_chart_and_figures(org, book):
    request = request_for(org["finance1"], anchor=NOV, as_of=date(2026, 11, 30))
    context = key_accounts_build(request)
    content = render_pdf(
        "reports/key_accounts_body.html",
        {**context, "request": request, "period": request.period, "pdf": True},
    )
    text = pdf_text(content)
    # the chart's title, the TOP-3's total, a row with its YoY, the specialist
    assert_in_pdf(text, "销售额TOP-20客户", "¥23,000.00", "丙公司", "¥9,000.00", "-10.0%")
    assert_in_pdf(text, "财务专员", "finance1", "去年同期")
    assert_noto_embedded(content)


def test_the_customer_form_offers_finance_users_to_managers_only(client, org):
    customer = CustomerFactory(name="重点客户", owner=org["rep1"])
    client.force_login(org["manager1"])
    field = (
        client.get(reverse("customer_edit", args=[customer.pk]))
        .context["form"]
        .fields["finance_specialist"]
    )
    assert (list(field.queryset), field.disabled) == ([org["finance1"]], False)
    client.force_login(org["rep1"])
    field = (
        client.get(reverse("customer_edit", args=[customer.pk]))
        .context["form"]
        .fields["finance_specialist"]
    )
    assert field.disabled is True
