"""Customer export to Excel: user text never becomes a formula, numbers stay numbers, and the file
holds exactly the rows the user may see, filtered like the list."""

import re
from datetime import UTC, date, datetime
from decimal import Decimal
from io import BytesIO

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from openpyxl import Workbook

from customers.exports import EXPORT_HEADERS
from salesops.core.excel import build_workbook, write_cell
from salesops.core.models import Region
from tests.customers.xlsx_helpers import CODE_1, CODE_2, XLSX_TYPE, excel_time, read_sheet
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

FORMULA_LOOKING = [
    '=HYPERLINK("http://evil.example","点我")',
    "=cmd|' /C calc'!A0",
    "+86 591 8765 4321",
    "-张三",
    "@SUM(A1:A2)",
    "\t0591-1234",
]


def saved(workbook: Workbook):
    buffer = BytesIO()
    workbook.save(buffer)
    return read_sheet(buffer.getvalue())


def data_rows(sheet) -> list[list]:
    return [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]


def names(response) -> list[str]:
    return [row[0] for row in data_rows(read_sheet(response.getvalue()))]


# --- write_cell / build_workbook ---------------------------------------------------------------


@pytest.mark.parametrize("text", FORMULA_LOOKING)
def test_text_starting_like_a_formula_is_written_as_text(text):
    workbook = Workbook()
    write_cell(workbook.active, 1, 1, text)
    cell = saved(workbook)["A1"]
    assert (cell.value, cell.data_type, cell.quotePrefix) == (text, "s", True)


def test_plain_text_is_text_without_a_quote_prefix():
    workbook = Workbook()
    write_cell(workbook.active, 1, 1, "福州闽江机电有限公司")
    write_cell(workbook.active, 1, 2, CODE_2)  # all digits: still text, no precision lost
    sheet = saved(workbook)
    assert (sheet["A1"].value, sheet["A1"].data_type, sheet["A1"].quotePrefix) == (
        "福州闽江机电有限公司",
        "s",
        False,
    )
    assert (sheet["B1"].value, sheet["B1"].data_type) == ("914403001922038216", "s")


def test_numbers_stay_numbers():
    workbook = Workbook()
    for column, value in enumerate([Decimal("1234567.89"), Decimal("0.00"), 60, 2.5, None], 1):
        write_cell(workbook.active, 1, column, value)
    sheet = saved(workbook)
    assert [(c.value, c.data_type) for c in sheet["A1:E1"][0]] == [
        (1234567.89, "n"),
        (0, "n"),
        (60, "n"),
        (2.5, "n"),
        (None, "n"),
    ]
    assert (sheet["A1"].number_format, sheet["C1"].number_format) == ("#,##0.00", "General")


def test_control_characters_are_dropped_instead_of_failing_the_export():
    workbook = Workbook()
    write_cell(workbook.active, 1, 1, "福州\x07闽江\x1b机电\t有限\n公司")
    assert saved(workbook)["A1"].value == "福州闽江机电\t有限\n公司"


def test_build_workbook_writes_a_frozen_bold_header_with_filters():
    content = build_workbook(
        title="客户名单" * 10,
        headers=["企业全称", "年度采购量"],
        rows=[["=1+1", Decimal("5.00")], ["乙", None]],
        widths=[32, 12],
    )
    sheet = read_sheet(content)
    assert sheet.title == ("客户名单" * 10)[:31]
    assert [c.value for c in sheet[1]] == ["企业全称", "年度采购量"]
    assert all(c.font.b for c in sheet[1])
    assert (sheet.freeze_panes, sheet.auto_filter.ref) == ("A2", "A1:B3")
    assert sheet.column_dimensions["A"].width == 32
    assert (sheet["A2"].value, sheet["A2"].data_type) == ("=1+1", "s")
    assert (sheet["B2"].value, sheet["B2"].data_type) == (5, "n")


def test_build_workbook_without_rows_has_just_the_header():
    sheet = read_sheet(build_workbook(title="客户", headers=["企业全称"], rows=[]))
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [["企业全称"]]
    assert sheet.auto_filter.ref == "A1:A1"


# --- /customers/export.xlsx --------------------------------------------------------------------


def test_export_is_an_xlsx_attachment_with_the_list_headers(client, org, customers):
    client.force_login(org["rep1"])
    response = client.get(reverse("customer_export"))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_TYPE
    assert re.fullmatch(
        r'attachment; filename="customers-\d{8}-\d{4}\.xlsx"', response["Content-Disposition"]
    )
    sheet = read_sheet(response.getvalue())
    assert sheet.title == "客户"
    assert [c.value for c in sheet[1]] == EXPORT_HEADERS
    assert sheet.freeze_panes == "A2"


def test_export_writes_every_column_with_exact_values_and_types(client, org):
    CustomerFactory(
        name="福州闽江机电有限公司",
        credit_code=CODE_1,
        tier="A",
        rad_type="A",
        status="active",
        region=Region.objects.get(name="华南"),
        industry="机械制造",
        owner=org["rep1"],
        legal_rep="林建国",
        address="福州市鼓楼区五四路 1 号",
        phone="0591-87654321",
        buying_power=Decimal("1200000.00"),
        credit_rating="A",
        credit_limit=Decimal("50000.50"),
        payment_terms_days=60,
        last_followup_at=datetime(2026, 3, 2, 1, 30, tzinfo=UTC),
        next_followup_due=date(2026, 3, 9),
    )
    client.force_login(org["rep1"])

    sheet = read_sheet(client.get(reverse("customer_export")).getvalue())

    assert data_rows(sheet) == [
        [
            "福州闽江机电有限公司",
            CODE_1,
            "A · 重点跟进",
            "A",
            "合作中",
            "华南",
            "机械制造",
            "rep1",
            "林建国",
            "福州市鼓楼区五四路 1 号",
            "0591-87654321",
            1200000,
            "A",
            50000.5,
            60,
            excel_time(2026, 3, 2, 9, 30),  # Asia/Shanghai
            excel_time(2026, 3, 9, 0, 0),  # a date: openpyxl reads date cells back as datetimes
        ]
    ]
    types = [cell.data_type for cell in sheet[2]]
    assert types == ["s"] * 11 + ["n", "s", "n", "n", "d", "d"]
    assert (sheet["L2"].number_format, sheet["N2"].number_format) == ("#,##0.00", "#,##0.00")
    assert [(c.is_date, c.number_format) for c in (sheet["P2"], sheet["Q2"])] == [
        (True, "yyyy-mm-dd hh:mm"),
        (True, "yyyy-mm-dd"),
    ]
    assert sheet["Q2"].value.date() == date(2026, 3, 9)


def test_export_writes_the_last_follow_up_in_shanghai_time_across_midnight(client, org):
    CustomerFactory(
        owner=org["rep1"],
        last_followup_at=datetime(2026, 11, 20, 18, 30, tzinfo=UTC),
        next_followup_due=date(2026, 11, 20),
    )
    client.force_login(org["rep1"])
    sheet = read_sheet(client.get(reverse("customer_export")).getvalue())
    assert [(c.value, c.is_date, c.number_format) for c in (sheet["P2"], sheet["Q2"])] == [
        (excel_time(2026, 11, 21, 2, 30), True, "yyyy-mm-dd hh:mm"),
        (excel_time(2026, 11, 20, 0, 0), True, "yyyy-mm-dd"),
    ]


def test_export_leaves_empty_fields_empty(client, org):
    CustomerFactory(name="厦门思明贸易有限公司", owner=org["rep1"], region=None)
    client.force_login(org["rep1"])
    row = data_rows(read_sheet(client.get(reverse("customer_export")).getvalue()))[0]
    assert row == [
        "厦门思明贸易有限公司",
        None,  # no credit code: an empty text cell reads back as nothing
        "C · 潜力挖掘",
        "D",
        "潜在",
        None,
        None,
        "rep1",
        None,
        None,
        None,
        None,  # buying power unknown
        "B",
        0,
        30,
        None,
        None,
    ]


def test_export_writes_formula_looking_customer_data_as_text(client, org):
    CustomerFactory(
        name=FORMULA_LOOKING[0],
        industry=FORMULA_LOOKING[2],
        legal_rep=FORMULA_LOOKING[3],
        address=FORMULA_LOOKING[4],
        phone=FORMULA_LOOKING[5],
        owner=org["rep1"],
    )
    CustomerFactory(name=FORMULA_LOOKING[1], owner=org["rep1"])
    client.force_login(org["rep1"])

    sheet = read_sheet(client.get(reverse("customer_export")).getvalue())

    # Whatever the database's collation puts first: the row with the most fields filled.
    full, short = sorted(sheet.iter_rows(min_row=2), key=lambda row: row[6].value is None)
    cells = [full[0], short[0], full[6], full[8], full[9], full[10]]  # A, A, G, I, J, K
    assert [(c.value, c.data_type, c.quotePrefix) for c in cells] == [
        ('=HYPERLINK("http://evil.example","点我")', "s", True),
        ("=cmd|' /C calc'!A0", "s", True),
        ("+86 591 8765 4321", "s", True),
        ("-张三", "s", True),
        ("@SUM(A1:A2)", "s", True),
        ("\t0591-1234", "s", True),
    ]
    assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)


def test_export_survives_a_control_character_in_customer_data(client, org):
    CustomerFactory(name="福州\x07闽江机电有限公司", owner=org["rep1"])
    client.force_login(org["rep1"])
    response = client.get(reverse("customer_export"))
    assert response.status_code == 200
    assert names(response) == ["福州闽江机电有限公司"]


@pytest.mark.parametrize(
    ("username", "expected"),
    [
        ("rep1", ["rep1的客户"]),
        ("rep3", ["rep3的客户"]),
        ("manager1", ["manager1的客户", "rep1的客户", "rep2的客户"]),
        ("manager2", ["manager2的客户", "rep3的客户"]),
        ("admin", ["manager1的客户", "manager2的客户", "rep1的客户", "rep2的客户", "rep3的客户"]),
        (
            "finance1",
            ["manager1的客户", "manager2的客户", "rep1的客户", "rep2的客户", "rep3的客户"],
        ),
    ],
)
def test_export_holds_exactly_the_rows_the_user_may_see(client, org, customers, username, expected):
    client.force_login(org[username])
    assert names(client.get(reverse("customer_export"))) == expected


def test_export_honours_the_tier_filter_within_the_scope(client, org, customers):
    for owner, tier in [("rep1", "A"), ("rep2", "B"), ("rep3", "A"), ("manager1", "A")]:
        customers[owner].tier = tier
        customers[owner].save()
    client.force_login(org["manager1"])
    url = reverse("customer_export")
    assert names(client.get(url, {"tier": "A"})) == ["manager1的客户", "rep1的客户"]
    assert names(client.get(url, {"tier": ["A", "B"]})) == [
        "manager1的客户",
        "rep1的客户",
        "rep2的客户",
    ]
    assert names(client.get(url, {"tier": "D"})) == []
    client.force_login(org["admin"])
    assert names(client.get(url, {"tier": "A"})) == ["manager1的客户", "rep1的客户", "rep3的客户"]


def test_export_honours_search_owner_region_and_ordering(client, org, customers):
    CustomerFactory(name="天津滨海化工有限公司", owner=org["rep2"], region__name="华北")
    client.force_login(org["manager1"])
    url = reverse("customer_export")
    north = Region.objects.get(name="华北")
    assert names(client.get(url, {"q": "rep2"})) == ["rep2的客户"]
    assert names(client.get(url, {"owner": org["rep2"].pk})) == [
        "rep2的客户",
        "天津滨海化工有限公司",
    ]
    assert names(client.get(url, {"region": north.pk})) == ["天津滨海化工有限公司"]
    assert names(client.get(url, {"ordering": "-name", "owner": org["rep2"].pk})) == [
        "天津滨海化工有限公司",
        "rep2的客户",
    ]


def test_export_filters_cannot_widen_the_scope(client, org, customers):
    client.force_login(org["rep1"])
    url = reverse("customer_export")
    assert names(client.get(url, {"owner": org["rep3"].pk})) == ["rep1的客户"]
    assert names(client.get(url, {"q": "rep3的客户"})) == []


def test_export_beyond_the_limit_sends_back_to_the_list(client, org, customers, monkeypatch):
    monkeypatch.setattr("customers.exports.EXPORT_LIMIT", 2)
    client.force_login(org["manager1"])
    response = client.get(reverse("customer_export"), {"tier": "C"})
    assert response.status_code == 302
    assert response["Location"] == "/customers/?tier=C"
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "符合条件的客户超过 2 个，请缩小筛选范围。"
    ]
    monkeypatch.setattr("customers.exports.EXPORT_LIMIT", 3)
    assert len(names(client.get(reverse("customer_export"), {"tier": "C"}))) == 3


def test_export_needs_a_login(client):
    response = client.get(reverse("customer_export"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_export_query_count_does_not_grow_with_rows(client, org, django_assert_max_num_queries):
    client.force_login(org["manager1"])
    CustomerFactory.create_batch(2, owner=org["rep1"])
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("customer_export"))
    CustomerFactory.create_batch(20, owner=org["rep2"], region__name="华北")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("customer_export"))
    assert len(names(response)) == 22
