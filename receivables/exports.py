"""Excel exports of the aging report and the collection list: the rows each sheet holds, built
from the same selector results the pages show. Headers are in Chinese, as finance files them."""

from datetime import date

from receivables.selectors.aging import Aging
from receivables.selectors.collections import CollectionItem
from salesops.core.excel import build_workbook

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


def aging_workbook(report: Aging) -> tuple[bytes, str]:
    """The aging report as an .xlsx file (every group, not only the page's, then the totals)
    and its name."""
    as_of, group_by = report.as_of, report.group_by
    rows = [
        [row.name, row.owner, row.not_due, row.b1, row.b2, row.b3, row.b4, row.total]
        for row in report.all_rows()
    ]
    totals = report.totals
    rows.append(
        ["合计", "", totals.not_due, totals.b1, totals.b2, totals.b3, totals.b4, totals.total]
    )
    content = build_workbook(
        title=f"账龄 {as_of}",
        headers=AGING_HEADERS,
        rows=rows,
        widths=[32, 12, 14, 14, 14, 14, 14, 16],
    )
    return content, f"aging-{group_by}-{as_of}.xlsx"


def collections_workbook(*, as_of: date, items: list[CollectionItem]) -> tuple[bytes, str]:
    """The collection list as an .xlsx file and its name."""
    rows = [
        [
            i.receivable.customer.name,
            str(i.receivable.customer.owner or ""),
            i.contact_name,
            i.contact_phone,
            i.receivable.number,
            i.receivable.due_date,
            i.days_overdue,
            i.balance,
            i.level,
            i.last_followup,  # date cells, the datetime in Shanghai time (build_workbook)
            i.promised_date,
        ]
        for i in items
    ]
    content = build_workbook(
        title=f"催收清单 {as_of}",
        headers=COLLECTION_HEADERS,
        rows=rows,
        widths=[30, 10, 10, 16, 18, 12, 10, 14, 16, 17, 12],
    )
    return content, f"collections-{as_of}.xlsx"
