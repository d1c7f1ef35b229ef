"""Hostile and large Excel files: every one is refused with one clear message, fast and in
bounded memory, by both import pages and both import commands, and nothing is written.

The time and memory bounds are safety limits, not benchmarks: each file is refused in
milliseconds where the old reader took seconds or gigabytes, so the margins are wide.
"""

import functools
import time
import tracemalloc
import zipfile
from collections.abc import Callable
from datetime import datetime
from io import BytesIO

import pytest
from django.core.management import CommandError
from django.urls import reverse
from openpyxl import Workbook

from customers.models import Customer
from receivables.models import Receivable
from salesops.core import xlsx_reader
from salesops.core.excel import ExcelRefusedError, open_worksheet
from tests.customers import xlsx_helpers
from tests.customers.xlsx_helpers import bytes_upload, raw_xlsx, sheet_xml
from tests.import_helpers import manage_process, run_in_process

pytestmark = pytest.mark.django_db

EXCEL_DATE = datetime(2025, 9, 1)  # noqa: DTZ001 - Excel dates carry no time zone
MAX_SECONDS = 2.0
MAX_EXTRA_BYTES = 200 * 1024 * 1024

CUSTOMER_HEADER = ("企业全称", "负责人")
BALANCE_HEADER = ("客户", "单据号", "开票日期", "到期日", "金额")

DTD = (
    "工作簿含有文档类型声明（DTD），Excel 从不写入此类内容；为安全起见拒绝导入。"
    "请用 Excel 重新保存文件。"
)
DAMAGED_ROW_3 = "工作表已损坏，无法读取（约第 3 行）。请用 Excel 重新保存后重试。"
SHARED_FORMULA = "第 2 行含有缺少引用范围的共享公式。请用 Excel 重新保存后重试。"
TOO_MANY = "工作表超过 20000 行；请拆分文件后分别导入。"
DAMAGED_FILE = "文件已损坏或不是 .xlsx 工作簿。"

HOSTILE = {
    "entity-bomb": ("entity_bomb_xlsx", DTD),
    "2gb-entity-behind-40mb-of-whitespace": ("padded_entity_xlsx", DTD),
    "external-entity": ("external_entity_xlsx", DTD),
    "cut-off-mid-row": ("truncated_xlsx", DAMAGED_ROW_3),
    "shared-formula-without-range": ("shared_formula_without_ref_xlsx", SHARED_FORMULA),
    "500000-rows": ("many_rows_xlsx", TOO_MANY),
    "member-larger-than-declared": ("understated_size_xlsx", DAMAGED_FILE),
}


@functools.cache
def hostile(builder: str, header: tuple[str, ...]) -> bytes:
    """Built once per run: the padded entity takes a few seconds to compress."""
    return getattr(xlsx_helpers, builder)(columns=header)


def bounded(call: Callable[[], object]):
    """call() run twice: timed, then under tracemalloc for its peak allocation. Returns the
    first run's result; fails when either bound is crossed. The time is this process's CPU
    time, not the wall clock: the bound is about the work done (a reader that loops on a hostile
    file), which other processes sharing the machine (xdist workers, CI) must not change."""
    started = time.process_time()
    result = call()
    elapsed = time.process_time() - started
    tracemalloc.start()
    try:
        call()
        _size, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert elapsed < MAX_SECONDS, f"took {elapsed:.2f} s of CPU"
    assert peak < MAX_EXTRA_BYTES, f"peak {peak / 1048576:.0f} MB"
    return result


def written() -> tuple[int, int, int]:
    return Customer.objects.count(), Customer.history.count(), Receivable.objects.count()


# --- The pages ------------------------------------------------------------------------------------


@pytest.fixture
def pages(client, org, monkeypatch, tmp_path):
    monkeypatch.setattr("customers.views.imports.IMPORT_DIR", tmp_path / "customers")
    monkeypatch.setattr("receivables.views.imports.IMPORT_DIR", tmp_path / "balances")

    def post(user: str, url_name: str, content: bytes):
        return client.post(reverse(url_name), {"file": bytes_upload(content)})

    def warm_up(user: str, url_name: str):
        """The first request of a process loads views and templates: not the file's cost."""
        client.force_login(org[user])
        assert client.get(reverse(url_name)).status_code == 200

    post.warm_up = warm_up
    return post


@pytest.mark.parametrize(("builder", "message"), HOSTILE.values(), ids=HOSTILE.keys())
@pytest.mark.parametrize(
    ("user", "url_name", "header", "folder"),
    [
        ("manager1", "customer_import", CUSTOMER_HEADER, "customers"),
        ("finance1", "opening_balance_import", BALANCE_HEADER, "balances"),
    ],
    ids=["customer-page", "opening-balance-page"],
)
def test_a_hostile_upload_gets_the_form_back_with_one_message(
    pages, tmp_path, builder, message, user, url_name, header, folder
):
    content = hostile(builder, header)
    pages.warm_up(user, url_name)
    before = written()
    response = bounded(lambda: pages(user, url_name, content))
    assert response.status_code == 200
    assert response.context["form"].errors == {"file": [message]}
    assert response.context["plan"] is None
    assert written() == before
    assert not (tmp_path / folder).exists() or not list((tmp_path / folder).iterdir())


# --- The commands ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("builder", "message"), HOSTILE.values(), ids=HOSTILE.keys())
@pytest.mark.parametrize(
    ("command", "user", "header"),
    [
        ("import_customers", "admin", CUSTOMER_HEADER),
        ("import_opening_balances", "finance1", BALANCE_HEADER),
    ],
    ids=["import_customers", "import_opening_balances"],
)
def test_a_hostile_file_stops_the_command_with_one_line(
    org, tmp_path, builder, message, command, user, header
):
    path = tmp_path / "hostile.xlsx"
    path.write_bytes(hostile(builder, header))
    before = written()

    def run():
        with pytest.raises(CommandError) as refused:
            run_in_process(command, path, "--as", user)
        return str(refused.value)

    assert bounded(run) == f"{path}: {message}"
    assert written() == before


def test_a_hostile_file_in_a_real_process_exits_1_without_a_traceback(tmp_path):
    manage = manage_process(
        tmp_path,
        "from salesops.accounts.models import User;"
        "User.objects.create_superuser('boss', 'boss@example.com', 'x')",
    )
    for builder, message in (("entity_bomb_xlsx", DTD), ("truncated_xlsx", DAMAGED_ROW_3)):
        path = tmp_path / f"{builder}.xlsx"
        path.write_bytes(hostile(builder, CUSTOMER_HEADER))
        done = manage("import_customers", str(path), "--as", "boss")
        assert done.returncode == 1
        assert done.stderr == f"CommandError: {path}: {message}\n"
        assert done.stdout == ""


# --- The reader's own bounds ----------------------------------------------------------------------


def test_a_part_unpacking_past_the_part_limit_is_refused(english, monkeypatch):
    monkeypatch.setattr(xlsx_reader, "MAX_PART_BYTES", 1024 * 1024)
    strings = (
        '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
        'spreadsheetml/2006/main"><si><t>' + "x" * (2 * 1024 * 1024) + "</t></si></sst>"
    )
    content = raw_xlsx(sheet_xml(), extra={"xl/sharedStrings.xml": strings})
    with pytest.raises(ExcelRefusedError) as refused:
        open_worksheet(BytesIO(content))
    assert str(refused.value) == "A part of the workbook unpacks to more than 1 MB."


def test_a_row_with_more_cells_than_excel_allows_is_refused(english):
    cells = "<c><v>1</v></c>" * (xlsx_reader.MAX_CELLS_PER_ROW + 1)
    sheet = open_worksheet(BytesIO(raw_xlsx(sheet_xml(rows_xml=f'<row r="1">{cells}</row>'))))
    with pytest.raises(xlsx_reader.SheetReadError) as refused:
        list(sheet.rows(max_col=60, max_row=20001))
    assert str(refused.value) == (
        "The sheet is damaged and could not be read (near row 1). Save it again from Excel and "
        "retry."
    )


def test_rows_that_go_back_are_refused(english):
    rows = '<row r="3"><c r="A3"><v>1</v></c></row><row r="2"><c r="A2"><v>2</v></c></row>'
    sheet = open_worksheet(BytesIO(raw_xlsx(sheet_xml(rows_xml=rows))))
    with pytest.raises(xlsx_reader.SheetReadError) as refused:
        list(sheet.rows(max_col=60, max_row=20001))
    assert "near row 4" in str(refused.value)


def test_a_sheet_head_padded_with_elements_is_refused(english):
    padding = "<sheetPr/>" * (xlsx_reader.HEAD_ELEMENTS + 1)
    with pytest.raises(ExcelRefusedError) as refused:
        open_worksheet(BytesIO(raw_xlsx(sheet_xml(head=padding))))
    assert str(refused.value) == (
        "The sheet is damaged and could not be read (near row 1). Save it again from Excel and "
        "retry."
    )


def test_values_read_as_openpyxl_reads_them(english):
    """Numbers stay int or float, booleans, text from shared and inline strings, dates from
    date-formatted numbers and ISO cells, formulas flagged."""
    workbook = Workbook()
    ws = workbook.active
    ws.append(["文本", 30, 2.5, True, EXCEL_DATE, "=A1", None, "  空格  "])
    buffer = BytesIO()
    workbook.save(buffer)
    sheet = open_worksheet(buffer)
    [cells] = list(sheet.iter_rows(max_col=60))
    assert [(cell.value, cell.data_type) if cell else None for cell in cells] == [
        ("文本", "s"),
        (30, "n"),
        (2.5, "n"),
        (True, "b"),
        (EXCEL_DATE, "d"),
        ("=A1", "f"),
        None,
        ("  空格  ", "s"),
    ]


def test_inline_rich_text_reads_as_openpyxl_content_without_phonetic_runs(english):
    rich = (
        '<row r="1"><c r="A1" t="inlineStr"><is><r><t>福州</t></r><r><rPr><b/></rPr>'
        '<t xml:space="preserve">闽江 </t></r><rPh sb="0" eb="2"><t>フク</t></rPh></is></c></row>'
    )
    sheet = open_worksheet(BytesIO(raw_xlsx(sheet_xml(rows_xml=rich))))
    [[cell]] = list(sheet.iter_rows(max_col=60))
    assert (cell.value, cell.data_type) == ("福州闽江 ", "s")


def test_a_row_number_of_thousands_of_digits_is_a_damaged_sheet_not_a_crash(english):
    rows = (
        '<row r="1"><c r="A1"><v>1</v></c></row><row r="' + "1" * 5000 + '"><c><v>2</v></c></row>'
    )
    sheet = open_worksheet(BytesIO(raw_xlsx(sheet_xml(rows_xml=rows))))
    with pytest.raises(xlsx_reader.SheetReadError) as refused:
        list(sheet.rows(max_col=60, max_row=20001))
    assert "near row 2" in str(refused.value)


def test_a_cell_stuffed_with_elements_is_refused_within_the_bounds(english):
    stuffed = '<row r="1"><c r="A1"><v>1</v>' + "<x/>" * 1_000_000 + "</c></row>"
    sheet = open_worksheet(BytesIO(raw_xlsx(sheet_xml(rows_xml=stuffed))))

    def read():
        with pytest.raises(xlsx_reader.SheetReadError) as refused:
            list(sheet.rows(max_col=60, max_row=20001))
        return str(refused.value)

    assert bounded(read) == (
        "The sheet is damaged and could not be read (near row 1). Save it again from Excel and "
        "retry."
    )


def test_shared_strings_are_read_with_rich_text_and_counted(english, monkeypatch):
    strings = (
        '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
        'spreadsheetml/2006/main">'
        + "<si><t>a</t></si>" * 200_000
        + "<si><r><t>富</t></r><r><t>文本</t></r><rPh><t>fu</t></rPh></si></sst>"
    )
    archive = zipfile.ZipFile(BytesIO(raw_xlsx(sheet_xml(), extra={"xl/ss.xml": strings})))
    read = xlsx_reader.read_shared_strings(archive, "xl/ss.xml")
    assert (len(read), read[0], read[-1]) == (200_001, "a", "富文本")
    monkeypatch.setattr(xlsx_reader, "MAX_SHARED_STRINGS", 1000)
    with pytest.raises(xlsx_reader.SheetReadError) as refused:
        xlsx_reader.read_shared_strings(archive, "xl/ss.xml")
    assert str(refused.value) == (
        "The workbook holds more than 1000 distinct texts; split the file and import the parts "
        "one by one."
    )
