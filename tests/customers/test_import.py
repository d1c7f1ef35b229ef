"""Customer import from Excel: safe opening, row checks, all-or-nothing writes, the command and
the web flow (upload -> preview -> confirm).

Service-level tests run in English (the source strings); the command and the web pages speak
Chinese, and their tests assert the Chinese lines they really print.
"""

import zipfile
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.core.management import CommandError
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from openpyxl import Workbook

from customers.imports import (
    ImportPlan,
    Problem,
    customer_import_apply,
    customer_import_plan,
)
from customers.models import CrmSettings, Customer, OwnershipEvent
from customers.views.imports import SESSION_KEY
from salesops.core import excel
from salesops.core.excel import ExcelRefusedError, SheetLimits, open_worksheet
from tests.customers.xlsx_helpers import (
    CN_HEADERS,
    CODE_1,
    CODE_2,
    CODE_3,
    CODE_4,
    CODE_5,
    CODE_BAD_CHECK,
    EN_HEADERS,
    bytes_upload,
    raw_xlsx,
    sheet_xml,
    write_xlsx,
    xlsx_bytes,
    xlsx_upload,
)
from tests.factories import CustomerFactory
from tests.import_helpers import manage_process, pending_files, run_in_process

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")

NOT_XLSX = "This is not an Excel .xlsx file (save it as .xlsx and retry)."
DAMAGED = "The file is damaged or not an .xlsx workbook."
REGIONS = "华东、华北、华中、华南、西南、西北、东北"


def plan_for(actor, rows) -> ImportPlan:
    return customer_import_plan(actor=actor, worksheet=open_worksheet(BytesIO(xlsx_bytes(rows))))


def plan_for_bytes(actor, content: bytes) -> ImportPlan:
    return customer_import_plan(actor=actor, worksheet=open_worksheet(BytesIO(content)))


def lines(plan: ImportPlan) -> list[str]:
    return [str(problem) for problem in plan.problems]


def db_state():
    """What a rejected import must leave untouched."""
    return (
        Customer.objects.count(),
        Customer.history.count(),
        OwnershipEvent.objects.count(),
    )


def cell_xml(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def row_xml(number: int, *texts: str) -> str:
    cells = "".join(cell_xml(f"{'ABCDEFGH'[i]}{number}", t) for i, t in enumerate(texts))
    return f'<row r="{number}">{cells}</row>'


# --- Opening the file: refused fast, before openpyxl loads anything -------------------------------


def test_problem_prints_as_row_column_message():
    assert str(Problem(7, "负责人", "必填")) == "row 7, 负责人: 必填"


def test_a_real_workbook_opens_as_its_first_sheet():
    content = xlsx_bytes([["企业全称", "负责人"], ["福州闽江机电有限公司", "rep1"]])
    sheet = open_worksheet(BytesIO(content))
    assert [[cell.value for cell in row] for row in sheet.iter_rows(max_col=2)] == [
        ["企业全称", "负责人"],
        ["福州闽江机电有限公司", "rep1"],
    ]


@pytest.mark.parametrize(
    "content",
    [
        "企业全称,负责人\n福州闽江机电有限公司,rep1\n".encode(),  # CSV
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512,  # old .xls (OLE2)
        b"%PDF-1.7\n",
        b"",
    ],
    ids=["csv", "xls", "pdf", "empty"],
)
def test_non_xlsx_content_is_refused_without_loading(english, load_calls, content):
    with pytest.raises(ExcelRefusedError) as refused:
        open_worksheet(BytesIO(content))
    assert str(refused.value) == NOT_XLSX
    assert load_calls == []


def test_a_zip_that_is_not_a_workbook_is_refused_without_loading(english, load_calls):
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<document/>")
    with pytest.raises(ExcelRefusedError) as refused:
        open_worksheet(buffer)
    assert str(refused.value) == NOT_XLSX
    assert load_calls == []


def test_an_oversized_file_is_refused_before_reading_it(english, load_calls):
    content = b"PK\x03\x04" + b"\0" * (5 * 1024 * 1024)
    with pytest.raises(ExcelRefusedError) as refused:
        open_worksheet(BytesIO(content))
    assert str(refused.value) == "The file is 5.0 MB; the limit is 5 MB."
    assert load_calls == []


def test_the_size_limit_is_configurable(english, load_calls):
    content = b"PK\x03\x04" + b"\0" * (2 * 1024 * 1024)
    with pytest.raises(ExcelRefusedError) as refused:
        open_worksheet(BytesIO(content), limits=SheetLimits(max_bytes=1024 * 1024))
    assert str(refused.value) == "The file is 2.0 MB; the limit is 1 MB."
    assert load_calls == []


def test_a_damaged_zip_is_refused_without_loading(english, load_calls):
    with pytest.raises(ExcelRefusedError) as refused:
        open_worksheet(BytesIO(b"PK\x03\x04" + b"not really a zip" * 50))
    assert str(refused.value) == DAMAGED
    assert load_calls == []


def test_an_encrypted_sheet_member_is_refused_not_a_crash(english, load_calls):
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", sheet_xml(dimension="A1:B2"))
        # Marked encrypted in the central directory: zipfile wants a password to read it.
        archive.getinfo("xl/worksheets/sheet1.xml").flag_bits |= 0x1
    with pytest.raises(ExcelRefusedError) as refused:
        open_worksheet(buffer)
    assert str(refused.value) == DAMAGED
    assert load_calls == []


def test_a_workbook_without_worksheets_is_refused_without_loading(english, load_calls):
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(ExcelRefusedError) as refused:
        open_worksheet(buffer)
    assert str(refused.value) == "The workbook has no worksheet."
    assert load_calls == []


def test_a_zip_bomb_is_refused_without_loading(english, load_calls):
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", sheet_xml(dimension="A1:B2"))
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as bomb:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(201):
                bomb.write(chunk)
    assert len(buffer.getvalue()) < excel.MAX_BYTES  # small on disk, 201 MB unpacked
    with pytest.raises(ExcelRefusedError) as refused:
        open_worksheet(buffer)
    assert str(refused.value) == "The workbook unpacks to an unreasonable size."
    assert load_calls == []


def declared(rows: int, cols: int) -> str:
    return (
        f"The sheet declares {rows} rows and {cols} columns; at most 20000 rows and 60 columns "
        "are accepted."
    )


def test_more_rows_than_allowed_are_refused_without_loading(english, load_calls):
    workbook = Workbook()
    workbook.active["A1"] = "企业全称"
    workbook.active["A20002"] = "第 20001 行数据"  # header + 20001 rows
    buffer = BytesIO()
    workbook.save(buffer)
    with pytest.raises(ExcelRefusedError) as refused:
        open_worksheet(buffer)
    assert str(refused.value) == declared(20002, 1)
    assert load_calls == []


def test_more_columns_than_allowed_are_refused_without_loading(english, load_calls):
    workbook = Workbook()
    workbook.active.cell(row=1, column=61, value="第 61 列")
    buffer = BytesIO()
    workbook.save(buffer)
    with pytest.raises(ExcelRefusedError) as refused:
        open_worksheet(buffer)
    assert str(refused.value) == declared(1, 61)
    assert load_calls == []


def test_a_sheet_exactly_at_the_limits_is_opened():
    workbook = Workbook()
    workbook.active.cell(row=20001, column=60, value="最后一格")
    buffer = BytesIO()
    workbook.save(buffer)
    sheet = open_worksheet(buffer)
    assert sheet.title == "Sheet"


@pytest.mark.parametrize(
    ("sheet", "sheet_name"),
    [
        (sheet_xml(dimension="A1:XFD1048576"), "sheet1.xml"),
        (sheet_xml(dimension="$A$1:$XFD$1048576"), "sheet1.xml"),
        (sheet_xml(dimension="a1:xfd1048576"), "sheet1.xml"),
        (sheet_xml(dimension="XFD1048576"), "sheet1.xml"),
        (sheet_xml(dimension="A:XFD"), "sheet1.xml"),
        (sheet_xml(dimension="1:1048576"), "sheet1.xml"),
        (
            sheet_xml().replace("<sheetData>", "<dimension ref='A1:XFD1048576'/><sheetData>"),
            "sheet1.xml",
        ),
        (
            sheet_xml().replace(
                "<sheetData>", '<dimension xmlns:q="urn:q" q:x="1" ref="A1:XFD1048576"/><sheetData>'
            ),
            "sheet1.xml",
        ),
        (
            sheet_xml()
            .replace("<worksheet ", '<x:worksheet xmlns:x="urn:x" ')
            .replace("<sheetData>", '<x:dimension ref="A1:XFD1048576"/><sheetData>'),
            "sheet1.xml",
        ),
        (
            sheet_xml(dimension="A1:XFD1048576", head="<!--" + "padding " * 1000 + "-->"),
            "sheet1.xml",
        ),
        (sheet_xml(dimension="A1:XFD1048576"), "data.xml"),
    ],
    ids=[
        "plain",
        "dollar-anchored",
        "lower-case",
        "single-cell",
        "whole-columns",
        "whole-rows",
        "single-quotes",
        "other-attribute-first",
        "namespace-prefix",
        "padded-8k-into-the-sheet",
        "sheet-not-named-sheetN",
    ],
)
def test_absurd_declared_dimensions_are_refused_without_loading(
    english, load_calls, sheet, sheet_name
):
    with pytest.raises(ExcelRefusedError) as refused:
        open_worksheet(BytesIO(raw_xlsx(sheet, sheet_name=sheet_name)))
    assert str(refused.value).startswith("The sheet declares ")
    assert str(refused.value).endswith("at most 20000 rows and 60 columns are accepted.")
    assert load_calls == []


def test_a_dimension_hidden_deep_in_the_sheet_is_still_refused_after_opening(english):
    padding = "<!--" + "x" * (200 * 1024) + "-->"  # past the quick look at the sheet's head
    content = raw_xlsx(sheet_xml(dimension="A1:XFD1048576", head=padding))
    with pytest.raises(ExcelRefusedError) as refused:
        open_worksheet(BytesIO(content))
    assert str(refused.value) == declared(1048576, 16384)


def test_refusal_messages_are_chinese_by_default():
    with pytest.raises(ExcelRefusedError) as refused:
        open_worksheet(BytesIO(b"not a workbook"))
    assert str(refused.value) == "这不是 Excel .xlsx 文件（请另存为 .xlsx 后重试）。"


# --- Planning and applying: the service ----------------------------------------------------------


FULL_ROW = [
    "福州闽江机电有限公司",
    CODE_1,
    "林建国",
    "福州市鼓楼区五四路 1 号",
    "0591-87654321",
    "机械制造",
    "华东",
    "rep1",
    "A",
    1200000,
    "50,000.5",
    60,
]
SHORT_ROW = ["深圳南山电子有限公司", CODE_2, None, None, None, None, None, "rep2"]


def test_clean_file_with_chinese_headers_creates_every_column(english, org):
    plan = plan_for(org["manager1"], [CN_HEADERS, FULL_ROW, SHORT_ROW])
    assert lines(plan) == []
    assert (plan.creates, plan.updates) == (2, 0)
    assert [row.row for row in plan.rows] == [2, 3]

    assert customer_import_apply(actor=org["manager1"], plan=plan) == (2, 0)

    full = Customer.objects.get(name="福州闽江机电有限公司")
    assert (
        full.credit_code,
        full.legal_rep,
        full.address,
        full.phone,
        full.industry,
        full.region.name,
        full.owner,
        full.tier,
        full.buying_power,
        full.credit_limit,
        full.payment_terms_days,
    ) == (
        CODE_1,
        "林建国",
        "福州市鼓楼区五四路 1 号",
        "0591-87654321",
        "机械制造",
        "华东",
        org["rep1"],
        "A",
        Decimal("1200000.00"),
        Decimal("50000.50"),
        60,
    )
    short = Customer.objects.get(name="深圳南山电子有限公司")
    assert (short.credit_code, short.owner, short.tier, short.region) == (
        CODE_2,
        org["rep2"],
        "C",
        None,
    )
    assert (short.legal_rep, short.credit_limit, short.payment_terms_days) == ("", Decimal(0), 30)
    event = OwnershipEvent.objects.get(customer=full)
    assert (event.kind, event.to_owner, event.actor) == ("created", org["rep1"], org["manager1"])


def test_english_headers_match_whatever_their_case_and_spaces(english, org):
    headers = [" Name ", "CREDIT_CODE", "Owner", "Tier", "Payment_Terms_Days", "备注"]
    plan = plan_for(
        org["admin"], [headers, ["北京海淀软件有限公司", CODE_3, "rep3", "b", "45", "x"]]
    )
    assert lines(plan) == []
    customer_import_apply(actor=org["admin"], plan=plan)
    customer = Customer.objects.get(name="北京海淀软件有限公司")
    assert (customer.credit_code, customer.owner, customer.tier, customer.payment_terms_days) == (
        CODE_3,
        org["rep3"],
        "B",
        45,
    )


def test_all_english_column_names_are_accepted(english, org):
    plan = plan_for(org["manager1"], [EN_HEADERS, FULL_ROW])
    assert lines(plan) == []
    assert set(plan.rows[0].values) == {
        "name",
        "credit_code",
        "legal_rep",
        "address",
        "phone",
        "industry",
        "region",
        "owner",
        "tier",
        "buying_power",
        "credit_limit",
        "payment_terms_days",
    }


def test_only_name_and_owner_are_needed(english, org):
    plan = plan_for(org["manager1"], [["负责人", "企业全称"], ["rep2", "厦门思明贸易有限公司"]])
    assert customer_import_apply(actor=org["manager1"], plan=plan) == (1, 0)
    customer = Customer.objects.get(name="厦门思明贸易有限公司")
    assert (customer.owner, customer.credit_code, customer.industry) == (org["rep2"], None, "")


def test_blank_tier_gets_the_configured_default_tier(english, org):
    settings_row = CrmSettings.load()
    settings_row.default_tier = "B"
    settings_row.save()
    plan = plan_for(
        org["manager1"],
        [["企业全称", "负责人", "客户等级"], ["厦门湖里物流有限公司", "rep1", None]],
    )
    customer_import_apply(actor=org["manager1"], plan=plan)
    assert Customer.objects.get(name="厦门湖里物流有限公司").tier == "B"


def test_industry_is_free_text(english, org):
    plan = plan_for(
        org["manager1"],
        [
            ["企业全称", "负责人", "所属行业"],
            ["泉州丰泽鞋业有限公司", "rep1", "鞋服/运动（自定义）"],
        ],
    )
    customer_import_apply(actor=org["manager1"], plan=plan)
    assert Customer.objects.get(name="泉州丰泽鞋业有限公司").industry == "鞋服/运动（自定义）"


@pytest.mark.parametrize(
    ("header", "cell", "field", "stored"),
    [
        ("年度采购量", "1,200,000", "buying_power", Decimal("1200000.00")),
        ("年度采购量", 0, "buying_power", Decimal("0.00")),
        ("信用额度", 99999.999, "credit_limit", Decimal("100000.00")),
        ("账期天数", "45", "payment_terms_days", 45),
        ("账期天数", 30.0, "payment_terms_days", 30),
        ("账期天数", 720, "payment_terms_days", 720),
        ("客户等级", " d ", "tier", "D"),
        ("客户等级", "B · 意向培养", "tier", "B"),  # as the export writes it
        ("统一社会信用代码", "9111 0108 5513 8508 2q", "credit_code", CODE_3),
        ("电话", 13800138000, "phone", "13800138000"),
        ("区域", " 西南 ", "region", "西南"),
        ("区域", "Southwest", "region", "西南"),  # an export made in English
    ],
)
def test_cell_values_are_normalized(english, org, header, cell, field, stored):
    plan = plan_for(
        org["manager1"], [["企业全称", "负责人", header], ["成都武侯科技有限公司", "rep1", cell]]
    )
    assert lines(plan) == []
    customer_import_apply(actor=org["manager1"], plan=plan)
    value = getattr(Customer.objects.get(name="成都武侯科技有限公司"), field)
    assert (value.name if field == "region" else value) == stored


CHARACTER_O = (
    "Character 5, 'O', must be a digit: characters 3 to 8 are the administrative division code."
)
CHARACTER_Z = (
    "Character 9, 'Z', is not allowed in a credit code (digits and capital letters except I, O, S, "
    "V, Z)."
)
# Letters in the division code with a check character that fits: the import refuses it too.
DIVISION_LETTERS = "91AB0108551385082E"
DIVISION_LETTERS_MESSAGE = (
    "Character 3, 'A', must be a digit: characters 3 to 8 are the administrative division code."
)
CHECK_DIGIT = (
    "The check digit (18th character) should be '6' but is '7': a character was probably mistyped."
)


@pytest.mark.parametrize(
    ("header", "cell", "message"),
    [
        (
            "统一社会信用代码",
            "91110108551385082",
            "A credit code has 18 characters; this one has 17.",
        ),
        ("统一社会信用代码", "9144O300708461136T", CHARACTER_O),
        ("统一社会信用代码", "91440300Z08461136T", CHARACTER_Z),
        ("统一社会信用代码", DIVISION_LETTERS, DIVISION_LETTERS_MESSAGE),
        ("统一社会信用代码", CODE_BAD_CHECK, CHECK_DIGIT),
        ("区域", "华东区", f"华东区 is not a configured region ({REGIONS})"),
        ("客户等级", "E", "must be one of A, B, C, D"),
        ("客户等级", "AA", "must be one of A, B, C, D"),
        ("年度采购量", "-5", "must be an amount in yuan, 0 or more"),
        ("年度采购量", "一百万", "must be an amount in yuan, 0 or more"),
        ("年度采购量", "NaN", "must be an amount in yuan, 0 or more"),
        ("年度采购量", True, "must be an amount in yuan, 0 or more"),
        ("信用额度", 1000000000000, "must be an amount in yuan, 0 or more"),
        ("账期天数", 721, "must be a whole number of days, 0 to 720"),
        ("账期天数", -1, "must be a whole number of days, 0 to 720"),
        ("账期天数", 30.5, "must be a whole number of days, 0 to 720"),
        ("账期天数", "三十", "must be a whole number of days, 0 to 720"),
        ("账期天数", "inf", "must be a whole number of days, 0 to 720"),
        ("账期天数", "NaN", "must be a whole number of days, 0 to 720"),
        ("法定代表人", "张" * 51, "longer than 50 characters"),
        ("注册地址", "路" * 301, "longer than 300 characters"),
        ("电话", "1" * 31, "longer than 30 characters"),
        ("所属行业", "业" * 101, "longer than 100 characters"),
        ("负责人", "nobody", "unknown user nobody, or not one you may assign"),
    ],
)
def test_a_bad_cell_is_one_problem_line_and_nothing_is_planned(english, org, header, cell, message):
    owner_first = header != "负责人"
    headers = ["企业全称", "负责人", header] if owner_first else ["企业全称", header]
    row = ["成都武侯科技有限公司", "rep1", cell] if owner_first else ["成都武侯科技有限公司", cell]
    plan = plan_for(org["manager1"], [headers, row])
    assert lines(plan) == [f"row 2, {header}: {message}"]
    assert plan.rows == []
    assert not plan.ok


def test_a_name_over_200_characters_is_a_problem(english, org):
    plan = plan_for(org["manager1"], [["企业全称", "负责人"], ["公" * 201, "rep1"]])
    assert lines(plan) == ["row 2, 企业全称: longer than 200 characters"]


def test_required_columns_must_be_present(english, org):
    plan = plan_for(org["manager1"], [["统一社会信用代码", "区域"], [CODE_1, "华东"]])
    assert lines(plan) == [
        "row 1, 企业全称/name: required column is missing",
        "row 1, 负责人/owner: required column is missing",
    ]


def test_a_column_given_twice_is_a_problem(english, org):
    plan = plan_for(org["manager1"], [["企业全称", "负责人", "Name"], ["甲", "rep1", "乙"]])
    assert lines(plan) == ["row 1, Name: column appears twice"]


def test_an_empty_sheet_is_a_problem(english, org):
    plan = plan_for(org["manager1"], [])
    assert lines(plan) == ["row 1, -: the sheet is empty"]


def test_a_header_without_rows_is_a_problem(english, org):
    plan = plan_for(org["manager1"], [["企业全称", "负责人"], [None, None], [" ", ""]])
    assert lines(plan) == ["row 2, -: the file has no customer rows"]


def test_blank_required_cells_are_reported_by_sheet_row(english, org):
    # Column A absent from row 2 (as Excel saves it), owner blank on row 3.
    plan = plan_for(
        org["manager1"],
        [
            ["企业全称", "负责人", "区域"],
            [None, "rep1", "华东"],
            ["宁波北仑港务有限公司", "  ", "华东"],
        ],
    )
    assert lines(plan) == ["row 2, 企业全称: required", "row 3, 负责人: required"]


def test_blank_lines_are_skipped_and_row_numbers_stay_the_sheets(english, org):
    plan = plan_for(
        org["manager1"],
        [
            ["企业全称", "负责人"],
            ["温州鹿城眼镜有限公司", "rep1"],
            [],
            [None, None],
            ["台州椒江机械有限公司", "nobody"],
        ],
    )
    assert lines(plan) == ["row 5, 负责人: unknown user nobody, or not one you may assign"]
    assert [row.row for row in plan.rows] == [2]


def test_a_clean_file_with_blank_lines_imports_the_other_rows(english, org):
    plan = plan_for(
        org["manager1"],
        [
            ["企业全称", "负责人"],
            [],
            ["温州鹿城眼镜有限公司", "rep1"],
            [],
            ["台州椒江机械有限公司", "rep2"],
        ],
    )
    assert [row.row for row in plan.rows] == [3, 5]
    assert customer_import_apply(actor=org["manager1"], plan=plan) == (2, 0)


def test_a_formula_cell_is_one_problem_whatever_the_column(english, org):
    plan = plan_for(
        org["manager1"],
        [
            ["企业全称", "负责人", "年度采购量"],
            ['=CONCAT("甲","公司")', "rep1", 100],
            ["嘉兴南湖食品有限公司", "rep1", "=SUM(1,2)"],
        ],
    )
    assert lines(plan) == [
        "row 2, 企业全称: formulas are not accepted; type the value",
        "row 3, 年度采购量: formulas are not accepted; type the value",
    ]
    assert not plan.ok


def test_text_that_only_looks_like_a_formula_is_kept_as_text(english, org):
    workbook = Workbook()
    workbook.active.append(["企业全称", "负责人", "所属行业"])
    workbook.active.append(["绍兴越城纺织有限公司", "rep1", "x"])
    workbook.active["C2"].value = "=纺织"
    workbook.active["C2"].data_type = "s"  # stored as text, as Excel does after a leading quote
    buffer = BytesIO()
    workbook.save(buffer)
    plan = plan_for_bytes(org["manager1"], buffer.getvalue())
    assert lines(plan) == []
    assert plan.rows[0].values["industry"] == "=纺织"


def test_the_same_name_twice_in_the_file_is_a_problem(english, org):
    plan = plan_for(
        org["manager1"],
        [
            ["企业全称", "负责人"],
            ["湖州吴兴丝绸有限公司", "rep1"],
            ["湖州吴兴丝绸有限公司", "rep2"],
        ],
    )
    assert lines(plan) == ["row 3, 企业全称: same name as row 2"]


def test_the_same_credit_code_twice_in_the_file_is_a_problem(english, org):
    plan = plan_for(
        org["manager1"],
        [
            ["企业全称", "统一社会信用代码", "负责人"],
            ["湖州吴兴丝绸有限公司", CODE_4, "rep1"],
            ["湖州南浔丝绸有限公司", CODE_4.lower(), "rep2"],
        ],
    )
    assert lines(plan) == ["row 3, 统一社会信用代码: same code as row 2"]


def test_a_manager_may_only_assign_to_their_own_team(english, org):
    plan = plan_for(org["manager1"], [["企业全称", "负责人"], ["天津滨海化工有限公司", "rep3"]])
    assert lines(plan) == ["row 2, 负责人: unknown user rep3, or not one you may assign"]
    plan = plan_for(org["manager2"], [["企业全称", "负责人"], ["天津滨海化工有限公司", "rep3"]])
    assert lines(plan) == []


def test_finance_and_inactive_users_are_not_owners(english, org):
    org["rep2"].is_active = False
    org["rep2"].save()
    plan = plan_for(
        org["admin"],
        [
            ["企业全称", "负责人"],
            ["甲有限公司", "finance1"],
            ["乙有限公司", "rep2"],
            ["丙有限公司", "admin"],
        ],
    )
    assert lines(plan) == [
        "row 2, 负责人: unknown user finance1, or not one you may assign",
        "row 3, 负责人: unknown user rep2, or not one you may assign",
        "row 4, 负责人: unknown user admin, or not one you may assign",
    ]


def test_reimporting_the_same_file_creates_no_duplicates(english, org):
    rows = [
        CN_HEADERS,
        FULL_ROW,
        SHORT_ROW,
        ["杭州西湖茶业有限公司", None, None, None, None, None, None, "rep1"],
    ]
    first = plan_for(org["manager1"], rows)
    assert customer_import_apply(actor=org["manager1"], plan=first) == (3, 0)
    state = (Customer.objects.count(), OwnershipEvent.objects.count())

    second = plan_for(org["manager1"], rows)
    assert lines(second) == []
    assert (second.creates, second.updates) == (0, 3)
    assert customer_import_apply(actor=org["manager1"], plan=second) == (0, 3)
    assert (Customer.objects.count(), OwnershipEvent.objects.count()) == state
    assert Customer.objects.filter(name="福州闽江机电有限公司").count() == 1


def test_a_known_credit_code_updates_that_customer_even_under_a_new_name(english, org):
    old = CustomerFactory(name="福州闽江机电厂", credit_code=CODE_1, owner=org["rep1"])
    plan = plan_for(
        org["manager1"],
        [["企业全称", "统一社会信用代码", "负责人"], ["福州闽江机电有限公司", CODE_1, "rep1"]],
    )
    assert [(row.action, row.existing) for row in plan.rows] == [("update", old)]
    assert customer_import_apply(actor=org["manager1"], plan=plan) == (0, 1)
    old.refresh_from_db()
    assert old.name == "福州闽江机电有限公司"
    assert Customer.objects.filter(credit_code=CODE_1).count() == 1


def test_without_a_credit_code_the_full_name_matches(english, org):
    old = CustomerFactory(name="福州闽江机电有限公司", owner=org["rep1"], industry="机械")
    plan = plan_for(
        org["manager1"],
        [["企业全称", "统一社会信用代码", "负责人"], ["福州闽江机电有限公司", CODE_1, "rep1"]],
    )
    assert customer_import_apply(actor=org["manager1"], plan=plan) == (0, 1)
    old.refresh_from_db()
    assert (old.credit_code, old.industry) == (CODE_1, "机械")  # blank cells change nothing


def test_a_blank_tier_leaves_an_existing_customers_tier_alone(english, org):
    kept = CustomerFactory(name="漳州芗城食品有限公司", owner=org["rep1"], tier="A")
    locked = CustomerFactory(
        name="龙岩新罗矿业有限公司",
        owner=org["rep1"],
        tier="B",
        tier_locked=True,
        tier_lock_reason="集团战略客户",
    )
    plan = plan_for(
        org["manager1"],
        [["企业全称", "负责人", "客户等级"], [kept.name, "rep1", None], [locked.name, "rep1", ""]],
    )
    assert lines(plan) == []
    assert customer_import_apply(actor=org["manager1"], plan=plan) == (0, 2)
    kept.refresh_from_db()
    locked.refresh_from_db()
    assert (kept.tier, locked.tier) == ("A", "B")


def test_an_import_that_raises_a_tier_moves_the_visit_cadence_too(english, org):
    # Tier D has no visits (next visit: none); imported as tier A (visit every 7 days), never
    # visited, owned since 2026-11-01: the visit falls due on 11-08.
    customer = CustomerFactory(
        name="三明沙县小吃有限公司",
        owner=org["rep1"],
        tier="D",
        owner_since=datetime(2026, 11, 1, 9, 0, tzinfo=SHANGHAI),
        next_visit_due=None,
    )
    plan = plan_for(
        org["manager1"], [["企业全称", "负责人", "客户等级"], [customer.name, "rep1", "A"]]
    )
    assert customer_import_apply(actor=org["manager1"], plan=plan) == (0, 1)
    customer.refresh_from_db()
    assert (customer.tier, customer.next_visit_due) == ("A", date(2026, 11, 8))


def test_changing_a_locked_tier_is_a_problem_not_a_failed_write(english, org):
    locked = CustomerFactory(
        name="龙岩新罗矿业有限公司",
        owner=org["rep1"],
        tier="B",
        tier_locked=True,
        tier_lock_reason="集团战略客户",
    )
    plan = plan_for(
        org["manager1"], [["企业全称", "负责人", "客户等级"], [locked.name, "rep1", "A"]]
    )
    assert lines(plan) == ["row 2, 客户等级: The tier is locked: 集团战略客户"]


def test_a_new_owner_in_the_file_reassigns_with_an_ownership_event(english, org):
    customer = CustomerFactory(name="莆田城厢鞋业有限公司", owner=org["rep1"])
    plan = plan_for(org["manager1"], [["企业全称", "负责人"], [customer.name, "rep2"]])
    assert customer_import_apply(actor=org["manager1"], plan=plan) == (0, 1)
    customer.refresh_from_db()
    assert customer.owner == org["rep2"]
    event = OwnershipEvent.objects.get(customer=customer)
    assert (event.kind, event.from_owner, event.to_owner, event.actor, event.reason) == (
        "reassigned",
        org["rep1"],
        org["rep2"],
        org["manager1"],
        "Excel import",
    )


def test_a_customer_of_another_team_is_not_touched(english, org, customers):
    plan = plan_for(
        org["manager1"], [["企业全称", "负责人", "客户等级"], ["rep3的客户", "rep1", "A"]]
    )
    assert lines(plan) == ["row 2, 企业全称: this customer exists and belongs to another team"]


def test_renaming_onto_another_customers_name_is_a_problem(english, org):
    CustomerFactory(name="甲有限公司", credit_code=CODE_1, owner=org["rep1"])
    CustomerFactory(name="乙有限公司", owner=org["rep1"])
    plan = plan_for(
        org["manager1"],
        [["企业全称", "统一社会信用代码", "负责人"], ["乙有限公司", CODE_1, "rep1"]],
    )
    assert lines(plan) == ["row 2, 企业全称: another customer already has this name"]


def test_two_rows_for_the_same_existing_customer_are_a_problem(english, org):
    CustomerFactory(name="甲有限公司", credit_code=CODE_1, owner=org["rep1"])
    plan = plan_for(
        org["manager1"],
        [
            ["企业全称", "统一社会信用代码", "负责人"],
            ["甲（福建）有限公司", CODE_1, "rep1"],  # renames it, matched by code
            ["甲有限公司", None, "rep2"],  # the same customer again, matched by its old name
        ],
    )
    assert lines(plan) == ["row 3, 企业全称: same customer as row 2"]


def test_a_rep_importing_cannot_set_credit_terms(english, org):
    plan = plan_for(
        org["rep1"],
        [
            ["企业全称", "负责人", "信用额度", "账期天数"],
            ["三明梅列钢铁有限公司", "rep1", 500000, None],
            ["南平延平竹业有限公司", "rep1", None, 90],
            ["宁德蕉城电池有限公司", "rep1", None, None],
        ],
    )
    assert lines(plan) == [
        "row 2, 信用额度: Only a manager may change: 信用额度.",
        "row 3, 账期天数: Only a manager may change: 账期天数.",
    ]
    assert [row.row for row in plan.rows] == [4]


def test_every_problem_of_every_row_is_listed_in_sheet_order(english, org):
    plan = plan_for(
        org["manager1"],
        [
            ["企业全称", "统一社会信用代码", "负责人", "客户等级", "账期天数"],
            [None, CODE_BAD_CHECK, "nobody", "Z", 1000],
            ["漳州龙海港务有限公司", CODE_5, "rep1", "A", 30],
        ],
    )
    assert lines(plan) == [
        "row 2, 企业全称: required",
        f"row 2, 统一社会信用代码: {CHECK_DIGIT}",
        "row 2, 负责人: unknown user nobody, or not one you may assign",
        "row 2, 客户等级: must be one of A, B, C, D",
        "row 2, 账期天数: must be a whole number of days, 0 to 720",
    ]
    assert [row.row for row in plan.rows] == [3]


def test_a_plan_with_problems_cannot_be_applied(english, org):
    plan = plan_for(org["manager1"], [["企业全称", "负责人"], ["甲有限公司", "nobody"]])
    with pytest.raises(ValueError, match="a plan with problems cannot be applied"):
        customer_import_apply(actor=org["manager1"], plan=plan)
    assert Customer.objects.count() == 0


def test_apply_writes_nothing_when_one_row_fails_at_write_time(english, org):
    plan = plan_for(
        org["manager1"],
        [["企业全称", "负责人"], ["甲有限公司", "rep1"], ["乙有限公司", "rep2"]],
    )
    CustomerFactory(
        name="乙有限公司", owner=org["rep3"]
    )  # created after the check, by someone else
    before = db_state()
    with pytest.raises(Exception, match="name"):
        customer_import_apply(actor=org["manager1"], plan=plan)
    assert db_state() == before
    assert not Customer.objects.filter(name="甲有限公司").exists()


TOO_MANY = "The sheet has more than 20000 rows; split the file and import each part."


def test_more_rows_than_allowed_without_a_declared_size_refuse_the_file(english, org):
    sheet = sheet_xml(
        rows_xml=row_xml(1, "企业全称", "负责人")
        + row_xml(2, "甲有限公司", "rep1")
        + row_xml(20002, "乙有限公司", "rep1")
    )
    with pytest.raises(ExcelRefusedError) as refused:
        plan_for_bytes(org["manager1"], raw_xlsx(sheet))
    assert str(refused.value) == TOO_MANY


def test_blank_formatted_rows_past_the_limit_are_not_data(english, org):
    blank_rows = "".join(f'<row r="{n}"><c r="A{n}" s="1"/></row>' for n in (20002, 20003))
    sheet = sheet_xml(
        rows_xml=row_xml(1, "企业全称", "负责人") + row_xml(2, "甲有限公司", "rep1") + blank_rows
    )
    plan = plan_for_bytes(org["manager1"], raw_xlsx(sheet))
    assert lines(plan) == []
    assert [(row.row, row.values["name"]) for row in plan.rows] == [(2, "甲有限公司")]


def test_data_past_the_limit_is_found_behind_a_chunk_border(english, org):
    # Rows padded so that the row tags past the limit fall across the reader's 64 KB chunks.
    filler = "".join(f'<row r="{n}" spans="1:2"><c r="A{n}" s="1"/></row>' for n in range(3, 20002))
    sheet = sheet_xml(
        rows_xml=row_xml(1, "企业全称", "负责人")
        + row_xml(2, "甲有限公司", "rep1")
        + filler
        + row_xml(20002, "乙有限公司", "rep1")
    )
    with pytest.raises(ExcelRefusedError) as refused:
        plan_for_bytes(org["manager1"], raw_xlsx(sheet))
    assert str(refused.value) == TOO_MANY


def test_a_stale_declared_size_does_not_drop_rows(english, org):
    sheet = sheet_xml(
        dimension="A1:B2",  # says one data row; there are three
        rows_xml=row_xml(1, "企业全称", "负责人")
        + row_xml(2, "甲有限公司", "rep1")
        + row_xml(3, "乙有限公司", "rep1")
        + row_xml(4, "丙有限公司", "rep2"),
    )
    plan = plan_for_bytes(org["manager1"], raw_xlsx(sheet))
    assert [(row.row, row.values["name"]) for row in plan.rows] == [
        (2, "甲有限公司"),
        (3, "乙有限公司"),
        (4, "丙有限公司"),
    ]


def test_a_cell_far_to_the_right_is_ignored(english, org):
    far = '<c r="XFD2" t="inlineStr"><is><t>远处</t></is></c>'
    sheet = sheet_xml(
        rows_xml=row_xml(1, "企业全称", "负责人")
        + row_xml(2, "甲有限公司", "rep1").replace("</row>", f"{far}</row>")
    )
    plan = plan_for_bytes(org["manager1"], raw_xlsx(sheet))
    assert lines(plan) == []
    assert len(plan.rows) == 1


# --- The command: python manage.py import_customers FILE.xlsx ------------------------------------


def run_command(*args) -> tuple[int, str, str]:
    """(exit status, stdout, stderr) of import_customers run in-process."""
    return run_in_process("import_customers", *args)


def test_command_imports_a_clean_file_and_prints_the_counts(org, tmp_path):
    path = write_xlsx(tmp_path, [CN_HEADERS, FULL_ROW, SHORT_ROW])
    assert run_command(path) == (0, "created 2, updated 0 customer(s)\n", "")
    assert set(Customer.objects.values_list("name", flat=True)) == {
        "福州闽江机电有限公司",
        "深圳南山电子有限公司",
    }
    # The default actor is the first active admin.
    assert set(OwnershipEvent.objects.values_list("actor__username", flat=True)) == {"admin"}


def test_command_reimport_updates_instead_of_duplicating(org, tmp_path):
    path = write_xlsx(tmp_path, [CN_HEADERS, FULL_ROW, SHORT_ROW])
    assert run_command(path)[0] == 0
    before = Customer.objects.count()
    assert run_command(path) == (0, "created 0, updated 2 customer(s)\n", "")
    assert Customer.objects.count() == before == 2


def test_command_dry_run_checks_and_writes_nothing(org, tmp_path):
    CustomerFactory(name="深圳南山电子有限公司", owner=org["rep2"])
    path = write_xlsx(tmp_path, [CN_HEADERS, FULL_ROW, SHORT_ROW])
    before = db_state()
    assert run_command(path, "--dry-run") == (
        0,
        "dry run: would create 1 and update 1 customer(s)\n",
        "",
    )
    assert db_state() == before


def test_acceptance_a_mixed_bad_file_is_rejected_whole_with_one_line_per_problem(
    org, customers, tmp_path
):
    """Bad credit codes, unknown owners, duplicate names, formula cells and blank required cells:
    exit status 1, one stderr line per problem, and the database exactly as it was."""
    rows = [
        ["企业全称", "统一社会信用代码", "负责人", "区域", "客户等级", "年度采购量"],
        ["福州闽江机电有限公司", CODE_1, "rep1", "华东", "A", 1200000],  # fine on its own
        ["rep1的客户", None, "rep1", "华东", "A", None],  # an update, fine on its own
        ["深圳南山电子有限公司", CODE_BAD_CHECK, "rep2", "华南", "B", None],
        ["北京海淀软件有限公司", "91110108551385082", "rep1", None, None, None],
        ["广州天河物流有限公司", "9144O300708461136T", "rep2", None, None, None],
        ["上海浦东贸易有限公司", CODE_4, "nobody", None, None, None],
        ["天津滨海化工有限公司", None, "rep3", "华北", None, None],  # team B: not manager1's
        ["福州闽江机电有限公司", CODE_5, "rep2", None, None, None],
        ['=UPPER("南京")', CODE_3, "rep1", None, None, None],
        ["苏州工业园区精密有限公司", None, "rep1", None, None, "=1000*12"],
        [None, CODE_2, "rep1", "华东", None, None],
        ["杭州西湖茶业有限公司", None, None, "华东", None, None],
    ]
    path = write_xlsx(tmp_path, rows)
    before = db_state()
    updated_before = Customer.objects.get(name="rep1的客户").tier

    status, stdout, stderr = run_command(path, "--as", "manager1")

    assert status == 1
    assert stdout == ""
    assert stderr.splitlines() == [
        "row 4, 统一社会信用代码: 校验位（第 18 位）应为“6”，实际为“7”：可能有字符输错了。",
        "row 5, 统一社会信用代码: 统一社会信用代码应为 18 位，当前为 17 位。",
        "row 6, 统一社会信用代码: 第 5 位字符“O”应为数字：第 3 至 8 位是登记管理机关行政区划码。",
        "row 7, 负责人: 用户 nobody 不存在，或您无权分配给此人",
        "row 8, 负责人: 用户 rep3 不存在，或您无权分配给此人",
        "row 9, 企业全称: 与第 2 行企业全称重复",
        "row 10, 企业全称: 不接受公式，请直接填写数值",
        "row 11, 年度采购量: 不接受公式，请直接填写数值",
        "row 12, 企业全称: 必填",
        "row 13, 负责人: 必填",
        "10 problem(s); nothing was imported.",
    ]
    assert db_state() == before
    assert not Customer.objects.filter(name="福州闽江机电有限公司").exists()
    assert Customer.objects.get(name="rep1的客户").tier == updated_before


def test_command_as_a_manager_cannot_assign_outside_the_team(org, tmp_path):
    path = write_xlsx(tmp_path, [["企业全称", "负责人"], ["天津滨海化工有限公司", "rep3"]])
    assert run_command(path, "--as", "manager1") == (
        1,
        "",
        "row 2, 负责人: 用户 rep3 不存在，或您无权分配给此人\n"
        "1 problem(s); nothing was imported.\n",
    )
    assert run_command(path, "--as", "manager2") == (0, "created 1, updated 0 customer(s)\n", "")


def test_command_as_a_rep_may_not_set_credit_terms(org, tmp_path):
    path = write_xlsx(tmp_path, [["企业全称", "负责人", "信用额度"], ["甲有限公司", "rep1", 1000]])
    assert run_command(path, "--as", "rep1") == (
        1,
        "",
        "row 2, 信用额度: 只有经理可以修改：信用额度。\n1 problem(s); nothing was imported.\n",
    )
    assert Customer.objects.count() == 0


def test_command_reports_a_write_that_fails_after_the_check(org, tmp_path, monkeypatch):
    def fail(**kwargs):
        raise ValidationError({"name": ["具有 企业全称 的 客户 已存在。"]})

    monkeypatch.setattr(
        "customers.management.commands.import_customers.customer_import_apply", fail
    )
    path = write_xlsx(tmp_path, [["企业全称", "负责人"], ["甲有限公司", "rep1"]])
    with pytest.raises(CommandError) as failed:
        run_command(path)
    assert str(failed.value) == "nothing was imported: 具有 企业全称 的 客户 已存在。"


def test_command_refuses_a_file_that_is_not_xlsx_without_loading_it(org, tmp_path, load_calls):
    path = tmp_path / "customers.xlsx"
    path.write_text("企业全称,负责人\n福州闽江机电有限公司,rep1\n", encoding="utf-8")
    with pytest.raises(CommandError) as refused:
        run_command(path)
    assert str(refused.value) == f"{path}: 这不是 Excel .xlsx 文件（请另存为 .xlsx 后重试）。"
    assert load_calls == []


def test_command_refuses_absurd_dimensions_without_loading_them(org, tmp_path, load_calls):
    path = tmp_path / "huge.xlsx"
    path.write_bytes(raw_xlsx(sheet_xml(dimension="A1:XFD1048576")))
    with pytest.raises(CommandError) as refused:
        run_command(path)
    assert str(refused.value) == (
        f"{path}: 工作表声明了 1048576 行 16384 列；最多接受 20000 行 60 列。"
    )
    assert load_calls == []


def test_command_reports_a_missing_file(org, tmp_path):
    with pytest.raises(CommandError) as refused:
        run_command(tmp_path / "nope.xlsx")
    assert str(refused.value) == f"{tmp_path / 'nope.xlsx'}: no such file"


def test_command_needs_a_known_active_user(org, tmp_path):
    path = write_xlsx(tmp_path, [CN_HEADERS, FULL_ROW])
    with pytest.raises(CommandError) as refused:
        run_command(path, "--as", "nobody")
    assert str(refused.value) == "no active user 'nobody'"


def test_command_without_an_admin_asks_for_a_user(db, tmp_path):
    path = write_xlsx(tmp_path, [CN_HEADERS, FULL_ROW])
    with pytest.raises(CommandError) as refused:
        run_command(path)
    assert str(refused.value) == "no active admin; pass --as USERNAME"


def test_command_leaves_the_callers_language_alone(org, tmp_path):
    path = write_xlsx(tmp_path, [["企业全称", "负责人"], ["甲有限公司", "nobody"]])
    with translation.override("en"):
        assert run_command(path)[0] == 1
        assert translation.get_language() == "en"


def test_command_exit_status_in_a_real_process(tmp_path):
    """The real exit status and streams of `manage.py import_customers`, against its own SQLite
    file (the test database lives in memory, out of a subprocess's reach)."""
    manage = manage_process(
        tmp_path,
        "from django.contrib.auth.models import Group;"
        "from salesops.accounts.models import User;"
        "User.objects.create_superuser('admin', 'admin@example.com', 'x');"
        "User.objects.create_user('rep1').groups.add(Group.objects.get(name='rep'))",
    )
    bad = write_xlsx(
        tmp_path, [["企业全称", "负责人"], ["甲有限公司", "nobody"], [None, "rep1"]], "bad.xlsx"
    )
    good = write_xlsx(tmp_path, [["企业全称", "负责人"], ["甲有限公司", "rep1"]], "good.xlsx")

    rejected = manage("import_customers", str(bad))
    assert rejected.returncode == 1, rejected.stderr
    assert rejected.stdout == ""
    assert rejected.stderr.splitlines() == [
        "row 2, 负责人: 用户 nobody 不存在，或您无权分配给此人",
        "row 3, 企业全称: 必填",
        "2 problem(s); nothing was imported.",
    ]

    imported = manage("import_customers", str(good))
    assert (imported.returncode, imported.stdout, imported.stderr) == (
        0,
        "created 1, updated 0 customer(s)\n",
        "",
    )
    again = manage("import_customers", str(good))
    assert (again.returncode, again.stdout) == (0, "created 0, updated 1 customer(s)\n")


# --- The web flow: /customers/import/ ------------------------------------------------------------


@pytest.fixture
def import_dir(monkeypatch, tmp_path) -> Path:
    """Uploads waiting for confirmation go to a private folder per test."""
    folder = tmp_path / "imports"
    monkeypatch.setattr("customers.views.imports.IMPORT_DIR", folder)
    return folder


GOOD_ROWS = [
    ["企业全称", "统一社会信用代码", "负责人", "客户等级"],
    ["福州闽江机电有限公司", CODE_1, "rep1", "A"],
    ["rep2的客户", None, "rep2", "B"],
]


@pytest.mark.parametrize("username", ["rep1", "rep3", "finance1"])
def test_import_page_is_for_managers_and_admins_only(client, org, import_dir, username):
    client.force_login(org[username])
    assert client.get(reverse("customer_import")).status_code == 403
    before = db_state()
    response = client.post(reverse("customer_import"), {"file": xlsx_upload(GOOD_ROWS)})
    assert response.status_code == 403
    assert client.post(reverse("customer_import"), {"confirm": "1"}).status_code == 403
    assert db_state() == before
    assert pending_files(import_dir) == []


def test_import_page_needs_a_login(client, org):
    response = client.get(reverse("customer_import"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_manager_uploading_a_bad_file_sees_every_problem_and_nothing_is_written(
    client, org, customers, import_dir
):
    client.force_login(org["manager1"])
    rows = [
        ["企业全称", "统一社会信用代码", "负责人", "年度采购量"],
        ["福州闽江机电有限公司", CODE_BAD_CHECK, "rep1", None],
        ["福州闽江机电有限公司", None, "rep3", None],
        [None, None, "rep1", "=SUM(1,2)"],
    ]
    before = db_state()

    response = client.post(reverse("customer_import"), {"file": xlsx_upload(rows)})

    assert response.status_code == 200
    problems = [str(p) for p in response.context["plan"].problems]
    assert problems == [
        "row 2, 统一社会信用代码: 校验位（第 18 位）应为“6”，实际为“7”：可能有字符输错了。",
        "row 3, 企业全称: 与第 2 行企业全称重复",
        "row 3, 负责人: 用户 rep3 不存在，或您无权分配给此人",
        "row 4, 年度采购量: 不接受公式，请直接填写数值",
        "row 4, 企业全称: 必填",
    ]
    html = response.content.decode()
    assert 'data-testid="problems"' in html
    assert "共 5 个问题，未导入任何数据。请修改文件后重新上传。" in html
    for line in problems:
        assert f"<li>{escape(line)}</li>" in html
    assert 'data-testid="preview"' not in html
    assert db_state() == before
    assert SESSION_KEY not in client.session
    assert pending_files(import_dir) == []


def test_manager_good_file_previews_then_confirm_writes_everything(
    client, org, customers, import_dir
):
    client.force_login(org["manager1"])
    before = db_state()

    preview = client.post(reverse("customer_import"), {"file": xlsx_upload(GOOD_ROWS)})

    assert preview.status_code == 200
    plan = preview.context["plan"]
    assert plan.problems == []
    assert [(row.row, row.action, row.values["name"]) for row in plan.rows] == [
        (2, "create", "福州闽江机电有限公司"),
        (3, "update", "rep2的客户"),
    ]
    html = preview.content.decode()
    assert 'data-testid="preview"' in html
    assert "检查通过：将新建 1 个，更新 1 个。尚未写入任何数据。" in html
    assert 'name="confirm"' in html
    assert db_state() == before  # nothing written yet
    assert len(pending_files(import_dir)) == 1
    assert client.session[SESSION_KEY] == pending_files(import_dir)[0].stem

    confirmed = client.post(reverse("customer_import"), {"confirm": "1"})

    assert confirmed.status_code == 302
    assert confirmed["Location"] == reverse("customer_list")
    assert [str(m) for m in get_messages(confirmed.wsgi_request)] == [
        "导入完成：新建 1 个，更新 1 个。"
    ]
    created = Customer.objects.get(name="福州闽江机电有限公司")
    assert (created.credit_code, created.owner, created.tier) == (CODE_1, org["rep1"], "A")
    assert Customer.objects.get(name="rep2的客户").tier == "B"
    assert Customer.objects.count() == before[0] + 1
    assert SESSION_KEY not in client.session
    assert pending_files(import_dir) == []


def test_admin_may_import_for_any_team(client, org, import_dir):
    client.force_login(org["admin"])
    rows = [
        ["企业全称", "负责人"],
        ["天津滨海化工有限公司", "rep3"],
        ["福州闽江机电有限公司", "rep1"],
    ]
    assert client.post(reverse("customer_import"), {"file": xlsx_upload(rows)}).status_code == 200
    response = client.post(reverse("customer_import"), {"confirm": "1"})
    assert response.status_code == 302
    assert Customer.objects.get(name="天津滨海化工有限公司").owner == org["rep3"]
    assert Customer.objects.get(name="福州闽江机电有限公司").owner == org["rep1"]


def test_confirm_without_a_pending_upload_writes_nothing(client, org, import_dir):
    client.force_login(org["manager1"])
    response = client.post(reverse("customer_import"), {"confirm": "1"})
    assert response.status_code == 302
    assert response["Location"] == reverse("customer_import")
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "上传的文件已失效，请重新上传。"
    ]
    assert Customer.objects.count() == 0


def test_a_write_failing_at_confirm_time_is_reported_and_nothing_is_written(
    client, org, import_dir, monkeypatch
):
    def fail(**kwargs):
        raise ValidationError({"name": ["具有 企业全称 的 客户 已存在。"]})

    client.force_login(org["manager1"])
    client.post(reverse("customer_import"), {"file": xlsx_upload(GOOD_ROWS[:2])})
    monkeypatch.setattr("customers.views.imports.customer_import_apply", fail)

    response = client.post(reverse("customer_import"), {"confirm": "1"})

    assert response["Location"] == reverse("customer_import")
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "未导入任何数据：具有 企业全称 的 客户 已存在。"
    ]
    assert Customer.objects.count() == 0


def test_a_later_bad_upload_discards_the_file_waiting_for_confirmation(client, org, import_dir):
    client.force_login(org["manager1"])
    client.post(reverse("customer_import"), {"file": xlsx_upload(GOOD_ROWS)})
    bad = [["企业全称", "负责人"], ["甲有限公司", "nobody"]]
    assert client.post(reverse("customer_import"), {"file": xlsx_upload(bad)}).status_code == 200
    assert pending_files(import_dir) == []

    response = client.post(reverse("customer_import"), {"confirm": "1"})

    assert response["Location"] == reverse("customer_import")
    assert Customer.objects.count() == 0


def test_confirm_checks_again_and_writes_nothing_if_the_data_changed(client, org, import_dir):
    client.force_login(org["manager1"])
    client.post(reverse("customer_import"), {"file": xlsx_upload(GOOD_ROWS[:2])})
    CustomerFactory(name="福州闽江机电有限公司", owner=org["rep3"])  # meanwhile, in team B
    before = db_state()

    response = client.post(reverse("customer_import"), {"confirm": "1"})

    assert response.status_code == 200
    assert [str(p) for p in response.context["plan"].problems] == [
        "row 2, 企业全称: 该客户已存在且属于其他团队"
    ]
    assert db_state() == before


def test_a_refused_upload_shows_why_without_loading_it(client, org, import_dir, load_calls):
    client.force_login(org["manager1"])
    upload = bytes_upload("企业全称,负责人\n甲,rep1\n".encode())

    response = client.post(reverse("customer_import"), {"file": upload})

    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [
        "这不是 Excel .xlsx 文件（请另存为 .xlsx 后重试）。"
    ]
    assert response.context["plan"] is None
    assert load_calls == []
    assert pending_files(import_dir) == []


def test_an_upload_with_absurd_dimensions_is_refused_without_loading(
    client, org, import_dir, load_calls
):
    client.force_login(org["manager1"])
    upload = bytes_upload(raw_xlsx(sheet_xml(dimension="A1:XFD1048576")))
    response = client.post(reverse("customer_import"), {"file": upload})
    assert response.context["form"].errors["file"] == [
        "工作表声明了 1048576 行 16384 列；最多接受 20000 行 60 列。"
    ]
    assert load_calls == []


def test_an_oversized_upload_is_refused_without_loading(client, org, import_dir, load_calls):
    client.force_login(org["manager1"])
    upload = bytes_upload(b"PK\x03\x04" + b"\0" * (6 * 1024 * 1024))
    response = client.post(reverse("customer_import"), {"file": upload})
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == ["文件大小为 6.0 MB，上限为 5 MB。"]
    assert load_calls == []
    assert Customer.objects.count() == 0


def test_posting_without_a_file_says_it_is_required(client, org, import_dir):
    client.force_login(org["manager1"])
    response = client.post(reverse("customer_import"), {})
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == ["这个字段是必填项。"]


def test_the_preview_shows_the_tier_an_update_keeps(client, org, import_dir):
    CustomerFactory(name="漳州芗城食品有限公司", owner=org["rep1"], tier="A")
    client.force_login(org["manager1"])
    rows = [["企业全称", "负责人"], ["漳州芗城食品有限公司", "rep1"]]
    response = client.post(reverse("customer_import"), {"file": xlsx_upload(rows)})
    html = "".join(response.content.decode().split())  # markup without its whitespace
    assert "<td>2</td><td>更新</td><td>漳州芗城食品有限公司</td><td>rep1</td><td>A</td>" in html
