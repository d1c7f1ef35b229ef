"""The customer list as an Excel workbook: its columns and one row per customer, streamed
(salesops.core.excel.workbook_response) from a database iterator."""

from collections.abc import Iterable

from customers.models import Customer
from customers.selectors import tier_labels
from salesops.core.excel import Sheet

# More rows than this and the page asks for narrower filters instead of building the file.
EXPORT_LIMIT = 20_000

EXPORT_HEADERS = [
    "企业全称",
    "统一社会信用代码",
    "客户等级",
    "RAD类型",
    "状态",
    "区域",
    "所属行业",
    "负责人",
    "法定代表人",
    "注册地址",
    "电话",
    "年度采购量",
    "信用等级",
    "信用额度",
    "账期天数",
    "最近跟进",
    "下次跟进",
]
# Date cells narrower than their text show "####" in Excel: the last two columns get room.
WIDTHS = [32, 22, 16, 8, 8, 8, 14, 10, 10, 30, 16, 14, 8, 14, 8, 17, 12]


def customer_rows(customers: Iterable[Customer]):
    tiers = tier_labels()
    return (
        [
            c.name,
            c.credit_code or "",
            tiers[c.tier],
            c.rad_type,
            c.get_status_display(),
            c.region.display_name if c.region else "",
            c.industry,
            c.owner.username if c.owner else "",
            c.legal_rep,
            c.address,
            c.phone,
            c.buying_power,
            c.credit_rating,
            c.credit_limit,
            c.payment_terms_days,
            c.last_followup_at,  # written in Shanghai time by build_workbook
            c.next_followup_due,
        ]
        for c in customers
    )


def customer_sheet(customers: Iterable[Customer], *, filename: str) -> Sheet:
    """The export's sheet: give it an iterator (`.iterator(chunk_size=...)`), not a list."""
    return Sheet(
        filename=filename,
        title="客户",
        headers=EXPORT_HEADERS,
        rows=customer_rows(customers),
        widths=WIDTHS,
    )
