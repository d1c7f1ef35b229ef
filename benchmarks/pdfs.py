"""Customer statement PDF benchmarks, about 10 and 100 pages: the busiest customer's statement
over a period ending today whose start is chosen (from two short probe renders) to fill that
many pages. Figures: opening, debit, credit, closing and the number of lines, against SQL from
the statement's definition (docs/receivables.md, receivables/selectors/statements.py)."""

from __future__ import annotations

import re
import zlib
from urllib.parse import urlencode

from django.urls import reverse

from benchmarks.book import fetch, fetch_one
from benchmarks.harness import Case, Target, operation

PAGE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")
STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.DOTALL)
PROBES = (40, 120)  # lines in the two probe statements
PROBED: dict[str, int] = {}  # probe URL -> pages, for this process


def page_count(content: bytes) -> int:
    """Page objects in the file, also inside compressed object streams (WeasyPrint writes
    them there)."""
    count = len(PAGE.findall(content))
    for stream in STREAM.findall(content):
        try:
            count += len(PAGE.findall(zlib.decompress(stream)))
        except zlib.error:
            continue
    return count


# Every statement line's date, newest first: receivables issued (debits), payments with money
# applied to the customer's receivables (one line each) and write-offs (credits).
ENTRY_DATES = """
    SELECT day FROM (
        SELECT r.issue_date AS day FROM receivables_receivable r
        WHERE r.customer_id = %(customer)s AND r.issue_date <= %(end)s
        UNION ALL
        SELECT p.date FROM receivables_payment p
        WHERE p.voided_at IS NULL AND p.date <= %(end)s AND EXISTS (
            SELECT 1 FROM receivables_allocation a
            JOIN receivables_receivable r ON r.id = a.receivable_id
            WHERE a.payment_id = p.id AND a.reversed_at IS NULL AND r.customer_id = %(customer)s)
        UNION ALL
        SELECT w.date FROM receivables_writeoff w
        JOIN receivables_receivable r ON r.id = w.receivable_id
        WHERE r.customer_id = %(customer)s AND w.date <= %(end)s
    ) e ORDER BY day DESC
"""


class StatementPdf(Case):
    """GET /receivables/customers/<id>/statement.pdf?start=&end= as finance."""

    max_runs = 5
    # The smoke test (tests/reports/test_bench_smoke.py) caps the pages: it proves the figures,
    # not the speed, and a 100-page render is a minute of a CI run.
    page_cap: int | None = None
    # The statement of the customer with the most receivables (its penalty table alone is
    # about 8 pages); the smoke test takes the one with the fewest.
    busiest: bool = True

    def __init__(self, book, *, pages: int):
        self.book, self.wanted = book, min(pages, self.page_cap or pages)

    def _url(self, start) -> str:
        return (
            reverse("customer_statement_pdf", args=[self.customer])
            + "?"
            + urlencode({"start": start, "end": self.book.today})
        )

    def _start_for(self, lines: int):
        index = min(lines, len(self.dates)) - 1
        return self.dates[index]

    def setup(self) -> None:
        (self.customer,) = fetch_one(
            "SELECT customer_id FROM receivables_receivable GROUP BY customer_id "
            f"ORDER BY count(*) {'DESC' if self.busiest else 'ASC'}, customer_id LIMIT 1"
        )
        self.dates = [d for (d,) in fetch(ENTRY_DATES, self._params())]
        # pages ≈ fixed + lines × per_line (the penalty table does not depend on the period)
        probes = []
        for lines in PROBES:
            url = self._url(self._start_for(lines))
            if url not in PROBED:  # both operations (and equal starts) share a probe
                PROBED[url] = page_count(self.book.get(self.book.finance, url).content)
            probes.append((min(lines, len(self.dates)), PROBED[url]))
        (l1, p1), (l2, p2) = probes
        per_line = (p2 - p1) / (l2 - l1) if l2 > l1 and p2 > p1 else p2 / max(l2, 1)
        fixed = p1 - per_line * l1
        lines = round((self.wanted - fixed) / per_line) if per_line else len(self.dates)
        self.start = self._start_for(max(lines, 1))
        self.url = self._url(self.start)
        self.scale = f"customer {self.customer}, {self.start}..{self.book.today}"

    def _params(self) -> dict:
        return {"customer": self.customer, "end": self.book.today}

    def run(self):
        response = self.book.get(self.book.finance, self.url)
        self.pages = page_count(response.content)
        return response

    def figures(self, response):
        s = response.context["statement"]
        return (s.opening_balance, s.total_debit, s.total_credit, s.closing_balance, len(s.lines))

    def sql(self):
        params = {**self._params(), "start": self.start}
        owed = fetch_one(
            "SELECT COALESCE(SUM(amount - opening_paid) FILTER (WHERE issue_date < %(start)s), 0), "
            "COALESCE(SUM(amount - opening_paid) FILTER (WHERE issue_date >= %(start)s), 0), "
            "count(*) FILTER (WHERE issue_date >= %(start)s) "
            "FROM receivables_receivable WHERE customer_id = %(customer)s "
            "AND issue_date <= %(end)s",
            params,
        )
        paid = fetch_one(
            "SELECT COALESCE(SUM(a.amount) FILTER (WHERE p.date < %(start)s), 0), "
            "COALESCE(SUM(a.amount) FILTER (WHERE p.date >= %(start)s), 0), "
            "count(DISTINCT p.id) FILTER (WHERE p.date >= %(start)s) "
            "FROM receivables_allocation a JOIN receivables_payment p ON p.id = a.payment_id "
            "JOIN receivables_receivable r ON r.id = a.receivable_id "
            "WHERE r.customer_id = %(customer)s AND a.reversed_at IS NULL "
            "AND p.voided_at IS NULL AND p.date <= %(end)s",
            params,
        )
        written = fetch_one(
            "SELECT COALESCE(SUM(w.amount) FILTER (WHERE w.date < %(start)s), 0), "
            "COALESCE(SUM(w.amount) FILTER (WHERE w.date >= %(start)s), 0), "
            "count(*) FILTER (WHERE w.date >= %(start)s) "
            "FROM receivables_writeoff w JOIN receivables_receivable r ON r.id = w.receivable_id "
            "WHERE r.customer_id = %(customer)s AND w.date <= %(end)s",
            params,
        )
        return owed, paid, written

    def sql_figures(self, rows):
        (owed_before, debit, issued), (paid_before, paid, payments), (off_before, off, offs) = rows
        opening = owed_before - paid_before - off_before
        credit = paid + off
        return (opening, debit, credit, opening + debit - credit, issued + payments + offs)


@operation(name="pdfs.statement_10", target=Target(min_pages_per_s=3))
def pdfs_statement_10(book):
    return StatementPdf(book, pages=10)


@operation(
    name="pdfs.statement_100",
    target=Target(min_pages_per_s=3, time_vs=("pdfs.statement_10", 12)),
)
def pdfs_statement_100(book):
    return StatementPdf(book, pages=100)
