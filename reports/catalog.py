"""The reports: each one's slug, title, the roles that may open it, its build function and body
template. One register(Report(...)) line per report, at the bottom; pages, PDFs and background
builds find a report here by its slug."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from reports.selectors.aging import aging_build, aging_pages
from reports.selectors.collection_plan import collection_plan_build
from reports.selectors.commission import COMMISSION_REPORT, commission_build
from reports.selectors.compliance import compliance_build
from reports.selectors.key_accounts import key_accounts_build
from reports.selectors.monthly import monthly_build
from reports.selectors.scope import ReportRequest
from reports.selectors.weekly import weekly_build
from salesops.accounts.roles import EVERYONE, MANAGERS, MONEY, Role

FILTERS = ("team", "rep", "region", "tier")
PERIOD_KINDS = ("week", "month", "quarter", "year", "custom")

# The page estimate: an A4 page of the PDF base holds about this many table rows; the header
# (title, period, filters) takes a few lines on the first page and a chart about half a page.
ROWS_PER_PAGE = 38
HEADER_ROWS = 6
CHART_ROWS = 19


def _count_rows(context: dict) -> tuple[int, int]:
    """(table rows, charts) in a report's context: the length of each list, tuple or lazy
    table (a value with `is_table_rows`), one level down into dicts too; an SVG string is a
    chart."""
    rows = charts = 0
    values = list(context.values())
    for value in list(values):
        if isinstance(value, dict):
            values.extend(value.values())
    for value in values:
        if isinstance(value, str):
            charts += value.lstrip().startswith("<svg")
        elif isinstance(value, list | tuple) or getattr(value, "is_table_rows", False):
            rows += len(value)
    return rows, charts


@dataclass(frozen=True)
class Report:
    slug: str  # URL: /reports/<slug>/ and /reports/<slug>/pdf/
    title: str  # lazy translated
    roles: frozenset  # salesops.accounts.roles groups
    build: Callable[[ReportRequest], dict]  # the figures, as the template context
    template: str  # body template, shared by page and PDF: "reports/<slug>_body.html"
    filters: tuple[str, ...] = FILTERS
    default_period: str = "month"
    # A report that knows its length better than the default estimate gives it here.
    estimate: Callable[[dict], int] | None = None

    def pages(self, context: dict) -> int:
        """How many PDF pages the context will fill, roughly: above
        settings.REPORT_PDF_INLINE_PAGES the PDF is built in the background."""
        if self.estimate is not None:
            return max(int(self.estimate(context)), 1)
        rows, charts = _count_rows(context)
        return max(math.ceil((HEADER_ROWS + rows + CHART_ROWS * charts) / ROWS_PER_PAGE), 1)

    def allows(self, role: Role | None) -> bool:
        return role is not None and role in self.roles


REPORTS: dict[str, Report] = {}


def register(report: Report) -> Report:
    if report.slug in REPORTS:
        raise ValueError(f"report {report.slug!r} is registered twice")
    if report.default_period not in PERIOD_KINDS:
        raise ValueError(f"report {report.slug!r}: unknown default period")
    if unknown := set(report.filters) - set(FILTERS):
        raise ValueError(f"report {report.slug!r}: unknown filters {sorted(unknown)}")
    REPORTS[report.slug] = report
    return report


def reports_for(role: Role | None) -> list[Report]:
    """The reports `role` may open, in catalogue order."""
    return [report for report in REPORTS.values() if report.allows(role)]


# --- The reports -------------------------------------------------------------------------------

register(
    Report(
        slug="aging",
        title=_("Aging report"),
        roles=EVERYONE,
        build=aging_build,
        template="reports/aging_body.html",
        default_period="month",
        estimate=aging_pages,
    )
)

register(
    Report(
        slug="weekly",
        title=_("Rep weekly report"),
        roles=EVERYONE,
        build=weekly_build,
        template="reports/weekly_body.html",
        default_period="week",
    )
)

register(
    Report(
        slug="monthly",
        title=_("Manager monthly report"),
        roles=MANAGERS | MONEY,
        build=monthly_build,
        template="reports/monthly_body.html",
        default_period="month",
    )
)
# Key-account sales statistics (docs/reports.md): every role, each within its scope (a rep sees
# their own customers).
register(
    Report(
        slug="key_accounts",
        title=_("Key-account sales statistics"),
        roles=EVERYONE,
        build=key_accounts_build,
        template="reports/key_accounts_body.html",
        default_period="month",
    )
)

# Follow-up compliance: managers, finance and admins see their scope, a rep their own row.
# Counted per owner over all their customers, so only the team and rep filters apply.
register(
    Report(
        slug="compliance",
        title=_("Follow-up compliance"),
        roles=EVERYONE,
        build=compliance_build,
        template="reports/compliance_body.html",
        filters=("team", "rep"),
        default_period="month",
    )
)

# Collection plan progress: the annual collection target split by quarter. The targets belong
# to sellers, so only the team and rep filters apply; the period picks the year.
register(
    Report(
        slug="collection_plan",
        title=_("Collection plan progress"),
        roles=MANAGERS | MONEY,
        build=collection_plan_build,
        template="reports/collection_plan_body.html",
        filters=("team", "rep"),
        default_period="year",
    )
)

# The commission statement (docs/reports.md, "Commission"): every role, within its scope.
register(Report(build=commission_build, **COMMISSION_REPORT))
