"""The benchmark book's shared machinery: the plan (scale, seed, as-of), exact counts by largest
remainder, per-key random generators, and COPY writers that stream pre-formatted text to
PostgreSQL in large chunks. Each app's `dataset.py` builds its own tables on top of it."""

import hashlib
import random
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import connection

# One password for every generated user, so a benchmark can sign in as anyone.
PASSWORD = "bench1234"  # noqa: S105 - benchmark data only, documented in README
# The book's history: receivables are issued over the three years before as-of; items older
# than that are opening balances, imported at go-live.
HISTORY_DAYS = 1095
# A COPY chunk: big enough that the per-statement cost disappears, small enough to stay flat.
CHUNK_BYTES = 4 << 20


@dataclass(frozen=True)
class Plan:
    scale: float
    seed: int
    as_of: date
    snapshot_days: int = 30
    report: Callable[[str], None] = field(default=print, compare=False, repr=False)

    def count(self, full: int, minimum: int = 1) -> int:
        """A count of the full book scaled linearly, never below `minimum`."""
        return max(minimum, round(full * self.scale))

    @property
    def go_live(self) -> date:
        return self.as_of - timedelta(days=HISTORY_DAYS)

    def rng(self, *keys) -> random.Random:
        """A generator of its own per table and chunk (string seeds are hashed with SHA-512, so
        the same keys give the same numbers in every process)."""
        return random.Random(":".join(str(k) for k in (self.seed, *keys)))  # noqa: S311

    def at(self, day: date, hour: int = 9, minute: int = 0) -> datetime:
        """A moment of the book: Shanghai wall-clock time, naive (formatting an aware datetime
        is several times slower; CopyWriter writes the +08 offset)."""
        return datetime(day.year, day.month, day.day, hour, minute)  # noqa: DTZ001


def allot(total: int, weights: Sequence[float]) -> list[int]:
    """Split `total` into integers proportional to `weights` that add up exactly (largest
    remainder, ties by position)."""
    whole = sum(weights)
    if not weights:
        return []
    if whole <= 0:
        weights, whole = [1.0] * len(weights), float(len(weights))
    shares = [total * w / whole for w in weights]
    counts = [int(s) for s in shares]
    rest = total - sum(counts)
    order = sorted(range(len(weights)), key=lambda i: (counts[i] - shares[i], i))
    for i in order[:rest]:
        counts[i] += 1
    return counts


def money(fen: int) -> str:
    """Integer fen as COPY text: 123456 → '1234.56'."""
    fen = int(fen)
    return f"{fen // 100}.{fen % 100:02d}"


def text(value) -> str:
    """A name read from the database made safe for COPY's text format (the generator's own
    strings never hold a tab, newline or backslash, so they are written as they are)."""
    return str(value).replace("\\", "\\\\").replace("\t", " ").replace("\n", " ").replace("\r", "")


# Formatting a date or a datetime costs microseconds and the book repeats the same few
# thousand days and times millions of times: cache their text (bounded).
_TEXT: dict = {}


def _formatted(value) -> str:
    found = _TEXT.get(value)
    if found is None:
        if len(_TEXT) > 500_000:
            _TEXT.clear()
        # Times are Shanghai wall-clock times (naive, see Plan.at); the zone has no DST.
        found = _TEXT[value] = f"{value}+08" if isinstance(value, datetime) else str(value)
    return found


_CONVERT = {
    int: str,
    bool: lambda v: "t" if v else "f",
    type(None): lambda v: r"\N",
    date: _formatted,
    datetime: _formatted,
}


class CopyWriter:
    """Rows of one table written with COPY … FROM STDIN in text format, buffered into chunks of
    about CHUNK_BYTES; one COPY statement per chunk, so several writers can take turns on one
    connection (a COPY holds the connection until it ends). Values: str (written as is), None,
    int, bool, date, naive datetime (Shanghai time)."""

    def __init__(self, table: str, columns: Sequence[str]):
        self.table, self.columns = table, list(columns)
        quoted = ", ".join(f'"{column}"' for column in columns)  # "offset" is a keyword
        self.sql = f"COPY {table} ({quoted}) FROM STDIN"
        self.lines: list[str] = []
        self.size = 0
        self.rows = 0
        self.seconds = 0.0

    def add(self, *values) -> None:
        line = "\t".join([v if v.__class__ is str else _CONVERT[v.__class__](v) for v in values])
        self.lines.append(line)
        self.size += len(line) + 1
        self.rows += 1
        if self.size >= CHUNK_BYTES:
            self.flush()

    def flush(self) -> None:
        if not self.lines:
            return
        started = time.monotonic()
        self.lines.append("")
        data = "\n".join(self.lines).encode()
        self.lines, self.size = [], 0
        with connection.cursor() as cursor, cursor.cursor.copy(self.sql) as copy:
            copy.write(data)
        self.seconds += time.monotonic() - started


class Load:
    """The writers of one loader, flushed together, with a progress line per table. While it
    loads, its tables' foreign keys and plain indexes are dropped (a COPY into a table with
    them is several times slower, and deferred foreign-key checks queue one event per row);
    finish() builds them again, which checks every foreign key in one pass."""

    def __init__(self, plan: Plan):
        self.plan = plan
        self.writers: dict[str, CopyWriter] = {}
        self.restore: list[str] = []
        self.started = time.monotonic()

    def table(self, table: str, columns: Sequence[str]) -> CopyWriter:
        self.writers[table] = CopyWriter(table, columns)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname",
                [table],
            )
            for name, definition in cursor.fetchall():
                cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
                self.restore.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
            cursor.execute(
                "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) "
                "FROM pg_index i WHERE i.indrelid = %s::regclass AND NOT EXISTS "
                "(SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) ORDER BY 1",
                [table],
            )
            for name, definition in cursor.fetchall():
                cursor.execute(f"DROP INDEX {name}")
                self.restore.insert(0, definition)
        return self.writers[table]

    def finish(self) -> dict[str, int]:
        for writer in self.writers.values():
            writer.flush()
        copied = time.monotonic() - self.started
        step = time.monotonic()
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
            for statement in self.restore:
                cursor.execute(statement)
        rebuilt = time.monotonic() - step
        for writer in self.writers.values():
            setval(writer.table)
            seconds = writer.seconds
            rate = f"{writer.rows / seconds:>9,.0f} rows/s" if seconds else ""
            self.plan.report(
                f"  {writer.table:<32} {writer.rows:>10,} rows  copy {seconds:6.1f} s {rate}"
            )
        self.plan.report(f"  {'generated and copied':<32} {copied:6.1f} s")
        self.plan.report(f"  {'indexes and foreign keys':<32} {rebuilt:6.1f} s")
        return {writer.table: writer.rows for writer in self.writers.values()}


def setval(table: str) -> None:
    """Move the id sequence past the ids the generator assigned (tables without one are skipped)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
        (sequence,) = cursor.fetchone()
        if sequence:
            cursor.execute(
                f"SELECT setval(%s, COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)",  # noqa: S608
                [sequence],
            )


def fetch(sql: str, params: Iterable = ()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        return cursor.fetchall()


def checksum(sql: str) -> str:
    """md5 over the rows of a query, in its order: two books are equal when their checksums are."""
    digest = hashlib.md5(usedforsecurity=False)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        for row in cursor.fetchall():
            digest.update(repr(row).encode())
    return digest.hexdigest()
