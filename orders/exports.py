"""Excel export of the order list: the rows of the list's filters, streamed (Chinese headers)."""

from collections.abc import Iterator
from datetime import date

from django.db.models import QuerySet

from orders.models import Order
from salesops.core.excel import Sheet

HEADERS = [
    "订单号",
    "客户",
    "负责人",
    "状态",
    "预警",
    "下单日期",
    "交货日期",
    "实际交付",
    "不含税金额",
    "税额",
    "含税金额",
    "已开票",
]
WIDTHS = [20, 30, 12, 10, 16, 12, 12, 12, 14, 12, 14, 14]


def orders_sheet(orders: QuerySet[Order], *, today: date) -> Sheet:
    """The orders as a streamed sheet, read from one cursor in chunks."""
    status = dict(Order.Status.choices)
    alert = dict(Order.Alert.choices)

    def rows() -> Iterator[list]:
        for o in orders.select_related("customer", "owner").iterator(chunk_size=2000):
            yield [
                o.number,
                o.customer.name,
                str(o.owner),
                str(status[o.status]),
                str(alert[o.alert]) if o.alert else "",
                o.order_date,
                o.delivery_date,
                o.delivered_on,
                o.total_net,
                o.total_tax,
                o.total,
                o.invoiced,
            ]

    return Sheet(
        filename=f"orders-{today}.xlsx",
        title=f"订单 {today}",
        headers=HEADERS,
        rows=rows(),
        widths=WIDTHS,
    )
