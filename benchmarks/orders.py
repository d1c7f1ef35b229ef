"""Order benchmarks: the order list (page 1 and page 1000 as an admin; a manager's page 1 with
the on-time delivery rates of the quarter), and confirming a draft order with its credit check
for the customer with the most receivables, each against hand-written SQL."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from benchmarks.book import fetch, fetch_one, scope_sql
from benchmarks.harness import Case, Target, operation
from benchmarks.jobs import RolledBack
from benchmarks.lists import ListPage
from orders.models import Order
from orders.selectors.credit import order_credit_check
from orders.services.credit import order_confirm
from salesops.core.errors import ServiceError
from salesops.core.periods import period_range

ORDER = "x.order_date DESC, x.id DESC"


@operation(name="orders.list.p1", target=Target(p95_ms=200))
def orders_list_p1(book):
    return ListPage(
        book, url_name="order_list", per_page=25, table="orders_order x", order=ORDER, page=1
    )


@operation(name="orders.list.p1000", target=Target(p95_ms=300))
def orders_list_p1000(book):
    return ListPage(
        book, url_name="order_list", per_page=25, table="orders_order x", order=ORDER, page=1000
    )


class ManagerOrderList(Case):
    """GET /orders/ as the manager: the scoped count, page 1's ids and the quarter's on-time
    rows (delivered and on time per rep) the page shows above the list."""

    def __init__(self, book):
        self.book = book

    def setup(self) -> None:
        self.url = reverse("order_list") + "?" + urlencode({"page": 1})
        self.where, self.params = scope_sql(self.book.manager, "c.owner_id")
        (count,) = fetch_one(
            f"SELECT count(*) FROM orders_order x JOIN customers_customer c "
            f"ON c.id = x.customer_id WHERE {self.where}",
            self.params,
        )
        self.scale = f"{count:,} orders in the manager's scope"

    def run(self):
        return self.book.get(self.book.manager, self.url)

    def figures(self, response):
        page = response.context["page_obj"]
        rates = [(r.owner_id, r.delivered, r.on_time) for r in response.context["on_time"]]
        return (page.paginator.count, [o.pk for o in page], sorted(rates))

    def sql(self):
        # The page's default period: this quarter of the real today (the view's localdate).
        start, end = period_range("this_quarter", timezone.localdate())
        params = {**self.params, "start": start, "end": end}
        base = f"FROM orders_order x JOIN customers_customer c ON c.id = x.customer_id WHERE {self.where}"  # noqa: E501
        (count,) = fetch_one(f"SELECT count(*) {base}", params)
        ids = fetch(f"SELECT x.id {base} ORDER BY {ORDER} LIMIT 25", params)
        rates = fetch(
            f"SELECT x.owner_id, count(*), count(*) FILTER (WHERE x.delivered_on <= x.delivery_date) "  # noqa: E501
            f"{base} AND x.status IN ('delivered', 'accepted', 'closed') "
            "AND x.delivered_on BETWEEN %(start)s AND %(end)s GROUP BY x.owner_id",
            params,
        )
        return count, [i for (i,) in ids], sorted(rates)

    def sql_figures(self, rows):
        return rows


@operation(name="orders.list.manager", target=Target(p95_ms=300))
def orders_list_manager(book):
    return ManagerOrderList(book)


class Confirm(RolledBack):
    """order_confirm on a draft order of the customer with the most receivables (the widest
    exposure sum), as its owner, rolled back: the decision and the exposure the check saw,
    against the exposure summed by hand (open balances + committed orders not invoiced + the
    order) and the four rules."""

    rss = False
    max_runs = 10

    def setup(self) -> None:
        row = fetch_one(
            "SELECT o.id FROM orders_order o JOIN customers_customer c ON c.id = o.customer_id "
            "WHERE o.status = 'draft' AND c.owner_id IS NOT NULL AND EXISTS "
            "(SELECT 1 FROM orders_orderline l WHERE l.order_id = o.id) ORDER BY "
            "(SELECT count(*) FROM receivables_receivable r WHERE r.customer_id = o.customer_id) "
            "DESC, o.id LIMIT 1"
        )
        if row is None:
            self.skip = "no draft order with lines"
            return
        self.order = Order.objects.select_related("customer__owner").get(pk=row[0])
        (receivables,) = fetch_one(
            "SELECT count(*) FROM receivables_receivable WHERE customer_id = %s",
            [self.order.customer_id],
        )
        self.scale = f"order {self.order.number}, customer with {receivables:,} receivables"

    def run(self):
        order = Order.objects.get(pk=self.order.pk)
        try:
            confirmed = order_confirm(actor=self.order.customer.owner, order=order)
        except ServiceError as refusal:
            return False, str(refusal)
        return confirmed.status == Order.Status.CONFIRMED, ""

    def figures(self, result):
        # Untimed: the exposure the check reads, by the product's own selector.
        confirmed, _message = result
        order = Order.objects.select_related("customer").get(pk=self.order.pk)
        check = order_credit_check(order=order, customer=order.customer, as_of=timezone.localdate())
        return confirmed, check.figures.exposure

    def sql(self):
        c = self.order.customer_id
        (open_fen,) = fetch_one(
            "SELECT COALESCE(SUM(balance_fen), 0) FROM receivables_receivable "
            "WHERE customer_id = %s AND settled_on IS NULL",
            [c],
        )
        (uninvoiced,) = fetch_one(
            "SELECT COALESCE(SUM(total - invoiced), 0) FROM orders_order WHERE customer_id = %s "
            "AND id <> %s AND status IN "
            "('confirmed', 'production', 'shipped', 'delivered', 'accepted')",
            [c, self.order.pk],
        )
        hold, rating, limit, group = fetch_one(
            "SELECT credit_hold, credit_rating, credit_limit, group_id FROM customers_customer "
            "WHERE id = %s",
            [c],
        )
        total, prepayment, guarantee = fetch_one(
            "SELECT total, prepayment, guarantee FROM orders_order WHERE id = %s", [self.order.pk]
        )
        flagged = False
        if group is not None:
            (flagged,) = fetch_one(
                "SELECT EXISTS (SELECT 1 FROM receivables_receivable r JOIN customers_customer m "
                "ON m.id = r.customer_id WHERE m.group_id = %s AND r.settled_on IS NULL "
                "AND r.due_date < CURRENT_DATE)",
                [group],
            )
        exposure = Decimal(open_fen) / 100 + uninvoiced + total
        refused = (
            hold
            or (rating == "D" and not (prepayment > 0 or guarantee.strip()))
            or flagged
            or limit <= 0
            or exposure > limit
        )
        return not refused, exposure

    def sql_figures(self, rows):
        return rows


@operation(name="orders.confirm", target=Target(p95_ms=300))
def orders_confirm(book):
    return Confirm(book)
