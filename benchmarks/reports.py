"""Report benchmarks (issue 12): the aging report's page (finance, a manager, a rep) and its
long PDF as the background build renders it, in pages per second. Figures: the buckets' totals
and the number of customers owing, against the hand-written aging SQL of
benchmarks/receivables.py (balances straight from the ledger)."""

from __future__ import annotations

import time
from urllib.parse import urlencode

from django.urls import reverse

from benchmarks.book import fetch_one
from benchmarks.harness import Case, Target, operation
from benchmarks.receivables import BUCKETS, ZERO, aging_rows_ledger


def _sql_figures(rows) -> tuple:
    totals = tuple(sum((row[1 + i] for row in rows), ZERO) for i in range(len(BUCKETS)))
    return (*totals, len(rows))


def _report_figures(context) -> tuple:
    totals = context["totals"]
    return (*(getattr(totals, bucket) for bucket in BUCKETS), context["customer_count"])


class AgingReportPage(Case):
    """GET /reports/aging/?period=custom&start=<month start>&end=<the book's day> as `user`:
    balances as of the book's day (the page reads min(today, period end))."""

    def __init__(self, book, *, user):
        self.book, self.user = book, user
        start = book.today.replace(day=1).isoformat()
        query = urlencode({"period": "custom", "start": start, "end": book.today.isoformat()})
        self.url = reverse("report_page", args=["aging"]) + "?" + query

    def setup(self) -> None:
        count = fetch_one(
            "SELECT count(*) FROM receivables_receivable WHERE issue_date <= %s", [self.book.today]
        )[0]
        self.scale = f"{count:,} issued, {self.user.role}"

    def run(self):
        return self.book.get(self.user, self.url)

    def figures(self, response):
        # The body is rendered from the build's context; the test client keeps it.
        return _report_figures(response.context)

    def sql(self):
        return aging_rows_ledger(user=self.user, day=self.book.today, group_by="customer")

    def sql_figures(self, rows):
        return _sql_figures(rows)


class AgingReportPdf(Case):
    """The aging report's PDF of a manager's teams for this month, every customer owing listed:
    the build and the render the background task runs (report_build_execute's steps, without
    the file and the notification). Pages per second = pages / median seconds."""

    max_runs = 3

    def __init__(self, book, *, user):
        self.book, self.user = book, user

    def setup(self) -> None:
        from reports.catalog import REPORTS
        from reports.forms import parse_report_query

        self.report = REPORTS["aging"]
        parsed = parse_report_query(
            {"period": "month", "date": self.book.today.isoformat()},
            report=self.report,
            user=self.user,
            today=self.book.today,
        )
        self.request = parsed.request
        self.scale = f"{self.user.role} {self.user.username}"

    def run(self):
        from reports.pdfs import report_pdf_render_pages

        started = time.perf_counter()
        context = self.report.build(self.request)
        content, self.pages = report_pdf_render_pages(self.report, self.request, context)
        self.seconds = time.perf_counter() - started
        self.scale = (
            f"{self.user.role} {self.user.username}: {context['customer_count']:,} customers, "
            f"{self.pages} pages, {self.pages / self.seconds:.1f} p/s"
        )
        return context, content

    def figures(self, result):
        context, content = result
        if not content.startswith(b"%PDF-"):
            raise AssertionError("not a PDF")
        return _report_figures(context)

    def sql(self):
        return aging_rows_ledger(user=self.user, day=self.book.today, group_by="customer")

    def sql_figures(self, rows):
        return _sql_figures(rows)


@operation(name="reports.aging_finance", target=Target(p95_ms=300, max_queries=14))
def reports_aging_finance(book):
    return AgingReportPage(book, user=book.finance)


@operation(name="reports.aging_manager", target=Target(p95_ms=300, max_queries=14))
def reports_aging_manager(book):
    return AgingReportPage(book, user=book.manager)


@operation(name="reports.aging_rep", target=Target(p95_ms=300, max_queries=14))
def reports_aging_rep(book):
    return AgingReportPage(book, user=book.rep)


@operation(name="reports.aging_pdf", target=Target(min_pages_per_s=3))
def reports_aging_pdf(book):
    return AgingReportPdf(book, user=book.manager)
