"""The shared workbook writer: dates and datetimes become real Excel date cells, datetimes in
Asia/Shanghai wall-clock time; text that looks like a date stays text."""

from datetime import UTC, date, datetime
from io import BytesIO

from django.utils import timezone
from openpyxl import Workbook, load_workbook

from salesops.core.excel import build_workbook, write_cell
from tests.customers.xlsx_helpers import excel_time


def saved(workbook: Workbook):
    buffer = BytesIO()
    workbook.save(buffer)
    return load_workbook(BytesIO(buffer.getvalue())).active


def cell_facts(cell):
    return (cell.value, cell.is_date, cell.number_format)


def test_a_date_is_a_date_cell_formatted_as_a_day():
    workbook = Workbook()
    write_cell(workbook.active, 1, 1, date(2026, 11, 20))
    cell = saved(workbook)["A1"]
    # openpyxl reads every date cell back as a datetime; midnight means no time part was written.
    assert cell_facts(cell) == (excel_time(2026, 11, 20, 0, 0), True, "yyyy-mm-dd")
    assert cell.value.date() == date(2026, 11, 20)


def test_an_aware_datetime_is_written_in_shanghai_time():
    workbook = Workbook()
    write_cell(workbook.active, 1, 1, datetime(2026, 11, 20, 18, 30, tzinfo=UTC))
    cell = saved(workbook)["A1"]
    assert cell_facts(cell) == (excel_time(2026, 11, 21, 2, 30), True, "yyyy-mm-dd hh:mm")


def test_shanghai_time_whatever_zone_the_request_activated():
    workbook = Workbook()
    with timezone.override("UTC"):
        write_cell(workbook.active, 1, 1, datetime(2026, 11, 20, 18, 30, tzinfo=UTC))
    assert saved(workbook)["A1"].value == excel_time(2026, 11, 21, 2, 30)


def test_a_naive_datetime_is_taken_as_shanghai_time():
    workbook = Workbook()
    write_cell(workbook.active, 1, 1, excel_time(2026, 11, 20, 18, 30))
    cell = saved(workbook)["A1"]
    assert cell_facts(cell) == (excel_time(2026, 11, 20, 18, 30), True, "yyyy-mm-dd hh:mm")


def test_a_date_string_stays_text():
    workbook = Workbook()
    write_cell(workbook.active, 1, 1, "催收清单 2026-11-20")
    write_cell(workbook.active, 1, 2, "2026-11-20")
    sheet = saved(workbook)
    assert [(c.value, c.data_type, c.is_date) for c in sheet[1]] == [
        ("催收清单 2026-11-20", "s", False),
        ("2026-11-20", "s", False),
    ]


def test_build_workbook_writes_date_columns_and_empty_dates():
    content = build_workbook(
        title="催收清单 2026-11-20",
        headers=["到期日", "最近跟进"],
        rows=[
            [date(2026, 11, 20), datetime(2026, 11, 20, 18, 30, tzinfo=UTC)],
            [None, None],
        ],
    )
    sheet = load_workbook(BytesIO(content)).active
    assert sheet.title == "催收清单 2026-11-20"
    assert [cell_facts(c) for c in sheet[2]] == [
        (excel_time(2026, 11, 20, 0, 0), True, "yyyy-mm-dd"),
        (excel_time(2026, 11, 21, 2, 30), True, "yyyy-mm-dd hh:mm"),
    ]
    assert [c.value for c in sheet[3]] == [None, None]
