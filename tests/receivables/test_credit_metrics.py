"""Credit metrics (docs/receivables.md, "Credit metrics"): best-possible DSO, average days
delinquent (ADD), collection effectiveness index (CEI) and at-risk share, as pure functions and
on a worked example read from the book."""

from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse

from customers.services.customers import customer_create
from receivables.rules import kpis as rules
from receivables.selectors.kpis import credit_metrics
from receivables.services import AllocationRequest, payment_allocate, payment_record

D = Decimal
OCT = {"start": date(2026, 10, 1), "end": date(2026, 10, 31)}


@pytest.mark.parametrize(
    ("receivables", "sales", "days", "expected"),
    [
        (D("7600"), D("9300"), 31, D(7600 * 31) / D(9300)),
        (D("0"), D("100"), 30, D("0")),
        (D("100"), D("0"), 30, None),  # no credit sales: nothing to divide by
    ],
)
def test_dso_is_the_unrounded_quotient(receivables, sales, days, expected):
    assert rules.days_sales_outstanding(receivables=receivables, sales=sales, days=days) == expected


def test_add_is_the_difference_of_two_unrounded_dsos():
    # 7,600 average, 4,100 of it current, 9,300 sales over 31 days: 25.333… − 13.666… = 11.666…
    dso = rules.days_sales_outstanding(receivables=D("7600"), sales=D("9300"), days=31)
    best = rules.best_possible_dso(current=D("4100"), sales=D("9300"), days=31)
    add = rules.average_days_delinquent(dso=dso, best_possible=best)
    assert dso.quantize(D("0.0001")) == D("25.3333")
    assert best.quantize(D("0.0001")) == D("13.6667")
    # Had each been rounded to 0.1 first, ADD would read 25.3 − 13.7 = 11.6.
    assert add.quantize(D("0.1")) == D("11.7")
    exact = D("1e-20")
    assert add.quantize(exact) == (D(3500 * 31) / D(9300)).quantize(exact)
    assert rules.average_days_delinquent(dso=None, best_possible=best) is None


@pytest.mark.parametrize(
    ("opening", "sales", "closing", "closing_current", "expected"),
    [
        (D("6000"), D("9300"), D("9200"), D("6200"), D(6100) / D(9100) * 100),
        # Everything collectable collected: only what is not yet due is left.
        (D("1000"), D("500"), D("300"), D("300"), D("100")),
        # Nothing collected at all.
        (D("1000"), D("0"), D("1000"), D("0"), D("0")),
        # Nothing was collectable (no book, no sales): no figure.
        (D("0"), D("0"), D("0"), D("0"), None),
    ],
)
def test_cei(opening, sales, closing, closing_current, expected):
    assert (
        rules.collection_effectiveness(
            opening=opening, sales=sales, closing=closing, closing_current=closing_current
        )
        == expected
    )


@pytest.mark.parametrize(
    ("over", "outstanding", "expected"),
    [(D("1000"), D("9200"), D(1000) / D(9200)), (D("0"), D("5"), D("0")), (D("0"), D("0"), None)],
)
def test_at_risk_share(over, outstanding, expected):
    assert rules.at_risk_share(over_last_bucket=over, outstanding=outstanding) == expected


@pytest.fixture
def book(org, buyer, invoice):
    """The worked example (docs/receivables.md, "Credit metrics"), October 2026, 31 days.

    On 30 September: AR-0 1,000 (due 1 July), AR-1 3,000 (due 15 Sep, overdue), AR-2 2,000 (due
    15 Oct, current): 6,000 open, 2,000 current. Issued in October: AR-3 6,200 (due 20 Nov) and
    AR-4 3,100 (due 20 Oct): 9,300 credit sales. Paid in October: AR-1 3,000, AR-2 2,000, AR-4
    1,100. On 31 October: AR-0 1,000 (122 days past due), AR-3 6,200 (current), AR-4 2,000 (11
    days): 9,200 open, 6,200 current, 1,000 over 90 days."""
    rows = {
        "AR-0": ("2026-06-01", "2026-07-01", "1000"),
        "AR-1": ("2026-08-01", "2026-09-15", "3000"),
        "AR-2": ("2026-09-01", "2026-10-15", "2000"),
        "AR-3": ("2026-10-05", "2026-11-20", "6200"),
        "AR-4": ("2026-10-01", "2026-10-20", "3100"),
    }
    items = {
        number: invoice(number, date.fromisoformat(due), amount, issued=date.fromisoformat(issued))
        for number, (issued, due, amount) in rows.items()
    }
    for number, day, amount in [
        ("AR-1", date(2026, 10, 10), "3000"),
        ("AR-2", date(2026, 10, 25), "2000"),
        ("AR-4", date(2026, 10, 28), "1100"),
    ]:
        payment = payment_record(
            actor=org["finance1"],
            customer=buyer,
            date=day,
            amount=D(amount),
            method="transfer",
            allocate=False,
        )
        payment_allocate(
            actor=org["finance1"],
            payment=payment,
            requests=[AllocationRequest(items[number], D(amount))],
        )
    return items


def test_worked_example_cei_and_add(org, book):
    metrics = credit_metrics(user=org["finance1"], **OCT)
    assert (metrics.days, metrics.sales) == (31, D("9300.00"))
    assert (metrics.opening, metrics.opening_current) == (D("6000.00"), D("2000.00"))
    assert (metrics.closing, metrics.closing_current, metrics.closing_at_risk) == (
        D("9200.00"),
        D("6200.00"),
        D("1000.00"),
    )
    # DSO = (6,000 + 9,200) ÷ 2 × 31 ÷ 9,300 = 25.333…
    assert metrics.dso == D(7600) * 31 / D(9300)
    # Best-possible DSO = (2,000 + 6,200) ÷ 2 × 31 ÷ 9,300 = 13.666…
    assert metrics.best_possible_dso == D(4100) * 31 / D(9300)
    # ADD = 25.333… − 13.666… = 11.666… (= the average overdue 3,500 × 31 ÷ 9,300)
    assert metrics.average_days_delinquent.quantize(D("0.000001")) == D("11.666667")
    # CEI = (6,000 + 9,300 − 9,200) ÷ (6,000 + 9,300 − 6,200) × 100 = 6,100 ÷ 9,100 = 67.03 %
    assert metrics.cei.quantize(D("0.0001")) == D("67.0330")
    # At-risk share = 1,000 ÷ 9,200
    assert metrics.at_risk_share.quantize(D("0.000001")) == D("0.108696")
    figures = metrics.figures
    assert [figures[k].value for k in figures] == [
        D("25.3"),
        D("13.7"),
        D("11.7"),
        D("67.0"),
        D("0.1087"),
    ]


def test_the_page_shows_them(client, org, book):
    client.force_login(org["finance1"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    response = client.get(reverse("receivable_kpis"), {"start": "2026-10-01", "end": "2026-10-31"})
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["credit"].cei.quantize(D("0.1")) == D("67.0")
    for testid, text in [
        ("best-possible-dso", "13.7"),
        ("add", "11.7"),
        ("cei", "67.0"),
        ("at-risk-share", "10.87%"),
    ]:
        start = html.index(f'data-testid="{testid}"')
        assert text in html[start : start + 200], testid
    assert "平均逾期天数" in html


def test_scoped_to_what_the_viewer_sees(org, book):
    # rep2's customer owes 500 over 90 days; rep1 never sees it, finance does.
    other = customer_create(actor=org["manager1"], owner=org["rep2"], name="无锡远大机械有限公司")
    from receivables.services import receivable_create

    receivable_create(
        actor=org["finance1"],
        customer=other,
        number="AR-9",
        issue_date=date(2026, 5, 1),
        due_date=date(2026, 6, 1),
        amount=D("500"),
    )
    mine = credit_metrics(user=org["rep1"], **OCT)
    everything = credit_metrics(user=org["finance1"], **OCT)
    assert (mine.closing, mine.closing_at_risk) == (D("9200.00"), D("1000.00"))
    assert (everything.closing, everything.closing_at_risk) == (D("9700.00"), D("1500.00"))
    assert credit_metrics(user=None, **OCT).closing == D("9700.00")


def test_no_sales_and_no_book_give_no_figures_with_reasons(org):
    metrics = credit_metrics(user=org["finance1"], **OCT)
    assert (metrics.dso, metrics.best_possible_dso, metrics.average_days_delinquent) == (
        None,
        None,
        None,
    )
    assert (metrics.cei, metrics.at_risk_share) == (None, None)
    assert all(figure.reason for figure in metrics.figures.values())


def test_four_queries_whatever_the_book(org, book, django_assert_num_queries):
    with django_assert_num_queries(4):  # the settings row, sales, the two balance splits
        credit_metrics(user=org["manager1"], **OCT)
