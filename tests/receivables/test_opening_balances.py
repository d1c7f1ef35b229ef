"""Opening balances (期初应收) from Excel: row checks, all-or-nothing writes through
receivable_create, no duplicates on re-import, the command and the finance web flow.

Service-level tests run in English (the source strings) and assert exact lines. The command and
the web pages speak Chinese: their tests build the expected lines with `zh()`, the Chinese
catalog's word for the same source string, so they hold before and after the translations of
the new strings are added.
"""

from datetime import date, datetime, time
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.core.management import CommandError
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from receivables import imports
from receivables.imports import (
    ImportPlan,
    opening_balance_import_apply,
    opening_balance_import_plan,
)
from receivables.models import Receivable
from receivables.services import receivable_create
from receivables.views.imports import SESSION_KEY
from salesops.core.errors import NotPermitted
from salesops.core.excel import ExcelRefusedError, open_worksheet
from tests.customers.xlsx_helpers import (
    CODE_1,
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

CN_HEADERS = ["客户", "单据号", "开票日期", "到期日", "金额", "已收", "类型"]
EN_HEADERS = ["customer", "number", "issue_date", "due_date", "amount", "paid", "kind"]
FUZHOU = "福州闽江机电有限公司"
SHENZHEN = "深圳南山电子有限公司"

UNKNOWN = "no customer with this full name or credit code"
BAD_DATE = "must be a date: an Excel date or text YYYY-MM-DD"
BAD_AMOUNT = "must be an amount in yuan, more than 0, with at most 2 decimals"
BAD_PAID = "must be an amount in yuan, 0 or more, with at most 2 decimals"
BAD_KIND = "must be normal or retention (普通 or 质保金)"
FORMULA = "formulas are not accepted; type the value"
ALREADY = "already imported"
TAKEN = "this number is already used by another receivable"

# Three clean rows: real Excel dates and text dates, a number typed as a number, a customer by
# credit code (lower case, spaced), every way of writing the kind, paid given, blank and full.
GOOD_ROWS = [
    CN_HEADERS,
    [FUZHOU, "QC-2025-001", date(2025, 9, 1), date(2025, 10, 31), 120000, 20000.5, "普通"],
    [
        "9135 0100 m000 100y 43",
        "QC-2025-002",
        "2025-06-30",
        "2025-12-31",
        "58,000.25",
        None,
        "质保金",
    ],
    [
        SHENZHEN,
        2025003,
        datetime.combine(date(2025, 11, 15), time()),
        "2025-11-15",
        9999.99,
        "9999.99",
        None,
    ],
]


def zh(message: str, **params) -> str:
    """What the Chinese catalog says for an English source string (the source until translated)."""
    with translation.override("zh-hans"):
        text = translation.gettext(message)
    return text % params if params else text


def zh_line(row: int, column: str, message: str, /, **params) -> str:
    return f"row {row}, {column}: {zh(message, **params)}"


@pytest.fixture
def buyers(org):
    return {
        "fuzhou": CustomerFactory(name=FUZHOU, credit_code=CODE_1, owner=org["rep1"]),
        "shenzhen": CustomerFactory(name=SHENZHEN, owner=org["rep3"]),
    }


@pytest.fixture
def existing(org, buyers):
    """An opening balance imported earlier and a receivable finance typed in by hand."""
    common = {
        "actor": org["finance1"],
        "customer": buyers["fuzhou"],
        "issue_date": date(2025, 1, 1),
        "due_date": date(2025, 2, 1),
        "amount": Decimal("500.00"),
    }
    return {
        "opening": receivable_create(number="QC-OLD", source="opening", **common),
        "manual": receivable_create(number="MAN-001", source="manual", **common),
    }


def plan_for(actor, rows) -> ImportPlan:
    return opening_balance_import_plan(
        actor=actor, worksheet=open_worksheet(BytesIO(xlsx_bytes(rows)))
    )


def lines(plan: ImportPlan) -> list[str]:
    return [str(problem) for problem in plan.problems]


def db_state():
    """What a rejected import must leave untouched."""
    return Receivable.objects.count(), Receivable.history.count()


def stored(number: str) -> tuple:
    r = Receivable.objects.get(number=number)
    return (
        r.customer.name,
        r.issue_date,
        r.due_date,
        r.amount,
        r.allocated,
        r.written_off,
        r.kind,
        r.source,
    )


GOOD_STORED = {
    "QC-2025-001": (
        FUZHOU,
        date(2025, 9, 1),
        date(2025, 10, 31),
        Decimal("120000.00"),
        Decimal("20000.50"),
        Decimal("0.00"),
        "normal",
        "opening",
    ),
    "QC-2025-002": (
        FUZHOU,
        date(2025, 6, 30),
        date(2025, 12, 31),
        Decimal("58000.25"),
        Decimal("0.00"),
        Decimal("0.00"),
        "retention",
        "opening",
    ),
    "2025003": (
        SHENZHEN,
        date(2025, 11, 15),
        date(2025, 11, 15),
        Decimal("9999.99"),
        Decimal("9999.99"),
        Decimal("0.00"),
        "normal",
        "opening",
    ),
}


# --- Planning and applying --------------------------------------------------------------------


def test_a_clean_file_creates_every_row_with_its_exact_values(english, org, buyers):
    before = db_state()
    plan = plan_for(org["finance1"], GOOD_ROWS)

    assert plan.problems == []
    assert [(row.row, row.number) for row in plan.rows] == [
        (2, "QC-2025-001"),
        (3, "QC-2025-002"),
        (4, "2025003"),
    ]
    assert (plan.creates, plan.total_amount, plan.total_paid, plan.total_open) == (
        3,
        Decimal("188000.24"),
        Decimal("30000.49"),
        Decimal("157999.75"),
    )
    assert db_state() == before  # planning writes nothing

    created = opening_balance_import_apply(actor=org["finance1"], plan=plan)

    assert [r.number for r in created] == ["QC-2025-001", "QC-2025-002", "2025003"]
    assert {number: stored(number) for number in GOOD_STORED} == GOOD_STORED
    assert db_state() == (before[0] + 3, before[1] + 3)
    history = Receivable.history.filter(number="QC-2025-001").get()
    assert (history.history_type, history.allocated) == ("+", Decimal("20000.50"))


def test_english_headers_match_whatever_their_case_and_spaces(english, org, buyers):
    headers = ["Customer", " NUMBER ", "Issue_Date", "due_date", "Amount", "PAID", "kind"]
    rows = [
        headers,
        [FUZHOU, "A-1", "2025-01-01", "2025-01-31", 100, 0, "Retention"],
        [FUZHOU, "A-2", "2025-01-01", "2025-01-31", 100, None, "NORMAL"],
    ]
    plan = plan_for(org["admin"], rows)
    assert plan.problems == []
    assert [(row.number, row.kind, row.paid) for row in plan.rows] == [
        ("A-1", "retention", Decimal("0.00")),
        ("A-2", "normal", Decimal("0.00")),
    ]


def test_only_the_five_required_columns_are_needed(english, org, buyers):
    rows = [EN_HEADERS[:5], [SHENZHEN, "B-1", "2025-03-01", "2025-04-01", "1.5"]]
    plan = plan_for(org["finance1"], rows)
    assert plan.problems == []
    (row,) = plan.rows
    assert (row.customer, row.amount, row.paid, row.kind) == (
        buyers["shenzhen"],
        Decimal("1.50"),
        Decimal("0.00"),
        "normal",
    )


def test_acceptance_a_mixed_bad_file_lists_every_problem_and_plans_nothing(
    english, org, buyers, existing
):
    rows = [
        CN_HEADERS,
        [FUZHOU, "QC-001", date(2025, 1, 10), date(2025, 3, 10), 1000, None, None],  # fine alone
        ["不存在的公司", "QC-002", "2025-01-10", "2025-03-10", 1000, None, None],
        [SHENZHEN, "QC-001", "2025-01-10", "2025-03-10", 1000, None, None],
        [FUZHOU, "QC-OLD", "2025-01-10", "2025-03-10", 1000, None, None],
        [FUZHOU, "MAN-001", "2025-01-10", "2025-03-10", 1000, None, None],
        [FUZHOU, "QC-006", date(2025, 3, 10), date(2025, 3, 9), 1000, None, None],
        [FUZHOU, "QC-007", "2025/01/10", "2025-02-30", 1000, None, None],
        [FUZHOU, "QC-008", "2025-01-10", "2025-03-10", 0, None, None],
        [FUZHOU, "QC-009", "2025-01-10", "2025-03-10", 12.345, None, None],
        [FUZHOU, "QC-010", "2025-01-10", "2025-03-10", 100, 100.01, None],
        [FUZHOU, "QC-011", "2025-01-10", "2025-03-10", 100, -5, None],
        [FUZHOU, "QC-012", "2025-01-10", "2025-03-10", 100, None, "deposit"],
        [FUZHOU, "QC-013", "2025-01-10", "2025-03-10", "=50*2", None, None],
        [None, "QC-014", "2025-01-10", None, 100, None, None],
        ["不存在的公司", "QC-015", "2025-01-10", "2025-03-10", "一百元", None, None],
        [None, None, None, None, None, None, None],  # a blank line is not a row
        [FUZHOU, "X" * 51, 45678, "2025-03-10", 100, None, None],
    ]
    before = db_state()

    plan = plan_for(org["finance1"], rows)

    assert lines(plan) == [
        f"row 3, 客户: {UNKNOWN}",
        "row 4, 单据号: same number as row 2",
        f"row 5, 单据号: {ALREADY}",
        f"row 6, 单据号: {TAKEN}",
        "row 7, 到期日: before the issue date",
        f"row 8, 开票日期: {BAD_DATE}",
        f"row 8, 到期日: {BAD_DATE}",
        f"row 9, 金额: {BAD_AMOUNT}",
        f"row 10, 金额: {BAD_AMOUNT}",
        "row 11, 已收: more than the amount",
        f"row 12, 已收: {BAD_PAID}",
        f"row 13, 类型: {BAD_KIND}",
        f"row 14, 金额: {FORMULA}",
        "row 15, 客户: required",
        "row 15, 到期日: required",
        f"row 16, 客户: {UNKNOWN}",
        f"row 16, 金额: {BAD_AMOUNT}",
        "row 18, 单据号: longer than 50 characters",
        f"row 18, 开票日期: {BAD_DATE}",
    ]
    assert [row.row for row in plan.rows] == [2]
    assert not plan.ok
    assert db_state() == before


@pytest.mark.parametrize(
    ("column", "cell", "message"),
    [
        ("开票日期", "10/01/2025", BAD_DATE),
        ("开票日期", "2025-1-5", BAD_DATE),
        (
            "开票日期",
            datetime.combine(date(2025, 1, 5), time(14, 30)),
            BAD_DATE,
        ),  # a date and a time
        ("开票日期", True, BAD_DATE),
        ("金额", -100, BAD_AMOUNT),
        ("金额", "0.00", BAD_AMOUNT),
        ("金额", "100.001", BAD_AMOUNT),
        ("金额", "¥100", BAD_AMOUNT),
        ("金额", "inf", BAD_AMOUNT),
        ("金额", "NaN", BAD_AMOUNT),
        ("金额", 1e12, BAD_AMOUNT),
        ("金额", True, BAD_AMOUNT),
        ("金额", date(2025, 1, 1), BAD_AMOUNT),
        ("已收", "0.001", BAD_PAID),
        ("已收", "abc", BAD_PAID),
        ("类型", "质保", BAD_KIND),
    ],
)
def test_a_bad_cell_is_one_problem_line(english, org, buyers, column, cell, message):
    values = {
        "客户": FUZHOU,
        "单据号": "C-1",
        "开票日期": "2025-01-05",
        "到期日": "2025-12-31",
        "金额": "100",
        "已收": None,
        "类型": None,
    }
    values[column] = cell
    plan = plan_for(org["finance1"], [CN_HEADERS, [values[h] for h in CN_HEADERS]])
    assert lines(plan) == [f"row 2, {column}: {message}"]
    assert plan.rows == []


@pytest.mark.parametrize(
    ("amount", "paid", "stored_amount", "stored_paid"),
    [
        (1000, None, "1000.00", "0.00"),
        (" 1,234.5 ", "0", "1234.50", "0.00"),
        (0.01, 0.01, "0.01", "0.01"),  # fully paid is allowed: paid == amount
        ("999999999999.99", "1", "999999999999.99", "1.00"),
        (Decimal("88.80"), 10, "88.80", "10.00"),
    ],
)
def test_amounts_are_yuan_with_two_decimals(
    english, org, buyers, amount, paid, stored_amount, stored_paid
):
    row = [FUZHOU, "M-1", "2025-01-01", "2025-01-01", amount, paid, None]
    plan = plan_for(org["finance1"], [CN_HEADERS, row])
    assert plan.problems == []
    assert (plan.rows[0].amount, plan.rows[0].paid) == (
        Decimal(stored_amount),
        Decimal(stored_paid),
    )


def test_the_due_date_may_be_the_issue_date(english, org, buyers):
    plan = plan_for(org["finance1"], [CN_HEADERS, [FUZHOU, "D-1", "2025-05-05", "2025-05-05", 1]])
    assert plan.problems == []


def test_a_customer_is_found_by_full_name_or_credit_code_only(english, org, buyers):
    rows = [
        CN_HEADERS,
        [CODE_1, "N-1", "2025-01-01", "2025-02-01", 1],
        ["福州闽江机电", "N-2", "2025-01-01", "2025-02-01", 1],  # part of the name
        ["91350100M000100Y4", "N-3", "2025-01-01", "2025-02-01", 1],  # part of the code
    ]
    plan = plan_for(org["finance1"], rows)
    assert lines(plan) == [f"row 3, 客户: {UNKNOWN}", f"row 4, 客户: {UNKNOWN}"]
    assert plan.rows[0].customer == buyers["fuzhou"]


def test_required_columns_must_be_present(english, org, buyers):
    plan = plan_for(org["finance1"], [["客户", "金额", "已收"], [FUZHOU, 1, 0]])
    assert lines(plan) == [
        "row 1, 单据号/number: required column is missing",
        "row 1, 开票日期/issue_date: required column is missing",
        "row 1, 到期日/due_date: required column is missing",
    ]


def test_a_column_given_twice_is_a_problem(english, org, buyers):
    plan = plan_for(org["finance1"], [[*CN_HEADERS, "amount"], [FUZHOU]])
    assert lines(plan) == ["row 1, amount: column appears twice"]


def test_an_empty_sheet_and_a_header_without_rows_are_problems(english, org, buyers):
    assert lines(plan_for(org["finance1"], [])) == ["row 1, -: the sheet is empty"]
    assert lines(plan_for(org["finance1"], [CN_HEADERS])) == [
        "row 2, -: the file has no receivable rows"
    ]


def test_a_formula_cell_is_one_problem_whatever_the_column(english, org, buyers):
    rows = [
        CN_HEADERS,
        ["=A1", '="N-"&1', "=TODAY()", "=TODAY()+30", "=1+1", "=0", '=IF(1,"普通")'],
    ]
    assert lines(plan_for(org["finance1"], rows)) == [
        f"row 2, {header}: {FORMULA}" for header in CN_HEADERS
    ]


def test_text_that_only_looks_like_a_formula_is_a_plain_bad_value(english, org, buyers):
    sheet = sheet_xml(
        rows_xml='<row r="1">'
        + "".join(
            f'<c r="{col}1" t="inlineStr"><is><t>{text}</t></is></c>'
            for col, text in zip("ABCDE", CN_HEADERS[:5], strict=True)
        )
        + '</row><row r="2">'
        + "".join(
            f'<c r="{col}2" t="inlineStr"><is><t>{text}</t></is></c>'
            for col, text in zip(
                "ABCDE", [FUZHOU, "=N-1", "2025-01-01", "2025-02-01", "=1"], strict=True
            )
        )
        + "</row>"
    )
    plan = opening_balance_import_plan(
        actor=org["finance1"], worksheet=open_worksheet(BytesIO(raw_xlsx(sheet)))
    )
    assert lines(plan) == [f"row 2, 金额: {BAD_AMOUNT}"]  # "=N-1" is a fine number as text


def test_reimporting_reports_every_number_as_already_imported(english, org, buyers):
    plan = plan_for(org["finance1"], GOOD_ROWS)
    opening_balance_import_apply(actor=org["finance1"], plan=plan)
    before = db_state()

    again = plan_for(org["finance1"], GOOD_ROWS)

    assert lines(again) == [
        f"row 2, 单据号: {ALREADY}",
        f"row 3, 单据号: {ALREADY}",
        f"row 4, 单据号: {ALREADY}",
    ]
    assert again.rows == []
    assert db_state() == before
    assert {number: stored(number) for number in GOOD_STORED} == GOOD_STORED


@pytest.mark.parametrize("username", ["rep1", "manager1"])
def test_only_finance_and_admins_may_plan_or_apply(english, org, buyers, username):
    with pytest.raises(NotPermitted) as refused:
        plan_for(org[username], GOOD_ROWS)
    assert str(refused.value) == "Only finance or an admin may import opening balances."
    clean = plan_for(org["finance1"], GOOD_ROWS)
    with pytest.raises(NotPermitted):
        opening_balance_import_apply(actor=org[username], plan=clean)
    assert Receivable.objects.count() == 0


def test_a_plan_with_problems_cannot_be_applied(english, org, buyers):
    plan = plan_for(org["finance1"], [CN_HEADERS, ["nobody", "Z-1", "2025-01-01", "2025-01-02", 1]])
    with pytest.raises(ValueError, match="cannot be applied"):
        opening_balance_import_apply(actor=org["finance1"], plan=plan)


def test_apply_writes_nothing_when_one_row_fails_at_write_time(english, org, buyers):
    plan = plan_for(org["finance1"], GOOD_ROWS)
    # Meanwhile someone records the third row's number by hand.
    receivable_create(
        actor=org["finance1"],
        customer=buyers["shenzhen"],
        number="2025003",
        issue_date=date(2025, 1, 1),
        due_date=date(2025, 1, 2),
        amount=Decimal(1),
    )
    before = db_state()
    with pytest.raises(ValidationError):
        opening_balance_import_apply(actor=org["finance1"], plan=plan)
    assert db_state() == before
    assert not Receivable.objects.filter(number__startswith="QC-").exists()


def test_more_rows_than_allowed_refuse_the_file_before_any_row_is_checked(
    english, org, buyers, monkeypatch
):
    monkeypatch.setattr(imports, "MAX_ROWS", 2)
    row = [FUZHOU, None, "2025-01-01", "2025-01-02", 1]
    rows = [CN_HEADERS[:5], *([*row[:1], f"R-{n}", *row[2:]] for n in range(3))]
    rows[2][0] = "nobody"  # a bad row before the limit: not reported, the file is refused whole
    with pytest.raises(ExcelRefusedError) as refused:
        plan_for(org["finance1"], rows)
    assert str(refused.value) == (
        "The sheet has more than 2 rows; split the file and import each part."
    )


# --- The command: python manage.py import_opening_balances FILE.xlsx ------------------------------


def run_command(*args) -> tuple[int, str, str]:
    """(exit status, stdout, stderr) of import_opening_balances run in-process."""
    return run_in_process("import_opening_balances", *args)


CREATED_3 = (
    "created 3 receivable(s); amount ¥188,000.24, already paid ¥30,000.49, open ¥157,999.75\n"
)


def test_command_imports_a_clean_file_and_prints_the_count(org, buyers, tmp_path):
    path = write_xlsx(tmp_path, GOOD_ROWS, "opening.xlsx")
    assert run_command(path) == (0, CREATED_3, "")
    assert {number: stored(number) for number in GOOD_STORED} == GOOD_STORED
    assert Receivable.history.count() == 3


def test_command_as_finance(org, buyers, tmp_path):
    path = write_xlsx(tmp_path, GOOD_ROWS, "opening.xlsx")
    assert run_command(path, "--as", "finance1") == (0, CREATED_3, "")


def test_command_acceptance_a_mixed_bad_file_is_rejected_whole(org, buyers, existing, tmp_path):
    rows = [
        CN_HEADERS,
        [FUZHOU, "QC-001", date(2025, 1, 10), date(2025, 3, 10), 1000, 200, "普通"],  # fine
        ["不存在的公司", "QC-002", "2025-01-10", "2025-03-10", 1000, None, None],
        [SHENZHEN, "QC-001", "2025-01-10", "2025-03-10", 1000, None, None],
        [FUZHOU, "QC-OLD", "2025-01-10", "2025-03-10", 1000, None, None],
        [FUZHOU, "QC-005", date(2025, 3, 10), date(2025, 3, 9), 1000, None, None],
        [FUZHOU, "QC-006", "2025/01/10", "2025-03-10", 1000, None, None],
        [FUZHOU, "QC-007", "2025-01-10", "2025-03-10", 12.345, None, None],
        [FUZHOU, "QC-008", "2025-01-10", "2025-03-10", 100, 150, None],
        [FUZHOU, "QC-009", "2025-01-10", "2025-03-10", 100, None, "deposit"],
        [FUZHOU, "QC-010", "2025-01-10", "2025-03-10", "=50*2", None, None],
        [None, "QC-011", "2025-01-10", "2025-03-10", 100, None, None],
    ]
    path = write_xlsx(tmp_path, rows, "opening.xlsx")
    before = db_state()

    status, stdout, stderr = run_command(path, "--as", "finance1")

    assert status == 1
    assert stdout == ""
    assert stderr.splitlines() == [
        zh_line(3, "客户", UNKNOWN),
        zh_line(4, "单据号", "same number as row %(row)s", row=2),
        zh_line(5, "单据号", ALREADY),
        zh_line(6, "到期日", "before the issue date"),
        zh_line(7, "开票日期", BAD_DATE),
        zh_line(8, "金额", BAD_AMOUNT),
        zh_line(9, "已收", "more than the amount"),
        zh_line(10, "类型", BAD_KIND),
        "row 11, 金额: 不接受公式，请直接填写数值",
        "row 12, 客户: 必填",
        "10 problem(s); nothing was imported.",
    ]
    assert db_state() == before
    assert not Receivable.objects.filter(number="QC-001").exists()


def test_command_reimport_reports_every_number_as_already_imported(org, buyers, tmp_path):
    path = write_xlsx(tmp_path, GOOD_ROWS, "opening.xlsx")
    assert run_command(path)[0] == 0
    before = db_state()
    assert run_command(path) == (
        1,
        "",
        "".join(f"{zh_line(row, '单据号', ALREADY)}\n" for row in (2, 3, 4))
        + "3 problem(s); nothing was imported.\n",
    )
    assert db_state() == before == (3, 3)


def test_command_dry_run_checks_and_writes_nothing(org, buyers, tmp_path):
    path = write_xlsx(tmp_path, GOOD_ROWS, "opening.xlsx")
    before = db_state()
    assert run_command(path, "--dry-run", "--as", "finance1") == (
        0,
        "dry run: would create 3 receivable(s); "
        "amount ¥188,000.24, already paid ¥30,000.49, open ¥157,999.75\n",
        "",
    )
    assert db_state() == before
    # ...and a dry run of a bad file fails the same way as the real thing.
    bad = write_xlsx(tmp_path, [CN_HEADERS, ["nobody", "Z-1", "2025-01-01", "2025-01-02", 1]])
    assert run_command(bad, "--dry-run") == (
        1,
        "",
        f"{zh_line(2, '客户', UNKNOWN)}\n1 problem(s); nothing was imported.\n",
    )


@pytest.mark.parametrize("username", ["rep1", "manager1"])
def test_command_refuses_sellers(org, buyers, tmp_path, username):
    path = write_xlsx(tmp_path, GOOD_ROWS, "opening.xlsx")
    with pytest.raises(CommandError) as refused:
        run_command(path, "--as", username)
    assert str(refused.value) == (
        f"{username}: {zh('Only finance or an admin may import opening balances.')}"
    )
    assert Receivable.objects.count() == 0


def test_command_reports_a_write_that_fails_after_the_check(org, buyers, tmp_path, monkeypatch):
    def fail(**kwargs):
        raise ValidationError({"number": ["具有 单据号 的 应收账款 已存在。"]})

    monkeypatch.setattr(
        "receivables.management.commands.import_opening_balances.opening_balance_import_apply",
        fail,
    )
    path = write_xlsx(tmp_path, GOOD_ROWS, "opening.xlsx")
    with pytest.raises(CommandError) as failed:
        run_command(path)
    assert str(failed.value) == "nothing was imported: 具有 单据号 的 应收账款 已存在。"


def test_command_refuses_a_file_that_is_not_xlsx_without_loading_it(
    org, buyers, tmp_path, load_calls
):
    path = tmp_path / "opening.xlsx"
    path.write_text("客户,单据号\n福州闽江机电有限公司,QC-1\n", encoding="utf-8")
    with pytest.raises(CommandError) as refused:
        run_command(path)
    assert str(refused.value) == f"{path}: 这不是 Excel .xlsx 文件（请另存为 .xlsx 后重试）。"
    assert load_calls == []


def test_command_refuses_a_file_that_is_too_big_without_loading_it(
    org, buyers, tmp_path, load_calls
):
    path = tmp_path / "opening.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"\0" * (6 * 1024 * 1024))
    with pytest.raises(CommandError) as refused:
        run_command(path)
    assert str(refused.value) == f"{path}: 文件大小为 6.0 MB，上限为 5 MB。"
    assert load_calls == []
    assert Receivable.objects.count() == 0


def test_command_refuses_absurd_dimensions_without_loading_them(org, buyers, tmp_path, load_calls):
    path = tmp_path / "huge.xlsx"
    path.write_bytes(raw_xlsx(sheet_xml(dimension="A1:XFD1048576")))
    with pytest.raises(CommandError) as refused:
        run_command(path)
    assert str(refused.value) == (
        f"{path}: 工作表声明了 1048576 行 16384 列；最多接受 20000 行 60 列。"
    )
    assert load_calls == []


def test_command_reports_a_missing_file_and_an_unknown_user(org, tmp_path):
    with pytest.raises(CommandError) as missing:
        run_command(tmp_path / "nope.xlsx")
    assert str(missing.value) == f"{tmp_path / 'nope.xlsx'}: no such file"
    path = write_xlsx(tmp_path, GOOD_ROWS, "opening.xlsx")
    with pytest.raises(CommandError) as unknown:
        run_command(path, "--as", "nobody")
    assert str(unknown.value) == "no active user 'nobody'"


def test_command_without_an_admin_asks_for_a_user(db, tmp_path):
    path = write_xlsx(tmp_path, GOOD_ROWS, "opening.xlsx")
    with pytest.raises(CommandError) as refused:
        run_command(path)
    assert str(refused.value) == "no active admin; pass --as USERNAME"


def test_command_leaves_the_callers_language_alone(org, buyers, tmp_path):
    path = write_xlsx(tmp_path, [CN_HEADERS, ["nobody", "Z-1", "2025-01-01", "2025-01-02", 1]])
    with translation.override("en"):
        assert run_command(path)[0] == 1
        assert translation.get_language() == "en"


def test_command_exit_status_in_a_real_process(tmp_path):
    """The real exit status and streams of `manage.py import_opening_balances`, against its own
    SQLite file (the test database lives in memory, out of a subprocess's reach)."""
    manage = manage_process(
        tmp_path,
        "from customers.models import Customer;"
        "from salesops.accounts.models import User;"
        "admin = User.objects.create_superuser('admin', 'admin@example.com', 'x');"
        "Customer.objects.create(name='甲有限公司', owner=admin)",
    )
    bad = write_xlsx(
        tmp_path,
        [CN_HEADERS[:5], ["乙有限公司", "Q-1", "2025-01-01", "2025-02-01", 1]],
        "bad.xlsx",
    )
    good = write_xlsx(
        tmp_path,
        [CN_HEADERS[:5], ["甲有限公司", "Q-1", "2025-01-01", "2025-02-01", 1]],
        "good.xlsx",
    )

    rejected = manage("import_opening_balances", str(bad))
    assert rejected.returncode == 1, rejected.stderr
    assert rejected.stdout == ""
    assert rejected.stderr.splitlines() == [
        zh_line(2, "客户", UNKNOWN),
        "1 problem(s); nothing was imported.",
    ]

    imported = manage("import_opening_balances", str(good))
    assert (imported.returncode, imported.stdout, imported.stderr) == (
        0,
        "created 1 receivable(s); amount ¥1.00, already paid ¥0.00, open ¥1.00\n",
        "",
    )
    again = manage("import_opening_balances", str(good))
    assert (again.returncode, again.stdout) == (1, "")
    assert again.stderr.splitlines()[0] == zh_line(2, "单据号", ALREADY)


# --- The web flow: /receivables/import/ -------------------------------------------------------


@pytest.fixture
def import_dir(monkeypatch, tmp_path) -> Path:
    """Uploads waiting for confirmation go to a private folder per test."""
    folder = tmp_path / "imports"
    monkeypatch.setattr("receivables.views.imports.IMPORT_DIR", folder)
    return folder


def url() -> str:
    return reverse("opening_balance_import")


def test_the_page_lives_under_receivables():
    assert url() == "/receivables/import/"


@pytest.mark.parametrize("username", ["rep1", "rep3", "manager1", "manager2"])
def test_import_page_is_for_finance_and_admins_only(client, org, buyers, import_dir, username):
    client.force_login(org[username])
    before = db_state()
    assert client.get(url()).status_code == 403
    assert client.post(url(), {"file": xlsx_upload(GOOD_ROWS)}).status_code == 403
    assert client.post(url(), {"confirm": "1"}).status_code == 403
    assert db_state() == before
    assert pending_files(import_dir) == []


def test_import_page_needs_a_login(client, org):
    response = client.get(url())
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("username", ["finance1", "admin"])
def test_the_empty_page_shows_the_upload_form(client, org, username):
    client.force_login(org[username])
    response = client.get(url())
    assert response.status_code == 200
    html = response.content.decode()
    assert 'type="file"' in html
    assert 'data-testid="problems"' not in html
    assert 'data-testid="preview"' not in html


def test_finance_uploading_a_bad_file_sees_every_problem_and_nothing_is_written(
    client, org, buyers, existing, import_dir
):
    client.force_login(org["finance1"])
    rows = [
        CN_HEADERS,
        [FUZHOU, "QC-OLD", "2025-01-10", "2025-03-10", 1000, None, None],
        ["不存在的公司", "W-2", "2025-01-10", "2025-03-10", 1000, 1200, None],
        [SHENZHEN, "W-3", "2025-03-10", "2025-03-01", "=1+1", None, "质保金"],
    ]
    before = db_state()

    response = client.post(url(), {"file": xlsx_upload(rows, "opening.xlsx")})

    assert response.status_code == 200
    problems = [str(p) for p in response.context["plan"].problems]
    assert problems == [
        zh_line(2, "单据号", ALREADY),
        zh_line(3, "客户", UNKNOWN),
        zh_line(3, "已收", "more than the amount"),
        "row 4, 金额: 不接受公式，请直接填写数值",
        zh_line(4, "到期日", "before the issue date"),
    ]
    html = response.content.decode()
    assert 'data-testid="problems"' in html
    assert "共 5 个问题，未导入任何数据。请修改文件后重新上传。" in html
    for line in problems:
        assert f"<li>{escape(line)}</li>" in html
    assert 'data-testid="preview"' not in html
    assert 'name="confirm"' not in html
    assert db_state() == before
    assert SESSION_KEY not in client.session
    assert pending_files(import_dir) == []


def test_finance_good_file_previews_then_confirm_writes_everything(client, org, buyers, import_dir):
    client.force_login(org["finance1"])
    before = db_state()

    preview = client.post(url(), {"file": xlsx_upload(GOOD_ROWS, "opening.xlsx")})

    assert preview.status_code == 200
    plan = preview.context["plan"]
    assert plan.problems == []
    assert [(row.row, row.number, row.customer.name) for row in plan.rows] == [
        (2, "QC-2025-001", FUZHOU),
        (3, "QC-2025-002", FUZHOU),
        (4, "2025003", SHENZHEN),
    ]
    html = preview.content.decode()
    assert 'data-testid="preview"' in html
    assert "¥188,000.24" in html
    assert "¥157,999.75" in html
    flat = "".join(html.split())
    assert (
        "<td>2</td><td>福州闽江机电有限公司</td><td>QC-2025-001</td><td>2025-09-01</td>"
        '<td>2025-10-31</td><tdclass="text-end">¥120,000.00</td>'
        '<tdclass="text-end">¥20,000.50</td>'
    ) in flat
    assert 'name="confirm"' in html
    assert db_state() == before  # nothing written yet
    assert len(pending_files(import_dir)) == 1
    assert client.session[SESSION_KEY] == pending_files(import_dir)[0].stem

    confirmed = client.post(url(), {"confirm": "1"})

    assert confirmed.status_code == 302
    assert confirmed["Location"] == url()
    with translation.override("zh-hans"):
        expected = translation.ngettext(
            "Imported %(count)s opening balance: %(amount)s, of which %(open)s is open.",
            "Imported %(count)s opening balances: %(amount)s, of which %(open)s is open.",
            3,
        ) % {"count": 3, "amount": "¥188,000.24", "open": "¥157,999.75"}
    assert [str(m) for m in get_messages(confirmed.wsgi_request)] == [expected]
    assert {number: stored(number) for number in GOOD_STORED} == GOOD_STORED
    assert db_state() == (before[0] + 3, before[1] + 3)
    assert SESSION_KEY not in client.session
    assert pending_files(import_dir) == []

    # The same file again: every number is already there.
    again = client.post(url(), {"file": xlsx_upload(GOOD_ROWS, "opening.xlsx")})
    assert [str(p) for p in again.context["plan"].problems] == [
        zh_line(row, "单据号", ALREADY) for row in (2, 3, 4)
    ]
    assert db_state() == (before[0] + 3, before[1] + 3)


def test_admin_may_import(client, org, buyers, import_dir):
    client.force_login(org["admin"])
    assert client.post(url(), {"file": xlsx_upload(GOOD_ROWS)}).status_code == 200
    response = client.post(url(), {"confirm": "1"})
    assert response.status_code == 302
    assert Receivable.objects.filter(source="opening").count() == 3


def test_confirm_without_a_pending_upload_writes_nothing(client, org, import_dir):
    client.force_login(org["finance1"])
    response = client.post(url(), {"confirm": "1"})
    assert response.status_code == 302
    assert response["Location"] == url()
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "上传的文件已失效，请重新上传。"
    ]
    assert Receivable.objects.count() == 0


def test_confirm_checks_again_and_writes_nothing_if_a_number_was_taken(
    client, org, buyers, import_dir
):
    client.force_login(org["finance1"])
    client.post(url(), {"file": xlsx_upload(GOOD_ROWS)})
    # Meanwhile the same opening balance arrives another way (the command, a second tab).
    receivable_create(
        actor=org["admin"],
        customer=buyers["fuzhou"],
        number="QC-2025-002",
        issue_date=date(2025, 6, 30),
        due_date=date(2025, 12, 31),
        amount=Decimal("58000.25"),
        source="opening",
    )
    before = db_state()

    response = client.post(url(), {"confirm": "1"})

    assert response.status_code == 200
    assert [str(p) for p in response.context["plan"].problems] == [zh_line(3, "单据号", ALREADY)]
    assert 'name="confirm"' not in response.content.decode()
    assert db_state() == before
    assert SESSION_KEY not in client.session
    assert pending_files(import_dir) == []


def test_a_write_failing_at_confirm_time_is_reported_and_nothing_is_written(
    client, org, buyers, import_dir, monkeypatch
):
    def fail(**kwargs):
        raise ValidationError({"number": ["具有 单据号 的 应收账款 已存在。"]})

    client.force_login(org["finance1"])
    client.post(url(), {"file": xlsx_upload(GOOD_ROWS)})
    monkeypatch.setattr("receivables.views.imports.imports.opening_balance_import_apply", fail)

    response = client.post(url(), {"confirm": "1"})

    assert response["Location"] == url()
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "未导入任何数据：具有 单据号 的 应收账款 已存在。"
    ]
    assert Receivable.objects.count() == 0


def test_a_later_bad_upload_discards_the_file_waiting_for_confirmation(
    client, org, buyers, import_dir
):
    client.force_login(org["finance1"])
    client.post(url(), {"file": xlsx_upload(GOOD_ROWS)})
    assert len(pending_files(import_dir)) == 1
    bad = [CN_HEADERS, ["nobody", "Z-1", "2025-01-01", "2025-01-02", 1]]
    assert client.post(url(), {"file": xlsx_upload(bad)}).status_code == 200
    assert pending_files(import_dir) == []

    response = client.post(url(), {"confirm": "1"})

    assert response["Location"] == url()
    assert Receivable.objects.count() == 0


def test_a_file_that_is_not_xlsx_is_refused_without_loading_it(client, org, import_dir, load_calls):
    client.force_login(org["finance1"])
    upload = bytes_upload("客户,单据号\n甲,Q-1\n".encode(), "opening.xlsx")

    response = client.post(url(), {"file": upload})

    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [
        "这不是 Excel .xlsx 文件（请另存为 .xlsx 后重试）。"
    ]
    assert response.context["plan"] is None
    assert load_calls == []
    assert pending_files(import_dir) == []


def test_an_oversized_upload_is_refused_without_loading_it(client, org, import_dir, load_calls):
    client.force_login(org["finance1"])
    upload = bytes_upload(b"PK\x03\x04" + b"\0" * (6 * 1024 * 1024), "opening.xlsx")
    response = client.post(url(), {"file": upload})
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == ["文件大小为 6.0 MB，上限为 5 MB。"]
    assert load_calls == []
    assert pending_files(import_dir) == []
    assert Receivable.objects.count() == 0


def test_posting_without_a_file_says_it_is_required(client, org, import_dir):
    client.force_login(org["finance1"])
    response = client.post(url(), {})
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == ["这个字段是必填项。"]
