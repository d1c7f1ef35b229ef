"""List page benchmarks: page 1 and page 1000 (or the last page, on a smaller book) of the
customers, the pool, the due follow-ups, the deals, the open receivables and the payments, as an
admin; each against a hand-written count and page query in the list's own order."""

from __future__ import annotations

import math
from urllib.parse import urlencode

from django.urls import reverse

from benchmarks.book import fetch, fetch_one
from benchmarks.harness import Case, Target, operation
from customers.rules.cadence import week_end


class ListPage(Case):
    """GET `url_name`?page=N: the row count and the ids on the page (when the order is total;
    otherwise how many rows the page holds)."""

    def __init__(self, book, *, url_name, per_page, table, where="TRUE", order="", page=1):
        self.book, self.url_name, self.per_page = book, url_name, per_page
        self.table, self.where, self.order, self.wanted = table, where, order, page

    def setup(self) -> None:
        (self.count,) = fetch_one(f"SELECT count(*) FROM {self.table} WHERE {self.where}")
        pages = max(math.ceil(self.count / self.per_page), 1)
        self.page = min(self.wanted, pages)  # the paginator shows the last page past the end
        self.url = reverse(self.url_name) + "?" + urlencode({"page": self.page})
        self.scale = f"{self.count:,} rows, page {self.page:,} of {pages:,}"

    def run(self):
        return self.book.get(self.book.admin, self.url)

    def figures(self, response):
        page = response.context["page_obj"]
        rows = [obj.pk for obj in page] if self.order else len(page.object_list)
        return (page.paginator.count, rows)

    def sql(self):
        (count,) = fetch_one(f"SELECT count(*) FROM {self.table} WHERE {self.where}")
        offset = (self.page - 1) * self.per_page
        order = self.order or "x.id"
        ids = fetch(
            f"SELECT x.id FROM {self.table} WHERE {self.where} ORDER BY {order} "
            f"LIMIT {self.per_page} OFFSET {offset}"
        )
        return count, [i for (i,) in ids] if self.order else len(ids)

    def sql_figures(self, rows):
        return rows


LISTS = {
    # name: (url name, per page, table, where, total order or "" when ties are possible)
    "customers": (
        "customer_list", 25, "customers_customer x", "TRUE",
        "x.next_followup_due ASC NULLS LAST, x.name, x.id",
    ),
    "pool": ("customer_pool", 25, "customers_customer x", "x.owner_id IS NULL", ""),
    # Open deals (the list's default status), highest level first.
    "opportunities": (
        "opportunity_list", 25,
        "opportunities_opportunity x JOIN opportunities_funnelstage s ON s.id = x.stage_id",
        "x.status = 'open'", "s.level DESC, x.expected_close, x.id",
    ),
    "receivables": (
        "receivable_list", 30, "receivables_receivable x",
        "x.amount > x.allocated + x.written_off", "x.due_date, x.id",
    ),
    "payments": ("payment_list", 30, "receivables_payment x", "TRUE", "x.date DESC, x.id DESC"),
}  # fmt: skip

for _name, (_url, _per, _table, _where, _order) in LISTS.items():

    @operation(name=f"lists.{_name}.p1", target=Target(p95_ms=200))
    def _first(book, args=(_url, _per, _table, _where, _order)):
        url, per, table, where, order = args
        return ListPage(
            book, url_name=url, per_page=per, table=table, where=where, order=order, page=1
        )

    @operation(
        name=f"lists.{_name}.p1000",
        target=Target(p95_ms=200, time_vs=(f"lists.{_name}.p1", 2)),
    )
    def _thousandth(book, args=(_url, _per, _table, _where, _order)):
        url, per, table, where, order = args
        return ListPage(
            book, url_name=url, per_page=per, table=table, where=where, order=order, page=1000
        )


class DueList(Case):
    """GET /followups/due/: the owned customers with a follow-up or a visit due by the end of
    the week (the page lists them all today; `page` is passed for when it paginates)."""

    def __init__(self, book, *, page: int):
        self.book, self.wanted = book, page

    def setup(self) -> None:
        self.end = week_end(self.book.today)
        query = {"as_of": self.book.today, "page": self.wanted}
        self.url = reverse("followup_due") + "?" + urlencode(query)
        self.scale = f"{self._count():,} due by {self.end}, page {self.wanted}"

    def _count(self) -> int:
        return fetch_one(
            "SELECT count(*) FROM customers_customer WHERE owner_id IS NOT NULL "
            "AND (next_followup_due <= %(end)s OR next_visit_due <= %(end)s)",
            {"end": self.end},
        )[0]

    def run(self):
        return self.book.get(self.book.admin, self.url)

    def figures(self, response):
        due = response.context["due"]
        return len(due.overdue) + len(due.today) + len(due.this_week)

    def sql(self):
        return self._count()

    def sql_figures(self, rows):
        return rows


@operation(name="lists.followups_due.p1", target=Target(p95_ms=200))
def followups_due_first(book):
    return DueList(book, page=1)


@operation(
    name="lists.followups_due.p1000",
    target=Target(p95_ms=200, time_vs=("lists.followups_due.p1", 2)),
)
def followups_due_thousandth(book):
    return DueList(book, page=1000)
