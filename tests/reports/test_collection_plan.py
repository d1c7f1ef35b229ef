"""Collection plan progress (reports/selectors/collection_plan.py): the annual collection target
split by quarter (reports.CollectionPlanSettings, validated in admin), cash collected per quarter
against its plan, per collection class the cash and the rate on what fell due, and its scope."""

from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.urls import reverse

from receivables.services import payment_record, receivable_create
from reports.models import CollectionPlanSettings
from reports.rules.stats import quarter_plans, split_problems
from reports.selectors.collection_plan import collection_plan_build
from salesops.core.pdf import render_pdf
from tests.factories import CustomerFactory, SalesTargetFactory
from tests.receivables.test_pdfs import (  # noqa: F401 - the poppler fixture
    assert_in_pdf,
    assert_noto_embedded,
    pdf_text,
    poppler,
)
from tests.reports.stats_helpers import request_for

pytestmark = pytest.mark.django_db
D = Decimal
AS_OF = date(2026, 8, 15)  # in Q3


def year_target(owner, amount, year=2026, **extra):
    return SalesTargetFactory(
        owner=owner,
        period="year",
        period_start=date(year, 1, 1),
        sales_target=0,
        collection_target=D(amount),
        **extra,
    )


def make_collection_plan_book(org):
    """rep1 targets 100,000 for 2026, rep3 60,000 (rep2's quarter target and rep1's 2025 target
    do not count). Customers: 甲 (rep1, rating A, 30 days: class A), 乙 (rep1, rating B, 60
    days: B), 丙 (rep3, rating D: C, the default)."""
    year_target(org["rep1"], "100000")
    year_target(org["rep3"], "60000")
    year_target(org["rep1"], "999", year=2025)
    SalesTargetFactory(
        owner=org["rep2"], period="quarter", period_start=date(2026, 7, 1), collection_target=5000
    )
    finance = org["finance1"]
    a = CustomerFactory(name="甲", owner=org["rep1"], credit_rating="A", payment_terms_days=30)
    b = CustomerFactory(name="乙", owner=org["rep1"], credit_rating="B", payment_terms_days=60)
    c = CustomerFactory(name="丙", owner=org["rep3"], credit_rating="D", payment_terms_days=30)

    def invoice(customer, number, due, amount, issued=date(2026, 1, 5)):
        receivable_create(
            actor=finance,
            customer=customer,
            number=number,
            issue_date=min(issued, due),
            due_date=due,
            amount=D(amount),
        )

    def pay(customer, day, amount, *, allocate=True):
        payment_record(
            actor=finance,
            customer=customer,
            date=day,
            amount=D(amount),
            method="transfer",
            allocate=allocate,
        )

    invoice(a, "AR-1", date(2026, 2, 15), "10000")
    pay(a, date(2026, 3, 1), "9500")  # Q1: 9,500 of AR-1
    invoice(a, "AR-2", date(2026, 5, 10), "20000")
    pay(a, date(2026, 7, 5), "20000")  # Q3: AR-1's last 500 (oldest first), 19,500 of AR-2
    invoice(b, "AR-3", date(2026, 7, 20), "8000")
    invoice(b, "AR-4", date(2026, 8, 31), "5000")  # due after the report's day
    pay(b, date(2026, 8, 1), "6000")  # Q3: 6,000 of AR-3
    invoice(c, "AR-5", date(2025, 12, 20), "1000", issued=date(2025, 12, 1))  # last year
    pay(c, date(2026, 4, 1), "3000", allocate=False)  # Q2, unallocated
    pay(c, date(2026, 9, 10), "700", allocate=False)  # after the report's day
    return {"a": a, "b": b, "c": c}


@pytest.fixture
def book(org):
    return make_collection_plan_book(org)


def quarters(result):
    return [(q.quarter, q.plan, q.collected, q.rate, q.state) for q in result["quarters"]]


def classes(result):
    return {
        row.collection_class.code if row.collection_class else None: [
            (cell.cash, cell.due, cell.collected_on_due, cell.rate, cell.status)
            for cell in row.cells
        ]
        for row in result["classes"]
    }


def test_plan_per_quarter_against_cash_collected(org, book):
    result = collection_plan_build(request_for(org["finance1"], "year", anchor=AS_OF))
    assert result["annual_target"] == D("160000.00")
    assert quarters(result) == [
        (1, D("40000.00"), D("9500.00"), D("0.2375"), "done"),
        (2, D("40000.00"), D("3000.00"), D("0.0750"), "done"),
        (3, D("40000.00"), D("26000.00"), D("0.6500"), "current"),
        (4, D("40000.00"), D("0.00"), None, "ahead"),
    ]
    assert (result["collected"], result["annual_rate"]) == (D("38500.00"), D("0.2406"))
    assert (result["plan_to_date"], result["plan_to_date_rate"]) == (D("120000.00"), D("0.3208"))
    assert result["current"].quarter == 3


def test_by_collection_class_cash_and_rate_on_what_fell_due(org, book):
    result = collection_plan_build(request_for(org["finance1"], "year", anchor=AS_OF))
    nothing = (D("0.00"), D("0.00"), D("0.00"), None, "no_rate")
    assert classes(result) == {
        # A: AR-1 9,500 of 10,000 by 31 March (its last 500 came in July): 95 %, within ≥ 90 %;
        # AR-2 nothing by 30 June (paid in July): 0 %, below.
        "A": [
            (D("9500.00"), D("10000.00"), D("9500.00"), D("0.9500"), "in_range"),
            (D("0.00"), D("20000.00"), D("0.00"), D("0.0000"), "below"),
            (D("20000.00"), D("0.00"), D("0.00"), None, "no_rate"),
            nothing,
        ],
        # B: AR-3 6,000 of 8,000 (AR-4 not due by 15 August): 75 %, within 70–80 %
        "B": [
            nothing,
            nothing,
            (D("6000.00"), D("8000.00"), D("6000.00"), D("0.7500"), "in_range"),
            nothing,
        ],
        # C: 3,000 unallocated in Q2; the September payment is after the report's day
        "C": [nothing, (D("3000.00"), D("0.00"), D("0.00"), None, "no_rate"), nothing, nothing],
    }
    assert [row.cash for row in result["classes"]] == [D("29500.00"), D("6000.00"), D("3000.00")]


def test_a_saved_split_and_a_wider_range(org, book):
    CollectionPlanSettings.objects.create(
        pk=1, min_share=20, max_share=30, q1_share=20, q2_share=30, q3_share=30, q4_share=20
    )
    result = collection_plan_build(request_for(org["rep1"], "year", anchor=AS_OF))
    assert [(q.plan, q.collected) for q in result["quarters"]] == [
        (D("20000.00"), D("9500.00")),
        (D("30000.00"), D("0.00")),
        (D("30000.00"), D("26000.00")),
        (D("20000.00"), D("0.00")),
    ]


@pytest.mark.parametrize(
    ("viewer", "filters", "target", "collected"),
    [
        ("manager1", {}, "100000.00", "35500.00"),  # team A: rep1 (rep2 has no year target)
        ("manager2", {}, "60000.00", "3000.00"),
        ("admin", {}, "160000.00", "38500.00"),
        ("finance1", {"team": "team_b"}, "60000.00", "3000.00"),
        ("finance1", {"rep": "rep1"}, "100000.00", "35500.00"),
        ("manager1", {"rep": "rep2"}, "0.00", "0.00"),
    ],
)
def test_scope_and_filters(org, book, viewer, filters, target, collected):
    chosen = {key: org[value] for key, value in filters.items()}
    result = collection_plan_build(request_for(org[viewer], "year", anchor=AS_OF, **chosen))
    assert (result["annual_target"], result["collected"]) == (D(target), D(collected))


def test_a_past_year_is_read_to_its_end(org, book):
    result = collection_plan_build(
        request_for(org["finance1"], "year", anchor=date(2025, 6, 1), as_of=date(2025, 12, 31))
    )
    assert result["annual_target"] == D("999.00")
    assert [q.state for q in result["quarters"]] == ["done"] * 4
    assert result["collected"] == D("0.00")
    assert classes(result)["C"][3] == (D("0.00"), D("1000.00"), D("0.00"), D("0.0000"), "no_range")


def test_body_renders_chart_first_and_every_quarter(org, book):
    request = request_for(org["finance1"], "year", anchor=AS_OF)
    context = collection_plan_build(request)
    third = context["quarters"][2].label
    assert f"{third} ¥40,000.00" in context["chart"]  # the plan, exact in the description
    assert f"{third} ¥26,000.00" in context["chart"]  # collected
    html = render_to_string(
        "reports/collection_plan_body.html",
        {**context, "request": request, "period": request.period, "pdf": False},
    )
    assert html.index("<svg") < html.index('data-testid="collection-plan-quarters"')
    assert "¥26,000.00" in html
    assert "24.1%" in html  # the year so far: 38,500 of 160,000
    assert f"{reverse('receivable_kpis')}?start=2026-07-01&amp;end=2026-09-30" in html
    printed = render_to_string(
        "reports/collection_plan_body.html",
        {**context, "request": request, "period": request.period, "pdf": True},
    )
    assert "<a href" not in printed
    assert "95.0%" in printed


def test_query_count_is_flat(org, book, django_assert_max_num_queries):
    request = request_for(org["manager1"], "year", anchor=AS_OF)
    with django_assert_max_num_queries(11):
        collection_plan_build(request)


# --- The split: a setting with clear refusals ---------------------------------------------------


def test_default_split_is_even_and_unsaved():
    split = CollectionPlanSettings.load()
    assert split.shares == [D(25)] * 4
    assert split.pk == 1
    assert not CollectionPlanSettings.objects.exists()


@pytest.mark.parametrize(
    ("annual", "shares", "plans"),
    [
        ("100.01", [25, 25, 25, 25], ["25.00", "25.00", "25.00", "25.01"]),
        ("160000", [25, 25, 25, 25], ["40000.00"] * 4),
        ("1000", [20, 30, 30, 20], ["200.00", "300.00", "300.00", "200.00"]),
        ("0", [25, 25, 25, 25], ["0.00"] * 4),
    ],
)
def test_quarter_plans_add_up_to_the_annual_target(annual, shares, plans):
    result = quarter_plans(D(annual), [D(s) for s in shares])
    assert result == [D(p) for p in plans]
    assert sum(result) == D(annual)


@pytest.mark.parametrize(
    ("shares", "problems"),
    [
        ([25, 25, 25, 25], []),
        ([30, 25, 25, 20], [(4, "range")]),
        ([31, 25, 24, 20], [(1, "range"), (3, "range"), (4, "range")]),
        ([30, 30, 30, 30], [(None, "sum")]),
        ([25, 25, 25, "25.01"], [(None, "sum")]),
    ],
)
def test_split_problems_at_the_default_range(shares, problems):
    assert split_problems([D(str(s)) for s in shares]) == problems


def test_a_wider_range_allows_an_uneven_split():
    assert split_problems([D(20), D(30), D(30), D(20)], low=D(20), high=D(30)) == []


@pytest.mark.parametrize(
    ("language", "quarter", "total"),
    [
        (
            "en",
            "Q1 is 31 %; each quarter carries 25–30 % of the annual target.",
            "The four quarters add up to 106 %; they must add up to 100 %.",
        ),
        (
            "zh-hans",
            "第1季度为 31 %；每个季度应占年度回款目标的 25–30 %。",
            "四个季度合计 106 %，必须合计为 100 %。",
        ),
    ],
)
def test_admin_refuses_a_split_with_messages_naming_each_quarter(
    client, org, language, quarter, total
):
    client.force_login(org["admin"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.post(
        reverse("admin:reports_collectionplansettings_add"),
        {
            "q1_share": "31",
            "q2_share": "25",
            "q3_share": "25",
            "q4_share": "25",
            "min_share": "25",
            "max_share": "30",
        },
    )
    form = response.context["adminform"].form
    assert form.errors["q1_share"] == [quarter]
    assert form.non_field_errors() == [total]
    assert not CollectionPlanSettings.objects.exists()


def test_admin_saves_a_valid_split_as_the_one_row(client, org):
    client.force_login(org["admin"])
    response = client.post(
        reverse("admin:reports_collectionplansettings_add"),
        {
            "q1_share": "27.5",
            "q2_share": "22.5",
            "q3_share": "25",
            "q4_share": "25",
            "min_share": "20",
            "max_share": "30",
        },
    )
    assert response.status_code == 302
    saved = CollectionPlanSettings.load()
    assert (saved.pk, str(saved)) == (1, "27.5/22.5/25/25")


def test_the_model_refuses_a_range_out_of_order():
    split = CollectionPlanSettings(min_share=30, max_share=25)
    with pytest.raises(ValidationError) as refused:
        split.full_clean()
    assert "max_share" in refused.value.message_dict


@pytest.mark.usefixtures("poppler")
def test_the_body_prints_to_a_pdf_with_the_chart_and_figures(org, book):
    request = request_for(org["finance1"], "year", anchor=AS_OF)
    content = render_pdf(
        "reports/collection_plan_body.html",
        {
            **collection_plan_build(request),
            "request": request,
            "period": request.period,
            "pdf": True,
        },
    )
    text = pdf_text(content)
    assert_in_pdf(text, "各季度回款计划与实际回款", "¥160,000.00", "¥26,000.00", "65.0%", "24.1%")
    assert_in_pdf(text, "核心客户", "95.0%", "75.0%")
    assert_noto_embedded(content)


def test_a_quarter_picked_in_the_year_shows_the_whole_year_as_of_today(org, book, monkeypatch):
    # ?period=quarter&date=2026-02-10 on 15 Aug 2026: the request reads Q1 to 31 Mar, but the
    # plan covers the year as of today (min(today, 31 Dec)), exactly as the year view does.
    monkeypatch.setattr(
        "reports.selectors.collection_plan.timezone.localdate", lambda: date(2026, 8, 15)
    )
    request = request_for(
        org["finance1"], "quarter", anchor=date(2026, 2, 10), as_of=date(2026, 3, 31)
    )
    result = collection_plan_build(request)
    assert quarters(result) == [
        (1, D("40000.00"), D("9500.00"), D("0.2375"), "done"),
        (2, D("40000.00"), D("3000.00"), D("0.0750"), "done"),
        (3, D("40000.00"), D("26000.00"), D("0.6500"), "current"),
        (4, D("40000.00"), D("0.00"), None, "ahead"),
    ]
    assert (result["as_of"], result["collected"]) == (date(2026, 8, 15), D("38500.00"))
