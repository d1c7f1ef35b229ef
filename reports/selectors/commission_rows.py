"""Commission lines as rows: the line's columns, the row type the statement and the close read,
and turning a row of the live SQL into exact Decimals on any database (docs/reports.md,
"Commission")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection, transaction

from reports.models import CommissionLine

ZERO = Decimal("0.00")
# The columns of a line, in order, in the live SQL and the frozen read alike.
COLUMNS = (
    "kind",
    "allocation_id",
    "payment_date",
    "customer_id",
    "customer_name",
    "receivable_id",
    "receivable_number",
    "rep_id",
    "amount",
    "rate",
    "accelerated",
    "multiplier",
    "commission",
)


@dataclass(frozen=True)
class CommissionLineRow:
    """One line of a statement (live or frozen): an allocation's commission, or an adjustment."""

    kind: str
    allocation_id: int
    payment_date: date
    customer_id: int
    customer_name: str
    receivable_id: int
    receivable_number: str
    rep_id: int
    amount: Decimal
    rate: Decimal
    accelerated: Decimal
    multiplier: Decimal
    commission: Decimal

    @property
    def is_adjustment(self) -> bool:
        return self.kind != CommissionLine.Kind.EARNED

    @property
    def kind_label(self) -> str:
        return str(CommissionLine.Kind(self.kind).label)

    @property
    def at_rate(self) -> Decimal:
        """The part of the amount paid at the plain rate."""
        return self.amount - self.accelerated


CENT = Decimal("0.01")
RATE_PLACES = Decimal("0.0001")
# The unrounded accelerated part: an amount less a threshold (target × share: 2 + 4 places).
EXACT_PLACES = Decimal("0.000001")


def _decimal(value, places: Decimal) -> Decimal:
    """A float/int/text number from SQLite as the exact Decimal it stands for."""
    return Decimal(str(value)).quantize(places, rounding=ROUND_HALF_UP)


def line_of(row) -> CommissionLineRow:
    """A line from a row of live_lines_sql. PostgreSQL computes it in numeric: as is. Elsewhere
    (SQLite, the embedded default) numbers come back as floats: the inputs are read back as
    the Decimals they stand for and the money redone in Decimal as PostgreSQL does (ROUND is
    half away from zero there), so both give the same figures to the fen."""
    if connection.vendor == "postgresql":
        return CommissionLineRow(*row)
    return line_from_floats(row)


def line_from_floats(row) -> CommissionLineRow:
    """A row of live_lines_sql off PostgreSQL (floats, text dates, the unrounded accelerated
    part last) as an exact line: amounts to the fen, rates to 4 places, the accelerated part
    to 6 (a target × a share), the money redone in Decimal."""
    line = dict(zip(COLUMNS, row[: len(COLUMNS)], strict=True))
    if isinstance(line["payment_date"], str):
        line["payment_date"] = date.fromisoformat(line["payment_date"])
    amount = line["amount"] = _decimal(line["amount"], CENT)
    rate = line["rate"] = _decimal(line["rate"], RATE_PLACES)
    multiplier = line["multiplier"] = _decimal(line["multiplier"], RATE_PLACES)
    if line["kind"] == CommissionLine.Kind.REVERSAL:
        # Copied from a frozen line (exact Decimals stored to the fen).
        line["accelerated"] = _decimal(line["accelerated"], CENT)
        line["commission"] = _decimal(line["commission"], CENT)
    else:
        exact = _decimal(row[len(COLUMNS)], EXACT_PLACES)
        line["accelerated"] = exact.quantize(CENT, rounding=ROUND_HALF_UP)
        line["commission"] = (rate * (amount - exact) + rate * multiplier * exact).quantize(
            CENT, rounding=ROUND_HALF_UP
        )
    return CommissionLineRow(**line)


def fetch_without_jit(sql: str, params: list) -> list[tuple]:
    """Run a lines query with PostgreSQL's JIT off: the owner lookups make the planner's cost
    look high enough to compile the query, which then takes seconds longer than running it
    (3.9 s of JIT for a 0.4 s query on a month of 34,000 allocations)."""
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL jit = off")
        cursor.execute(sql, params)
        return cursor.fetchall()
