"""Export benchmarks: the aging and collection workbooks of the whole book, and smaller ones
(about 10,000 rows) to show the peak RSS stays flat as rows grow. The baseline is openpyxl's
write-only mode writing the same rows, pre-built by hand-written SQL before the clock starts;
both files are read back and must hold the same rows and amounts."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from io import BytesIO
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from benchmarks.book import fetch, fetch_one, scope_sql
from benchmarks.harness import Case, Target, operation
from benchmarks.receivables import aging_rows_ledger
from receivables.exports import AGING_HEADERS, COLLECTION_HEADERS

SMALL_ROWS = 10_000


def content_of(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def write_only(title: str, headers, rows) -> bytes:
    """The baseline: openpyxl write-only, no styles, the rows as they are."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def sheet_rows(content: bytes) -> list[tuple]:
    sheet = load_workbook(BytesIO(content), read_only=True).worksheets[0]
    return list(sheet.iter_rows(min_row=2, values_only=True))


def money(value) -> Decimal:
    return Decimal(f"{value or 0:.2f}")


class Export(Case):
    rss = True
    max_runs = 5

    def run(self):
        return content_of(self.book.get(self.user, self.url))

    def sql(self):
        return write_only(self.title, self.headers, self.rows)

    def sql_figures(self, content):
        return self.figures(content)


class AgingExport(Export):
    """GET /receivables/aging/export.xlsx by customer as `user`: the customer rows and the
    totals row's total."""

    headers = AGING_HEADERS

    def __init__(self, book, *, user):
        self.book, self.user = book, user
        self.title = f"账龄 {book.today}"
        self.url = (
            reverse("aging_export") + "?" + urlencode({"as_of": book.today, "group_by": "customer"})
        )

    def setup(self) -> None:
        amounts = {
            int(key): amounts
            for key, *amounts in aging_rows_ledger(
                user=self.user, day=self.book.today, group_by="customer"
            )
        }
        names = {
            pk: (name, owner)
            for pk, name, owner in fetch(
                "SELECT c.id, c.name, COALESCE(NULLIF(o.display_name, ''), o.username, '公海') "
                "FROM customers_customer c LEFT JOIN accounts_user o ON o.id = c.owner_id "
                "WHERE c.id = ANY(%s)",
                [list(amounts)],
            )
        }
        self.rows = [[*names[pk], *a, sum(a)] for pk, a in amounts.items()]
        totals = [sum(row[i] for row in self.rows) for i in range(2, 8)]
        self.rows.append(["合计", "", *totals])
        self.scale = f"{len(self.rows) - 1:,} rows, {self.user.role}"

    def figures(self, content):
        rows = sheet_rows(content)
        return (len(rows) - 1, money(rows[-1][7]))


class CollectionExport(Export):
    """GET /receivables/collections/export.xlsx?min_days= as finance: how many rows and the sum
    of the open amounts."""

    headers = COLLECTION_HEADERS

    def __init__(self, book, *, small: bool):
        self.book, self.user, self.small = book, book.finance, small
        self.title = f"催收清单 {book.today}"

    def _min_days(self) -> int:
        """1 for the whole list; for the small one, the days overdue of the 10,000th oldest
        item (a tenth of the list on a book with fewer), so about that many rows qualify."""
        if not self.small:
            return 1
        (count,) = fetch_one(
            "SELECT count(*) FROM receivables_receivable WHERE amount > allocated + written_off "
            "AND due_date < %s",
            [self.book.today],
        )
        wanted = max(min(SMALL_ROWS, count // 10), 1)
        row = fetch_one(
            "SELECT due_date FROM receivables_receivable WHERE amount > allocated + written_off "
            "AND due_date < %s ORDER BY due_date DESC, id DESC OFFSET %s LIMIT 1",
            [self.book.today, count - wanted],
        )
        return max((self.book.today - row[0]).days, 1) if row else 1

    def setup(self) -> None:
        self.min_days = self._min_days()
        self.url = (
            reverse("collections_export")
            + "?"
            + urlencode({"as_of": self.book.today, "min_days": self.min_days})
        )
        scope, params = scope_sql(self.user)
        self.rows = [
            list(row)
            for row in fetch(
                f"""
                SELECT c.name,
                       COALESCE(NULLIF(o.display_name, ''),
                                NULLIF(TRIM(o.first_name || ' ' || o.last_name), ''),
                                o.username, ''),
                       COALESCE(ct.name, ''),
                       CASE WHEN ct.id IS NULL THEN c.phone
                            ELSE COALESCE(NULLIF(ct.mobile, ''), ct.phone) END,
                       r.number, r.due_date, GREATEST(%(day)s::date - r.due_date, 0),
                       r.amount - r.allocated - r.written_off,
                       COALESCE(step.name, ''),
                       (SELECT MAX(f.occurred_at) FROM customers_followup f
                        WHERE f.customer_id = c.id) AT TIME ZONE %(tz)s,
                       (SELECT MIN(f.next_step_due) FROM customers_followup f
                        WHERE f.customer_id = c.id AND f.next_step_due >= %(day)s
                          AND f.next_step_done_at IS NULL)
                FROM receivables_receivable r
                JOIN customers_customer c ON c.id = r.customer_id
                LEFT JOIN accounts_user o ON o.id = c.owner_id
                LEFT JOIN LATERAL (
                    SELECT x.id, x.name, x.mobile, x.phone FROM customers_contact x
                    WHERE x.customer_id = c.id
                    ORDER BY (x.decision_role = 'purchaser') DESC, x.id LIMIT 1
                ) ct ON TRUE
                LEFT JOIN LATERAL (
                    SELECT l.name FROM receivables_escalationevent e
                    JOIN receivables_escalationlevel l ON l.id = e.level_id
                    WHERE e.receivable_id = r.id ORDER BY l.from_days DESC LIMIT 1
                ) step ON TRUE
                WHERE r.amount > r.allocated + r.written_off AND r.due_date < %(cutoff)s
                  AND {scope}
                ORDER BY r.due_date, r.id
                """,
                {
                    **params,
                    "day": self.book.today,
                    "cutoff": self.book.today - timedelta(days=self.min_days - 1),
                    "tz": settings.TIME_ZONE,
                },
            )
        ]
        self.scale = f"{len(self.rows):,} rows, ≥{self.min_days} days"

    def figures(self, content):
        rows = sheet_rows(content)
        return (len(rows), money(sum(row[7] or 0 for row in rows)))


EXPORT = Target(sql_ratio=1.25)


@operation(name="exports.aging", target=Target(sql_ratio=1.25, rss_vs=("exports.aging.small", 1.2)))
def exports_aging(book):
    return AgingExport(book, user=book.finance)


@operation(name="exports.aging.small", target=EXPORT)
def exports_aging_small(book):
    return AgingExport(book, user=book.rep)


@operation(
    name="exports.collections",
    target=Target(sql_ratio=1.25, rss_vs=("exports.collections.10k", 1.2)),
)
def exports_collections(book):
    return CollectionExport(book, small=False)


@operation(name="exports.collections.10k", target=EXPORT)
def exports_collections_small(book):
    return CollectionExport(book, small=True)
