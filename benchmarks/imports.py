"""The customer import at half its size limit (formerly benchmarks/test_bench_imports.py): a
realistic 10,000-row file (every column filled, a credit code on every other row; 300 rows on
a book of fewer than 10,000 customers, as in the smoke test), previewed
and applied as the team's manager, the apply rolled back after each run. Figures: rows to
create and to update, against the names the file shares with the database counted in SQL."""

from __future__ import annotations

import contextlib
from io import BytesIO

from django.db import transaction

from benchmarks.book import fetch_one
from benchmarks.harness import Case, Target, operation
from customers.imports import customer_import_apply, customer_import_plan
from salesops.core.excel import open_worksheet

ROWS = 10_000
SMALL_BOOK = 10_000  # customers: below this (the smoke test's book) the file has SMALL_ROWS
SMALL_ROWS = 300


class CustomerImport(Case):
    max_runs = 3

    def __init__(self, book, *, apply: bool):
        self.book, self.apply = book, apply

    def setup(self) -> None:
        from tests.customers.xlsx_helpers import customer_rows, xlsx_bytes

        owners = [self.book.rep.username]
        (customers,) = fetch_one("SELECT count(*) FROM customers_customer")
        self.size = ROWS if customers >= SMALL_BOOK else SMALL_ROWS
        self.rows = customer_rows(self.size, owners, regions=self._regions())
        self.names = [row[0] for row in self.rows[1:]]
        self.content = xlsx_bytes(self.rows)
        self.scale = f"{self.size:,} rows"
        self.plan = self._plan() if self.apply else None

    def _regions(self) -> tuple[str, ...]:
        row = fetch_one("SELECT name FROM core_region ORDER BY id LIMIT 1")
        return (row[0],) if row else ("华东",)

    def _plan(self):
        return customer_import_plan(
            actor=self.book.manager, worksheet=open_worksheet(BytesIO(self.content))
        )

    @contextlib.contextmanager
    def around(self):
        if not self.apply:
            yield
            return
        with transaction.atomic():
            yield
            transaction.set_rollback(True)

    def run(self):
        if self.apply:
            return customer_import_apply(actor=self.book.manager, plan=self.plan)
        return self._plan()

    def figures(self, result):
        if self.apply:
            return tuple(result)
        if not result.ok:
            return ("problems", result.problems[:3])
        return (result.creates, result.updates)

    def sql(self):
        (existing,) = fetch_one(
            "SELECT count(*) FROM customers_customer WHERE name = ANY(%s)", [self.names]
        )
        return existing

    def sql_figures(self, existing):
        return (self.size - existing, existing)


@operation(name="imports.customers_preview", target=Target(p95_ms=3000, max_queries=10))
def imports_preview(book):
    return CustomerImport(book, apply=False)


@operation(name="imports.customers_apply", target=Target(max_queries=60))
def imports_apply(book):
    return CustomerImport(book, apply=True)
