"""The collection KPI page: rates by owner, team and collection class, turnover and DSO, bad-debt
rate, targets for the page's period, names people know, and a query count that stays flat."""

from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from receivables.models import CollectionClass, CollectionClassRule
from receivables.selectors.kpis import kpis
from receivables.services import (
    AllocationRequest,
    payment_allocate,
    payment_record,
    receivable_create,
    receivable_write_off,
)
from tests.factories import CustomerFactory, SalesTargetFactory

pytestmark = pytest.mark.django_db
D = Decimal
OCT = {"start": date(2026, 10, 1), "end": date(2026, 10, 31)}


def pay(org, customer, on, amount, *, allocate=True):
    return payment_record(
        actor=org["finance1"],
        customer=customer,
        date=on,
        amount=D(amount),
        method="transfer",
        allocate=allocate,
    )


def page(client, user, start, end, *, language="zh-hans"):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client.get(reverse("receivable_kpis"), {"start": start, "end": end})


def test_collection_rate_turnover_dso_and_bad_debt(client, org, buyer, invoice):
    # Given 4,000 issued and due in October, 1,000 paid and 300 written off in it
    invoice("AR-1", date(2026, 10, 10), "1000", issued=date(2026, 10, 1))
    second = invoice("AR-2", date(2026, 10, 20), "3000", issued=date(2026, 10, 1))
    pay(org, buyer, date(2026, 10, 25), "1000")
    receivable_write_off(
        actor=org["finance1"],
        receivable=second,
        amount=D("300"),
        reason="客户破产",
        on=date(2026, 10, 30),
    )
    # When finance opens October
    result = page(client, org["finance1"], "2026-10-01", "2026-10-31").context["kpis"]
    # Then
    assert (result.due_in_period, result.collected_in_period, result.collection_rate) == (
        D("4000.00"),
        D("1000.00"),
        D("0.2500"),
    )
    # Open on Sep 30: 0; on Oct 31: 4,000 − 1,000 − 300 = 2,700; average 1,350.
    assert (result.sales, result.opening_receivables, result.closing_receivables) == (
        D("4000.00"),
        D("0.00"),
        D("2700.00"),
    )
    assert result.average_receivables == D("1350.00")
    assert result.turnover.value == D("34.89")  # 4,000 × 365 ÷ 31 ÷ 1,350
    assert result.dso.value == D("10.5")  # 1,350 × 31 ÷ 4,000 = 10.46
    assert result.bad_debt_rate.value == D("0.1000")  # 300 ÷ (2,700 + 300)
    (owner,) = result.by_owner
    assert (owner.name, owner.due, owner.collected, owner.rate, owner.below) == (
        "rep1",
        D("4000.00"),
        D("1000.00"),
        D("0.2500"),
        True,  # 25 % < the normal 85 %
    )


def test_bad_debt_rate_when_nothing_was_issued_in_the_period(org, buyer, invoice):
    # Given 3,000 issued in September and 300 of it written off in October
    old = invoice("AR-1", date(2026, 9, 30), "3000", issued=date(2026, 9, 1))
    receivable_write_off(
        actor=org["finance1"],
        receivable=old,
        amount=D("300"),
        reason="无法收回",
        on=date(2026, 10, 15),
    )
    # When October is measured
    result = kpis(user=org["finance1"], **OCT)
    # Then the rate is 300 ÷ (2,700 still open + 300), where it used to be no answer
    assert (result.sales, result.written_off, result.closing_receivables) == (
        D("0"),
        D("300.00"),
        D("2700.00"),
    )
    assert result.bad_debt_rate.value == D("0.1000")


def test_no_figure_is_shown_with_its_reason(client, org):
    # Given an empty book, When the page is opened in English
    html = page(client, org["finance1"], "2026-10-01", "2026-10-31", language="en").content.decode()
    # Then every missing figure says why
    # turnover and DSO, and the credit metrics' DSO, best-possible DSO and ADD
    assert html.count("No figure: No credit sales in the period.") == 5
    assert (
        "No figure: Nothing outstanding at the period&#x27;s end and nothing written off." in html
    )


def test_no_figure_in_chinese(client, org):
    html = page(client, org["finance1"], "2026-10-01", "2026-10-31").content.decode()
    assert "无数据：本期没有赊销。" in html


def test_dso_of_exactly_945_days_is_not_rounded_to_935_9(org, buyer, invoice):
    # Given 92,950 open since September and 3,100 more issued in October (nothing paid)
    invoice("AR-1", date(2026, 12, 31), "92950", issued=date(2026, 9, 1))
    invoice("AR-2", date(2026, 12, 31), "3100", issued=date(2026, 10, 5))
    # When October is measured
    result = kpis(user=org["finance1"], **OCT)
    # Then average 94,500 × 31 days ÷ 3,100 sales = 945.0 (365 ÷ 0.39 would give 935.9)
    assert result.average_receivables == D("94500.00")
    assert result.dso.value == D("945.0")
    assert result.turnover.value == D("0.39")


@pytest.fixture
def classed(org):
    """One customer of rep1 per collection class under the default rules."""
    return {
        "A": CustomerFactory(
            name="核心甲", owner=org["rep1"], credit_rating="A", payment_terms_days=60
        ),
        "B": CustomerFactory(
            name="潜力乙", owner=org["rep1"], credit_rating="A", payment_terms_days=90
        ),
        "B2": CustomerFactory(
            name="潜力丙", owner=org["rep1"], credit_rating="B", payment_terms_days=30
        ),
        "C": CustomerFactory(
            name="风险丁", owner=org["rep1"], credit_rating="A", payment_terms_days=91
        ),
        "C2": CustomerFactory(
            name="风险戊", owner=org["rep1"], credit_rating="C", payment_terms_days=30
        ),
    }


def due_and_paid(org, customer, number, amount, paid):
    receivable_create(
        actor=org["finance1"],
        customer=customer,
        number=number,
        issue_date=date(2026, 9, 1),
        due_date=date(2026, 10, 15),
        amount=D(amount),
    )
    if D(paid):
        pay(org, customer, date(2026, 10, 20), paid)


def class_rows(result):
    return [(row.name, row.due, row.collected, row.rate, row.status) for row in result.by_class]


def test_collection_rate_by_class_against_each_class_range(org, classed):
    # Given A paid 90 %, B 65 % (500 + 800 of 2,000), C 10 %
    due_and_paid(org, classed["A"], "A-1", "1000", "900")
    due_and_paid(org, classed["B"], "B-1", "1000", "500")
    due_and_paid(org, classed["B2"], "B-2", "1000", "800")
    due_and_paid(org, classed["C"], "C-1", "600", "0")
    due_and_paid(org, classed["C2"], "C-2", "400", "100")
    # When October is measured
    result = kpis(user=org["finance1"], **OCT)
    # Then A is in range at exactly 90 %, B below 70 %, C has a special plan, not a threshold
    assert class_rows(result) == [
        ("A · 核心客户", D("1000.00"), D("900.00"), D("0.9000"), "in_range"),
        ("B · 潜力客户", D("2000.00"), D("1300.00"), D("0.6500"), "below"),
        ("C · 风险客户", D("1000.00"), D("100.00"), D("0.1000"), "no_range"),
    ]
    assert [row.below for row in result.by_class] == [False, True, False]
    assert result.by_class[2].collection_class.description == "专项催收方案"


def test_classes_and_rules_are_settings(org, classed):
    # Given A's threshold raised to 95 % and a rule that puts B-rated customers in A
    CollectionClass.objects.filter(code="A").update(min_rate=D("0.95"))
    CollectionClassRule.objects.create(
        position=1, credit_ratings="B", collection_class=CollectionClass.objects.get(code="A")
    )
    due_and_paid(org, classed["A"], "A-1", "1000", "900")
    due_and_paid(org, classed["B2"], "B-2", "1000", "1000")
    # When measured, Then A holds both customers and 95 % is the line
    rows = class_rows(kpis(user=org["finance1"], **OCT))
    assert rows[0] == ("A · 核心客户", D("2000.00"), D("1900.00"), D("0.9500"), "in_range")
    assert rows[1][1:] == (D("0"), D("0"), None, "no_rate")
    CollectionClass.objects.filter(code="A").update(min_rate=D("0.96"))
    assert class_rows(kpis(user=org["finance1"], **OCT))[0][4] == "below"


def test_without_a_default_class_unmatched_customers_are_shown_unclassified(org, classed):
    CollectionClass.objects.filter(code="C").update(is_default=False)
    due_and_paid(org, classed["C2"], "C-2", "400", "100")
    rows = class_rows(kpis(user=org["finance1"], **OCT))
    assert rows[-1] == ("未分类", D("400.00"), D("100.00"), D("0.2500"), "no_range")
    assert rows[2][1:] == (D("0"), D("0"), None, "no_rate")  # C itself: nothing in it


def test_class_above_its_range_is_not_a_warning(org, classed):
    due_and_paid(org, classed["B2"], "B-2", "1000", "850")
    row = kpis(user=org["finance1"], **OCT).by_class[1]
    assert (row.rate, row.status, row.below) == (D("0.8500"), "above", False)


def test_class_names_follow_the_language(client, org, classed):
    due_and_paid(org, classed["A"], "A-1", "1000", "900")
    html = page(client, org["finance1"], "2026-10-01", "2026-10-31", language="en").content.decode()
    assert "A · Core customers" in html
    assert "Within range" in html
    assert "70%–80%" in html


def test_people_are_shown_by_display_name(client, org, buyer, invoice):
    # Given rep1 known as 张伟 and a target for the quarter
    org["rep1"].display_name = "张伟"
    org["rep1"].save()
    invoice("AR-1", date(2026, 10, 10), "1000", issued=date(2026, 10, 1))
    SalesTargetFactory(
        owner=org["rep1"], period_start=date(2026, 10, 1), collection_target=D("1000")
    )
    # When the manager opens the quarter
    response = page(client, org["manager1"], "2026-10-01", "2026-12-31")
    result = response.context["kpis"]
    # Then the name, never the login, is in the owner rows and the targets
    assert [row.name for row in result.by_owner] == ["张伟"]
    assert [row.name for row in result.targets] == ["张伟"]
    assert "<td>rep1</td>" not in response.content.decode()
    assert "<td>张伟</td>" in response.content.decode()


@pytest.fixture
def year_of_cash(org, buyer, invoice):
    """26,400 received from rep1's customer in 2026 and a Q4 collection target of 10,000."""
    invoice("AR-1", date(2026, 12, 31), "30000", issued=date(2026, 1, 1))
    for month in (2, 5, 8, 11):
        pay(org, buyer, date(2026, month, 10), "6600")
    SalesTargetFactory(
        owner=org["rep1"], period_start=date(2026, 10, 1), collection_target=D("10000")
    )


def test_a_quarters_target_is_not_measured_against_a_year(client, org, year_of_cash):
    # When the whole year is shown (it used to say 26,400 ÷ 10,000 = 264 %)
    result = page(client, org["manager1"], "2026-01-01", "2026-12-31").context["kpis"]
    # Then the comparison is refused, with the reason, and the cash is still shown
    (row,) = result.targets
    assert (row.received, row.target.amount, row.achievement) == (D("26400.00"), None, None)
    assert str(row.target.reason) == (
        "回款目标只覆盖本期 365 天中的 92 天；请选择目标覆盖的期间，例如目标所在的季度。"
    )


def test_a_year_with_a_yearly_target_is_measured_against_it(client, org, year_of_cash):
    SalesTargetFactory(
        owner=org["rep1"],
        period="year",
        period_start=date(2026, 1, 1),
        collection_target=D("40000"),
    )
    result = page(client, org["manager1"], "2026-01-01", "2026-12-31").context["kpis"]
    (row,) = result.targets
    assert (row.received, row.target.amount, row.achievement) == (
        D("26400.00"),
        D("40000.00"),
        D("0.6600"),
    )


def test_the_quarter_is_measured_against_its_own_target(client, org, year_of_cash):
    result = page(client, org["manager1"], "2026-10-01", "2026-12-31").context["kpis"]
    (row,) = result.targets
    assert (row.received, row.target.amount, row.achievement) == (
        D("6600.00"),
        D("10000.00"),
        D("0.6600"),
    )


def test_half_a_year_prorates_the_yearly_target(client, org, year_of_cash):
    SalesTargetFactory(
        owner=org["rep1"],
        period="year",
        period_start=date(2026, 1, 1),
        collection_target=D("36500"),
    )
    response = page(client, org["manager1"], "2026-01-01", "2026-06-30")
    (row,) = response.context["kpis"].targets
    # 36,500 × 181 ÷ 365 = 18,100.00; 13,200 received by June
    assert (row.target.amount, row.target.prorated, row.received, row.achievement) == (
        D("18100.00"),
        True,
        D("13200.00"),
        D("0.7293"),
    )
    assert "按天数从年目标折算" in response.content.decode()


def test_both_collected_totals_are_shown_and_labelled(client, org, buyer, invoice):
    # Given, for Q4: an item due in October paid 600 in September and 300 in November, an item
    # due next year paid 500 in December, and 200 received in December not yet allocated
    invoice("AR-1", date(2026, 10, 10), "1000", issued=date(2026, 9, 1))
    later = invoice("AR-2", date(2027, 1, 31), "2000", issued=date(2026, 9, 1))
    pay(org, buyer, date(2026, 9, 20), "600")
    pay(org, buyer, date(2026, 11, 2), "300")
    december = pay(org, buyer, date(2026, 12, 1), "700", allocate=False)
    payment_allocate(
        actor=org["finance1"],
        payment=december,
        requests=[AllocationRequest(receivable=later, amount=D("500"))],
    )
    # When the quarter is shown
    response = page(client, org["manager1"], "2026-10-01", "2026-12-31")
    result = response.context["kpis"]
    # Then "collected on items due" is 600 + 300, "all cash received in the period" 300 + 700
    (owner,) = result.by_owner
    (target,) = result.targets
    assert (owner.due, owner.collected, owner.rate) == (D("1000.00"), D("900.00"), D("0.9000"))
    assert target.received == D("1000.00")
    assert (result.collected_in_period, result.received_in_period) == (D("900.00"), D("1000.00"))
    html = response.content.decode()
    assert "本期到期款项截至期末已回款" in html
    assert "本期收到的全部回款" in html


def test_a_managers_own_receivables_count_in_the_team_they_lead(org, customers):
    # Given team A: manager1 (leads it, no membership), rep1, rep2; team B: manager2, rep3
    amounts = {"rep1": "1000", "rep2": "2000", "manager1": "400", "rep3": "800", "manager2": "50"}
    for owner, amount in amounts.items():
        receivable_create(
            actor=org["finance1"],
            customer=customers[owner],
            number=f"T-{owner}",
            issue_date=date(2026, 9, 1),
            due_date=date(2026, 10, 15),
            amount=D(amount),
        )
    pay(org, customers["manager1"], date(2026, 10, 16), "400")
    # When finance and manager1 look at October
    everyone = kpis(user=org["finance1"], **OCT)
    own_team = kpis(user=org["manager1"], **OCT)
    # Then the manager's 400 is in 华东销售一部's totals
    assert [(r.name, r.due, r.collected, r.rate) for r in everyone.by_team] == [
        ("华东销售一部", D("3400.00"), D("400.00"), D("0.1176")),
        ("华北销售部", D("850.00"), D("0.00"), D("0.0000")),
    ]
    assert [(r.name, r.due) for r in own_team.by_team] == [("华东销售一部", D("3400.00"))]


def test_rows_add_up_to_the_totals(org, classed, customers):
    due_and_paid(org, classed["A"], "A-1", "1000", "900")
    due_and_paid(org, classed["C2"], "C-2", "400", "100")
    due_and_paid(org, customers["rep3"], "R3-1", "700", "70")
    result = kpis(user=org["finance1"], **OCT)
    for rows in (result.by_owner, result.by_team, result.by_class):
        assert sum(r.due for r in rows) == result.due_in_period == D("2100.00")
        assert sum(r.collected for r in rows) == result.collected_in_period == D("1070.00")


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("2026-11-01", "2026-10-01", "开始日期不能晚于结束日期，已显示本年至今。"),
        ("0001-01-01", "2026-10-01", "开始日期：无法识别“0001-01-01”，已按默认值显示。"),
        ("2026-01-01", "9999-12-31", "结束日期：无法识别“9999-12-31”，已按默认值显示。"),
        ("2026-13-01", "2026-12-31", "开始日期：无法识别“2026-13-01”，已按默认值显示。"),
    ],
)
def test_bad_periods_show_the_year_to_date_with_a_message(client, org, start, end, message):
    response = page(client, org["finance1"], start, end)
    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == [message]
    today = timezone.localdate()
    # A date not understood falls back alone (to 1 January or today); a reversed period whole.
    expected_end = {"2026-13-01": date(2026, 12, 31), "0001-01-01": date(2026, 10, 1)}.get(
        start, today
    )
    assert (response.context["kpis"].start, response.context["kpis"].end) == (
        today.replace(month=1, day=1),
        expected_end,
    )


def test_kpi_query_count_does_not_grow_with_rows(
    client, org, classed, customers, django_assert_max_num_queries
):
    client.force_login(org["manager1"])

    def grow(prefix):
        for key, customer in [*classed.items(), ("m1", customers["manager1"])]:
            due_and_paid(org, customer, f"{prefix}-{key}", "100", "40")
        SalesTargetFactory(
            owner=org["rep2"],
            period="month",
            period_start=date(2026, 10 if prefix == "x" else 11, 1),
        )

    grow("x")
    url = reverse("receivable_kpis") + "?start=2026-01-01&end=2026-12-31"
    with django_assert_max_num_queries(30) as few:
        assert client.get(url).status_code == 200
    # 20 for the KPIs, 3 for the credit metrics (sales and the book split at both ends)
    assert len(few.captured_queries) <= 23
    grow("y")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_collection_rate_counts_what_was_paid_before_go_live(org, buyer):
    receivable_create(
        actor=org["finance1"],
        customer=buyer,
        number="OB-1",
        issue_date=date(2026, 9, 1),
        due_date=date(2026, 10, 5),
        amount=D("1000"),
        source="opening",
        allocated=D("1000"),
    )
    result = kpis(user=org["finance1"], **OCT)
    assert (result.due_in_period, result.collected_in_period, result.collection_rate) == (
        D("1000.00"),
        D("1000.00"),
        D("1.0000"),
    )
    assert result.by_owner[0].collected == D("1000.00")
    # Paid before go-live is not cash received in the period.
    assert result.received_in_period == D("0")
