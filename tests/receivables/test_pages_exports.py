"""Receivables pages and exports: numbers as numbers, no formulas from user text, exactly the
rows the viewer may see, constant query counts, and the payment form's double submit."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from customers.services.customers import contact_save, customer_create
from receivables import jobs
from receivables.models import AgingSnapshot, Payment
from receivables.services import payment_record
from tests.customers.xlsx_helpers import excel_time
from tests.factories import FollowUpFactory

pytestmark = pytest.mark.django_db
AS_OF = date(2026, 11, 23)


@pytest.fixture
def two_books(org, buyer, invoice):
    evil = customer_create(actor=org["rep3"], name='=HYPERLINK("http://x")公司')
    contact_save(
        actor=org["rep3"],
        customer=evil,
        name="@张三",
        mobile="+8613900000000",
        decision_role="purchaser",
    )
    invoice("AR-1", AS_OF - timedelta(days=40), "1234.56")
    invoice("AR-2", AS_OF - timedelta(days=95), "1000", customer=evil)
    return buyer, evil


def sheet_of(response):
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return load_workbook(BytesIO(content)).active


def test_aging_export_columns_numbers_totals_frozen_header_and_filters(client, org, two_books):
    client.force_login(org["finance1"])
    response = client.get(
        reverse("aging_export"), {"as_of": AS_OF.isoformat(), "group_by": "customer"}
    )
    sheet = sheet_of(response)
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == (
        "分组",
        "负责人",
        "未到期",
        "1-30天",
        "31-60天",
        "61-90天",
        "90天以上",
        "合计",
    )
    body = {row[0]: row for row in rows[1:-1]}
    assert body["苏州恒通电子科技有限公司"][1:] == ("rep1", 0, 0, 1234.56, 0, 0, 1234.56)
    evil_row = body['=HYPERLINK("http://x")公司']
    assert (evil_row[6], evil_row[7]) == (1000, 1000)
    assert rows[-1] == ("合计", None, 0, 0, 1234.56, 0, 1000, 2234.56)
    # The customer name that looks like a formula is text, not a formula.
    cell = next(c for c in sheet["A"] if c.value == '=HYPERLINK("http://x")公司')
    assert cell.data_type == "s"
    assert isinstance(sheet["H2"].value, (int, float))
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref.startswith("A1:H")
    # The as-of date lives in the title (text); the sheet has no date columns to convert.
    assert sheet.title == "账龄 2026-11-23"
    assert not any(cell.is_date for row in sheet.iter_rows() for cell in row)


def test_aging_export_rows_are_the_viewers_scope(client, org, two_books):
    client.force_login(org["rep1"])
    sheet = sheet_of(client.get(reverse("aging_export"), {"as_of": AS_OF.isoformat()}))
    names = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert names == ["苏州恒通电子科技有限公司", "合计"]


def test_bad_aging_parameters_show_the_page_with_defaults(client, org):
    # The messages themselves: tests/core/test_bad_query_params.py.
    client.force_login(org["finance1"])
    page = client.get(reverse("aging"), {"as_of": "2026-13-01", "group_by": "planet"})
    assert page.status_code == 200
    assert (page.context["report"].group_by, page.context["report"].as_of) == (
        "customer",
        timezone.localdate(),
    )
    export = client.get(reverse("aging_export"), {"group_by": "planet"})
    assert (export.status_code, export["Location"]) == (302, "/receivables/aging/?group_by=planet")


def test_collection_export_has_contacts_days_and_safe_text(client, org, two_books):
    jobs.receivable_escalate(as_of=AS_OF)
    client.force_login(org["finance1"])
    sheet = sheet_of(client.get(reverse("collections_export"), {"as_of": AS_OF.isoformat()}))
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:8] == (
        "客户",
        "负责人",
        "联系人",
        "电话",
        "单据号",
        "到期日",
        "逾期天数",
        "未收金额",
    )
    first = rows[1]  # most overdue first
    assert first[0] == '=HYPERLINK("http://x")公司'
    assert (first[2], first[3], first[4], first[6], first[7], first[8]) == (
        "@张三",
        "+8613900000000",
        "AR-2",
        95,
        1000,
        "停止供货",
    )
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            assert cell.data_type != "f"
    assert len(rows) == 3


def test_collection_export_writes_dates_as_date_cells(client, org, two_books):
    # Given a follow-up at 18:30 UTC (02:30 next day in Shanghai) with a promised next step
    _buyer, evil = two_books
    FollowUpFactory(
        customer=evil,
        occurred_at=datetime(2026, 11, 20, 18, 30, tzinfo=UTC),
        next_step="周五前付款",
        next_step_due=date(2026, 11, 27),
    )
    client.force_login(org["finance1"])

    # When the collection list is exported
    sheet = sheet_of(client.get(reverse("collections_export"), {"as_of": AS_OF.isoformat()}))

    # Then due date, last follow-up and promised date are real date cells
    assert sheet.title == "催收清单 2026-11-23"  # the title stays text
    assert (sheet["E2"].value, sheet["E3"].value) == ("AR-2", "AR-1")
    facts = [
        [(c.value, c.is_date, c.number_format) for c in (row[5], row[9], row[10])]
        for row in sheet.iter_rows(min_row=2)
    ]
    assert facts == [
        [
            (excel_time(2026, 8, 20), True, "yyyy-mm-dd"),  # AS_OF - 95 days
            (excel_time(2026, 11, 21, 2, 30), True, "yyyy-mm-dd hh:mm"),
            (excel_time(2026, 11, 27), True, "yyyy-mm-dd"),
        ],
        [
            (excel_time(2026, 10, 14), True, "yyyy-mm-dd"),  # AS_OF - 40 days
            (None, False, "General"),  # no follow-up, no promise: empty cells
            (None, False, "General"),
        ],
    ]
    assert sheet["F2"].value.date() == date(2026, 8, 20)


def test_collection_list_for_a_rep_shows_only_their_customers(client, org, two_books):
    client.force_login(org["rep3"])
    items = client.get(reverse("collections"), {"as_of": AS_OF.isoformat()}).context["page_obj"]
    assert [i.receivable.number for i in items] == ["AR-2"]


def test_pages_query_counts_do_not_grow(client, org, buyer, invoice, django_assert_max_num_queries):
    client.force_login(org["finance1"])
    invoice("AR-0", AS_OF - timedelta(days=40), "100")
    urls = [
        reverse("aging") + f"?as_of={AS_OF}",
        reverse("collections") + f"?as_of={AS_OF}",
        reverse("receivable_list"),
        reverse("payment_list"),
    ]
    counts = {}
    for url in urls:
        with django_assert_max_num_queries(20) as few:
            client.get(url)
        counts[url] = len(few.captured_queries)
    for index in range(1, 30):
        invoice(f"AR-{index}", AS_OF - timedelta(days=index * 4), "100")
    for url in urls:
        with django_assert_max_num_queries(counts[url]):
            client.get(url)


def test_payment_form_double_submit_records_one_payment(client, org, buyer, invoice):
    invoice("AR-1", AS_OF - timedelta(days=10), "500")
    client.force_login(org["finance1"])
    form = client.get(reverse("payment_create")).context["form"]
    key = form["submission_key"].value()
    data = {
        "customer": buyer.pk,
        "date": "2026-11-20",
        "amount": "500.00",
        "method": "transfer",
        "allocate": "on",
        "submission_key": key,
    }
    first = client.post(reverse("payment_create"), data)
    second = client.post(reverse("payment_create"), data)
    assert first.status_code == second.status_code == 302
    assert first.url == second.url
    assert Payment.objects.count() == 1


def test_payment_form_errors_write_nothing(client, org, buyer):
    client.force_login(org["finance1"])
    response = client.post(
        reverse("payment_create"),
        {"customer": buyer.pk, "date": "2999-01-01", "amount": "-1", "method": "transfer"},
    )
    assert response.status_code == 200
    assert {"amount", "submission_key"} <= set(response.context["form"].errors)
    assert not Payment.objects.exists()


def test_aging_snapshot_is_idempotent(org, buyer, invoice):
    invoice("AR-1", AS_OF - timedelta(days=40), "1000")
    assert jobs.aging_snapshot_take(as_of=AS_OF) == 1
    assert jobs.aging_snapshot_take(as_of=AS_OF) == 1
    snapshot = AgingSnapshot.objects.get()
    assert (snapshot.b2, snapshot.total) == (Decimal("1000.00"), Decimal("1000.00"))


def test_aging_page_shows_the_snapshot_trend(client, org, buyer, invoice):
    from receivables.selectors.aging import aging_trend

    invoice("AR-1", AS_OF - timedelta(days=40), "1000")
    invoice("AR-2", AS_OF + timedelta(days=29), "500", issued=AS_OF - timedelta(days=1))
    jobs.aging_snapshot_take(as_of=AS_OF - timedelta(days=2))
    jobs.aging_snapshot_take(as_of=AS_OF)
    trend = aging_trend(user=org["rep1"], end=AS_OF)
    assert [(p["as_of"], p["total"], p["height"]) for p in trend] == [
        (AS_OF - timedelta(days=2), Decimal("1000.00"), 66),
        (AS_OF, Decimal("1500.00"), 100),
    ]
    assert aging_trend(user=org["rep3"], end=AS_OF) == []
    client.force_login(org["rep1"])
    html = client.get(reverse("aging"), {"as_of": AS_OF.isoformat()}).content.decode()
    assert 'data-testid="trend"' in html


def test_receivable_page_shows_the_penalty_to_date(client, org, buyer, invoice, monkeypatch):
    # The example, seen on 2025-03-02: 10,000 x 30 days + 1,000 x 30 days = 165.00.
    receivable = invoice("AR-2025-0001", date(2025, 1, 1), "10000.00", issued=date(2024, 12, 2))
    payment_record(
        actor=org["finance1"],
        customer=buyer,
        date=date(2025, 1, 31),
        amount=Decimal("9000.00"),
        method="transfer",
    )
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: date(2025, 3, 2))
    client.force_login(org["rep1"])
    html = client.get(reverse("receivable_detail", args=[receivable.pk])).content.decode()
    penalty = html.split('data-testid="penalty">')[1].split("</dd>")[0]
    assert " ".join(penalty.split()) == "¥165.00 · 每日 0.05%"
