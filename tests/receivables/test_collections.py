"""The collection list paginated in SQL and its streamed export give exactly the items and figures
of the old whole-list function (kept below as the oracle), for every scope and filter, on a
hand-made book with partial payments, a voided payment, write-offs, escalation steps, contacts
(the purchaser rule) and promised dates."""

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.db.models import Max, Min
from django.urls import reverse
from openpyxl import load_workbook

from customers.models import Contact, FollowUp
from customers.services.customers import contact_save, customer_create
from receivables import jobs
from receivables.models import EscalationEvent, Receivable
from receivables.rules import aging
from receivables.selectors.collections import collection_list, collection_rows
from receivables.services import payment_record, payment_void, receivable_write_off
from salesops.core.localized import localized
from tests.customers.xlsx_helpers import excel_time
from tests.factories import FollowUpFactory

pytestmark = pytest.mark.django_db
AS_OF = date(2026, 11, 23)


def old_collection_list(*, user, as_of, min_days=1, owner=None):
    """The collection list as it was before it paginated in SQL: the whole list in Python."""
    qs = (
        Receivable.objects.visible_to(user)
        .overdue(as_of - timedelta(days=min_days - 1))
        .select_related("customer", "customer__owner")
        .order_by("due_date", "pk")
    )
    if owner is not None:
        qs = qs.filter(customer__owner=owner)
    receivables = list(qs)
    in_scope = qs.values("pk")
    contacts = defaultdict(list)
    for contact in Contact.objects.filter(customer_id__in=qs.values("customer_id")).order_by("pk"):
        contacts[contact.customer_id].append(contact)
    levels = {}
    for receivable_id, from_days, name in EscalationEvent.objects.filter(
        receivable__in=in_scope
    ).values_list("receivable_id", "level__from_days", localized("level__name")):
        if from_days > levels.get(receivable_id, (-1, ""))[0]:
            levels[receivable_id] = (from_days, name)
    followups = FollowUp.objects.filter(customer_id__in=qs.values("customer_id"))
    last_contact = dict(
        followups.values("customer_id")
        .annotate(last=Max("occurred_at"))
        .values_list("customer_id", "last")
    )
    promised = dict(
        followups.filter(next_step_due__gte=as_of, next_step_done_at__isnull=True)
        .values("customer_id")
        .annotate(first=Min("next_step_due"))
        .values_list("customer_id", "first")
    )
    items = []
    for receivable in receivables:
        people = contacts.get(receivable.customer_id, [])
        contact = next((c for c in people if c.decision_role == "purchaser"), None) or (
            people[0] if people else None
        )
        items.append(
            (
                receivable.customer.name,
                str(receivable.customer.owner or ""),
                contact.name if contact else "",
                (contact.mobile or contact.phone) if contact else receivable.customer.phone,
                receivable.number,
                receivable.due_date,
                aging.days_overdue(due=receivable.due_date, as_of=as_of),
                receivable.balance,
                levels.get(receivable.pk, (0, ""))[1],
                last_contact.get(receivable.customer_id),
                promised.get(receivable.customer_id),
            )
        )
    return items


def page_tuple(item):
    r = item.receivable
    return (
        r.customer.name,
        str(r.customer.owner or ""),
        item.contact_name,
        item.contact_phone,
        r.number,
        r.due_date,
        item.days_overdue,
        item.balance,
        item.level,
        item.last_followup,
        item.promised_date,
    )


def row_tuple(row):
    return (
        row.customer_name,
        row.owner,
        row.contact_name,
        row.contact_phone,
        row.number,
        row.due_date,
        row.days_overdue,
        row.balance,
        row.level,
        row.last_followup,
        row.promised_date,
    )


@pytest.fixture
def book(org, buyer, invoice):
    """Four customers of three reps and a manager, eleven receivables, every kind of history."""
    finance = org["finance1"]
    # buyer (rep1): an engineer first, the purchaser second: the purchaser is who to call.
    contact_save(actor=org["rep1"], customer=buyer, name="李工", mobile="13700000001")
    contact_save(
        actor=org["rep1"],
        customer=buyer,
        name="王采购",
        phone="0512-1234567",
        decision_role="purchaser",
    )
    # rep2's customer: no purchaser, the first contact has a landline only.
    north = customer_create(actor=org["rep2"], name="北方重工集团", phone="010-88888888")
    contact_save(actor=org["rep2"], customer=north, name="赵会计", phone="010-66666666")
    contact_save(actor=org["rep2"], customer=north, name="钱经理", mobile="13800000002")
    # rep3's customer: no contacts at all, the customer's own phone.
    west = customer_create(actor=org["rep3"], name="西部物流", phone="029-77777777")
    # manager1's own customer: nothing to call.
    own = customer_create(actor=org["manager1"], name="经理直管客户")

    invoice("AR-B1", AS_OF - timedelta(days=120), "5000")  # paid in part, then a void
    invoice("AR-B2", AS_OF - timedelta(days=61), "800")  # written off in part
    invoice("AR-B3", AS_OF - timedelta(days=30), "700")  # written off in full: not listed
    invoice("AR-B4", AS_OF, "900")  # due today: not overdue
    invoice("AR-B5", AS_OF - timedelta(days=1), "100.10")
    invoice("AR-N1", AS_OF - timedelta(days=91), "3000", customer=north)
    invoice("AR-N2", AS_OF - timedelta(days=90), "2000", customer=north)  # paid in full
    invoice("AR-N3", AS_OF - timedelta(days=90), "1500", customer=north)
    invoice("AR-W1", AS_OF - timedelta(days=200), "12345.67", customer=west)
    invoice("AR-W2", AS_OF + timedelta(days=10), "400", customer=west)  # not due
    invoice("AR-O1", AS_OF - timedelta(days=45), "999", customer=own)

    def pay(customer, amount, day):
        return payment_record(
            actor=finance, customer=customer, date=day, amount=Decimal(amount), method="transfer"
        )

    pay(buyer, "1000", date(2026, 8, 1))  # oldest first: AR-B1
    voided = pay(buyer, "2500", date(2026, 9, 1))  # AR-B1 again, then voided
    payment_void(actor=finance, payment=voided, reason="退票")
    pay(north, "3000", date(2026, 9, 15))  # AR-N1 in full
    pay(north, "2000", date(2026, 10, 1))  # AR-N2 in full
    receivable_write_off(
        actor=finance,
        receivable=Receivable.objects.get(number="AR-B2"),
        amount=Decimal("300"),
        reason="协商减免",
        on=date(2026, 11, 1),
    )
    receivable_write_off(
        actor=finance,
        receivable=Receivable.objects.get(number="AR-B3"),
        amount=Decimal("700"),
        reason="破产",
        on=date(2026, 11, 2),
    )
    jobs.receivable_escalate(as_of=AS_OF)

    # Follow-ups: the latest counts as the last; the nearest open promise from as_of on.
    FollowUpFactory(customer=buyer, occurred_at=datetime(2026, 11, 1, 2, tzinfo=UTC))
    FollowUpFactory(
        customer=buyer,
        occurred_at=datetime(2026, 11, 20, 18, 30, tzinfo=UTC),
        next_step="周五前付款",
        next_step_due=date(2026, 11, 27),
    )
    FollowUpFactory(  # an earlier promise, already kept: not the promise
        customer=buyer,
        occurred_at=datetime(2026, 11, 10, tzinfo=UTC),
        next_step="先付一半",
        next_step_due=date(2026, 11, 24),
        next_step_done_at=datetime(2026, 11, 12, tzinfo=UTC),
    )
    FollowUpFactory(  # a promise already past: not the promise
        customer=west,
        occurred_at=datetime(2026, 10, 1, tzinfo=UTC),
        next_step="月底付款",
        next_step_due=date(2026, 10, 31),
    )
    FollowUpFactory(
        customer=north,
        occurred_at=datetime(2026, 11, 22, tzinfo=UTC),
        next_step="月底前付款",
        next_step_due=AS_OF,  # due on the day counts
    )
    return {"buyer": buyer, "north": north, "west": west, "own": own}


def test_the_book_is_what_the_other_tests_compare_on(org, book):
    # Given the hand-made book, when finance reads the whole list
    rows = old_collection_list(user=org["finance1"], as_of=AS_OF)
    # Then the oracle lists the open overdue items, most overdue first, with their figures
    assert [(r[4], r[6], r[7], r[2], r[3], r[8]) for r in rows] == [
        ("AR-W1", 200, Decimal("12345.67"), "", "029-77777777", "停止供货"),
        ("AR-B1", 120, Decimal("4000.00"), "王采购", "0512-1234567", "停止供货"),
        ("AR-N3", 90, Decimal("1500.00"), "赵会计", "010-66666666", "律师函"),
        ("AR-B2", 61, Decimal("500.00"), "王采购", "0512-1234567", "律师函"),
        ("AR-O1", 45, Decimal("999.00"), "", "", "电话催收+上门拜访"),
        ("AR-B5", 1, Decimal("100.10"), "王采购", "0512-1234567", "温馨提醒"),
    ]
    assert [(r[4], r[9], r[10]) for r in rows if r[4] in ("AR-B1", "AR-N3", "AR-W1")] == [
        ("AR-W1", datetime(2026, 10, 1, tzinfo=UTC), None),
        ("AR-B1", datetime(2026, 11, 20, 18, 30, tzinfo=UTC), date(2026, 11, 27)),
        ("AR-N3", datetime(2026, 11, 22, tzinfo=UTC), AS_OF),
    ]


VIEWERS = ["finance1", "admin", "manager1", "manager2", "rep1", "rep2", "rep3"]
FILTERS = [
    {},
    {"min_days": 31},
    {"min_days": 61},
    {"min_days": 91},
    {"min_days": 200},
    {"min_days": 201},
    {"owner": "rep1"},
    {"owner": "rep2", "min_days": 31},
    {"as_of": date(2026, 9, 1)},  # a past day: today's balances, fewer items overdue
]


@pytest.mark.parametrize("viewer", VIEWERS)
def test_pages_and_export_rows_equal_the_old_list(org, book, viewer):
    for filters in FILTERS:
        # Given a viewer and the filters
        query = {**filters, "as_of": filters.get("as_of", AS_OF)}
        if "owner" in query:
            query["owner"] = org[query["owner"]]
        expected = old_collection_list(user=org[viewer], **query)

        # When every page of two is read, and the export's rows in chunks of three
        first = collection_list(user=org[viewer], **query, per_page=2)
        pages = [
            collection_list(user=org[viewer], **query, per_page=2, page=number)
            for number in first.page.paginator.page_range
        ]
        exported = list(collection_rows(user=org[viewer], **query, chunk_size=3))

        # Then the pages, in order, are the old list; count and total are the whole list's
        listed = [page_tuple(item) for page in pages for item in page.page.object_list]
        assert listed == expected, filters
        assert (first.count, first.total) == (
            len(expected),
            sum((row[7] for row in expected), Decimal("0.00")),
        ), filters
        assert first.page.paginator.num_pages == max(1, -(-len(expected) // 2)), filters
        # And the export's rows are the old list too
        assert [row_tuple(row) for row in exported] == expected, filters


def test_the_comparison_covers_every_kind_of_item(org, book):
    # The comparison above is not vacuous: across the viewers the lists differ and are not empty.
    sizes = {v: len(old_collection_list(user=org[v], as_of=AS_OF)) for v in VIEWERS}
    assert sizes == {
        "finance1": 6,
        "admin": 6,
        "manager1": 5,
        "manager2": 1,
        "rep1": 3,
        "rep2": 1,
        "rep3": 1,
    }


@pytest.mark.parametrize(
    ("search", "numbers"),
    [
        ("北方", ["AR-N3"]),
        ("ar-b", ["AR-B1", "AR-B2", "AR-B5"]),
        ("B2", ["AR-B2"]),
        ("nothing", []),
    ],
)
def test_search_matches_customer_name_or_number(org, book, search, numbers):
    # Given the old list, narrowed by the same rule the receivables list searches with
    expected = [
        row
        for row in old_collection_list(user=org["finance1"], as_of=AS_OF)
        if search.lower() in row[0].lower() or search.lower() in row[4].lower()
    ]
    # When the page and the export are searched
    listed = collection_list(user=org["finance1"], as_of=AS_OF, search=search)
    exported = collection_rows(user=org["finance1"], as_of=AS_OF, search=search)
    # Then both are the narrowed list, with its own count and total
    assert [row[4] for row in expected] == numbers
    assert [page_tuple(i) for i in listed.page.object_list] == expected
    assert [row_tuple(r) for r in exported] == expected
    assert (listed.count, listed.total) == (
        len(numbers),
        sum((row[7] for row in expected), Decimal("0.00")),
    )


def test_page_past_the_end_is_the_last_and_an_empty_list_has_one_empty_page(org, book):
    listed = collection_list(user=org["finance1"], as_of=AS_OF, per_page=4, page=9)
    assert (listed.page.number, [i.receivable.number for i in listed.page.object_list]) == (
        2,
        ["AR-O1", "AR-B5"],
    )
    empty = collection_list(user=org["finance1"], as_of=date(2026, 1, 1))
    assert (empty.count, empty.total, empty.page.number, empty.page.object_list) == (
        0,
        Decimal("0.00"),
        1,
        [],
    )


def test_page_shows_totals_navigation_and_filters(client, org, book):
    # Given finance on page 2 of the list narrowed to rep1's customers
    client.force_login(org["finance1"])
    url = reverse("collections")
    response = client.get(url, {"as_of": AS_OF.isoformat(), "owner": org["rep1"].pk})

    # Then it shows rep1's items, their count and total
    listed = response.context["listing"]
    assert [i.receivable.number for i in listed.page.object_list] == ["AR-B1", "AR-B2", "AR-B5"]
    html = response.content.decode()
    assert 'data-testid="total">¥4,600.10<' in html
    assert "共 3 笔" in html
    assert f'<option value="{org["rep1"].pk}"\n                  selected>rep1</option>' in html


def test_page_navigation_walks_the_pages(client, org, book, monkeypatch):
    monkeypatch.setattr("receivables.selectors.collections.PER_PAGE", 4)
    client.force_login(org["finance1"])
    response = client.get(reverse("collections"), {"as_of": AS_OF.isoformat(), "page": "2"})
    assert [i.receivable.number for i in response.context["page_obj"]] == ["AR-O1", "AR-B5"]
    html = response.content.decode()
    assert "第 2 / 2 页" in html or "Page 2 of 2" in html
    assert "page=1" in html


def test_an_owner_outside_the_scope_is_ignored_with_a_message(client, org, book):
    # Given rep1 asking for rep3's items
    client.force_login(org["rep1"])
    response = client.get(
        reverse("collections"), {"as_of": AS_OF.isoformat(), "owner": org["rep3"].pk}
    )
    # Then rep1 sees their own list, and is told the owner was not understood
    numbers = [i.receivable.number for i in response.context["page_obj"]]
    assert numbers == ["AR-B1", "AR-B2", "AR-B5"]
    assert response.context["owner"] is None
    assert any("rep3" not in str(m) for m in response.context["messages"])
    # And the export of the same query goes back to the page instead of a file
    export = client.get(
        reverse("collections_export"), {"as_of": AS_OF.isoformat(), "owner": org["rep3"].pk}
    )
    assert export.status_code == 302


def test_export_cells_are_the_old_lists_values(client, org, book):
    # Given finance exporting the whole list
    client.force_login(org["finance1"])
    response = client.get(reverse("collections_export"), {"as_of": AS_OF.isoformat()})

    # Then the file is an attachment, and its cells are the old list's values
    assert response["Content-Disposition"] == 'attachment; filename="collections-2026-11-23.xlsx"'
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    expected = old_collection_list(user=org["finance1"], as_of=AS_OF)
    cells = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2, max_col=11)]
    assert len(cells) == len(expected) == 6
    first = cells[1]  # AR-B1
    assert first[:5] == ["苏州恒通电子科技有限公司", "rep1", "王采购", "0512-1234567", "AR-B1"]
    assert (first[5].date(), first[6], first[7], first[8]) == (
        AS_OF - timedelta(days=120),
        120,
        4000,
        "停止供货",
    )
    assert (first[9], first[10].date()) == (excel_time(2026, 11, 21, 2, 30), date(2026, 11, 27))
    assert [row[4] for row in cells] == [row[4] for row in expected]
    assert [sheet.cell(row=n, column=8).number_format for n in (2, 7)] == ["#,##0.00"] * 2
    assert (sheet.freeze_panes, sheet.auto_filter.ref) == ("A2", "A1:K7")
    assert sheet.column_dimensions["A"].width == 30
