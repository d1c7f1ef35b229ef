"""Excel exports of the aging report and the collection list: the rows each sheet holds, built
from the same selector results the pages show. Headers are in Chinese, as finance files them.
Both are Sheets streamed row by row (salesops.core.excel.workbook_response)."""

from collections.abc import Iterable, Iterator
from datetime import date

from receivables.selectors.aging import Aging
from receivables.selectors.collections import CollectionRow
from salesops.core.excel import Sheet

AGING_HEADERS = ["分组", "负责人", "未到期", "1-30天", "31-60天", "61-90天", "90天以上", "合计"]
COLLECTION_HEADERS = [
    "客户",
    "负责人",
    "联系人",
    "电话",
    "单据号",
    "到期日",
    "逾期天数",
    "未收金额",
    "催收级别",
    "最近跟进",
    "承诺日期",
]


def aging_sheet(report: Aging) -> Sheet:
    """The aging report as a streamed sheet: every group (not only the page's) from one cursor,
    then the totals."""

    def rows() -> Iterator[list]:
        for row in report.all_rows():
            yield [row.name, row.owner, row.not_due, row.b1, row.b2, row.b3, row.b4, row.total]
        t = report.totals
        yield ["合计", "", t.not_due, t.b1, t.b2, t.b3, t.b4, t.total]

    return Sheet(
        filename=f"aging-{report.group_by}-{report.as_of}.xlsx",
        title=f"账龄 {report.as_of}",
        headers=AGING_HEADERS,
        rows=rows(),
        widths=[32, 12, 14, 14, 14, 14, 14, 16],
    )


COLLECTION_WIDTHS = [30, 10, 10, 16, 18, 12, 10, 14, 16, 17, 12]


def collection_cells(rows: Iterable[CollectionRow]) -> Iterator[list]:
    for r in rows:
        yield [
            r.customer_name,
            r.owner,
            r.contact_name,
            r.contact_phone,
            r.number,
            r.due_date,
            r.days_overdue,
            r.balance,
            r.level,
            r.last_followup,  # a date-time cell in Shanghai time (the sheet writer)
            r.promised_date,
        ]


def collections_sheet(*, as_of: date, rows: Iterable[CollectionRow]) -> Sheet:
    """The collection list as a streamed sheet: give it the selector's row iterator."""
    return Sheet(
        filename=f"collections-{as_of}.xlsx",
        title=f"催收清单 {as_of}",
        headers=COLLECTION_HEADERS,
        rows=collection_cells(rows),
        widths=COLLECTION_WIDTHS,
    )
