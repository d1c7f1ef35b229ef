"""The benchmark registry and runner behind `python manage.py bench`: each operation is timed on
the product path and on hand-written SQL in the same run, and both must give the same figures.

An operation module registers factories with `@operation(name=..., target=Target(...))`; a
factory takes the `Book` (the users and days found in the database) and returns a `Case`:

- `run()`: the product path (a page through the test client, a selector, a job, an export);
- `sql()` (or several in `sqls`): hand-written SQL through `connection.cursor()`, the
  independent oracle; the fastest correct one is the baseline;
- `figures(result)` / `sql_figures(rows)`: tiny adapters to comparable plain values;
- optionally `around()` (a context manager around every run, untimed: the jobs roll back),
  `setup()` (untimed preparation, once) and `skip` (why the case cannot run on this branch).
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext

from benchmarks import book as book_module

REGISTRY: dict[str, Operation] = {}
AREAS = (
    "receivables",
    "funnel",
    "lists",
    "orders",
    "jobs",
    "retier",
    "exports",
    "pdfs",
    "imports",
    "reports",
    "reports_stats",
    "reports_periodic",
    "home",
    "commission",
)


@dataclass(frozen=True)
class Target:
    """What an operation must meet at S=1. Relative targets name another operation."""

    p95_ms: float | None = None
    sql_ratio: float | None = None  # operation median / best SQL median
    max_queries: int | None = None
    max_rss_mb: float | None = None  # peak RSS delta in a fresh process
    min_pages_per_s: float | None = None  # PDFs: pages / median seconds
    # (other operation, factor): median ≤ factor × the other's median
    time_vs: tuple[str, float] | None = None
    # (other operation, factor): RSS delta ≤ factor × the other's RSS delta
    rss_vs: tuple[str, float] | None = None

    def describe(self) -> str:
        parts = []
        if self.p95_ms is not None:
            parts.append(
                f"p95≤{self.p95_ms / 1000:g}s" if self.p95_ms >= 1000 else f"p95≤{self.p95_ms:g}"
            )
        if self.sql_ratio is not None:
            parts.append(f"≤{self.sql_ratio:g}×SQL")
        if self.max_queries is not None:
            parts.append(f"≤{self.max_queries}q")
        if self.max_rss_mb is not None:
            parts.append(f"RSS≤{self.max_rss_mb:g}MB")
        if self.min_pages_per_s is not None:
            parts.append(f"≥{self.min_pages_per_s:g}p/s")
        if self.time_vs is not None:
            parts.append(f"≤{self.time_vs[1]:g}×{self.time_vs[0]}")
        if self.rss_vs is not None:
            parts.append(f"RSS≤{self.rss_vs[1]:g}×{self.rss_vs[0]}")
        return " ".join(parts) or "—"


class Case:
    """One operation on one book; subclasses fill in run/sql and the two adapters."""

    scale: str = ""  # rows it works on, for the table
    skip: str = ""  # non-empty: why it cannot run here (printed, not a failure)
    rss: bool = False  # measure the peak RSS delta in a fresh subprocess
    max_runs: int | None = None  # cap on timed runs (the jobs take seconds each)
    pages: int | None = None  # PDFs: pages of the document run() returns

    def setup(self) -> None:
        """Untimed preparation, once before any run."""

    @contextlib.contextmanager
    def around(self) -> Iterator[None]:
        """Untimed context around every run of run() and of the SQL (the jobs roll back)."""
        yield

    def run(self):
        raise NotImplementedError

    def sql(self):
        raise NotImplementedError

    @property
    def sqls(self) -> dict[str, Callable[[], object]]:
        """Named hand-written SQL variants; all must give the figures, the fastest is the
        baseline."""
        return {"sql": self.sql}

    def figures(self, result):
        raise NotImplementedError

    def sql_figures(self, rows):
        raise NotImplementedError


@dataclass
class Operation:
    name: str
    area: str
    target: Target
    factory: Callable[[book_module.Book], Case]


def operation(*, name: str, target: Target = Target()):
    """Register a Case factory under `name` (unique; its module is its area)."""

    def register(factory: Callable[[book_module.Book], Case]):
        area = factory.__module__.rsplit(".", 1)[-1]
        if name in REGISTRY:
            raise ValueError(f"benchmark {name!r} registered twice")
        REGISTRY[name] = Operation(name=name, area=area, target=target, factory=factory)
        return factory

    return register


def operations() -> dict[str, Operation]:
    """Every registered operation, in area order then registration order."""
    from importlib import import_module

    for area in AREAS:
        import_module(f"benchmarks.{area}")
    return dict(
        sorted(REGISTRY.items(), key=lambda item: AREAS.index(item[1].area))
    )  # sorted() is stable: registration order within an area


# --- measuring ------------------------------------------------------------------------------


@dataclass
class Measurement:
    name: str
    scale: str = ""
    median_ms: float | None = None
    p95_ms: float | None = None
    queries: int | None = None
    py_peak_mb: float | None = None
    rss_mb: float | None = None
    sql_ms: float | None = None
    sql_name: str = ""
    equal: bool | None = None
    mismatch: str = ""
    target: str = ""
    met: bool | None = None
    unmet: list[str] = field(default_factory=list)
    skipped: str = ""
    pages: int | None = None
    runs: int = 0

    @property
    def ratio(self) -> float | None:
        if self.median_ms is None or not self.sql_ms:
            return None
        return self.median_ms / self.sql_ms


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (p95 of 20 runs is the 19th fastest)."""
    ordered = sorted(values)
    return ordered[max(math.ceil(share * len(ordered)) - 1, 0)]


def _timed(case: Case, function: Callable[[], object], *, runs: int, warmup: int) -> list[float]:
    times = []
    for index in range(warmup + runs):
        with case.around():
            started = time.perf_counter()
            function()
            elapsed = (time.perf_counter() - started) * 1000
        if index >= warmup:
            times.append(elapsed)
    return times


def _short(value, limit: int = 160) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "…"


def _difference(ours, theirs) -> str:
    """Where two figures differ, briefly (the first differing key of a dict)."""
    if isinstance(ours, dict) and isinstance(theirs, dict):
        for key in sorted(set(ours) | set(theirs), key=str):
            if ours.get(key) != theirs.get(key):
                return f"[{key!r}] product {_short(ours.get(key))} ≠ SQL {_short(theirs.get(key))}"
    return f"product {_short(ours)} ≠ SQL {_short(theirs)}"


def measure(op: Operation, book, *, runs: int, warmup: int, rss: bool = True) -> Measurement:
    """Time, count and compare one operation: timed runs, one run under CaptureQueriesContext
    (its result gives the figures), one under tracemalloc (apart: tracing slows the timed runs),
    every SQL variant timed and compared, and the RSS delta in a fresh process when asked."""
    case = op.factory(book)
    result = Measurement(name=op.name, target=op.target.describe())
    if case.skip:
        result.skipped = case.skip
        return result
    case.setup()
    result.scale, result.pages = case.scale, case.pages
    runs = min(runs, case.max_runs) if case.max_runs else runs
    warmup = min(warmup, 1) if case.max_runs else warmup
    result.runs = runs
    times = _timed(case, case.run, runs=runs, warmup=warmup)
    result.median_ms = statistics.median(times)
    result.p95_ms = percentile(times, 0.95)
    result.pages = case.pages  # a PDF knows its pages once rendered

    with case.around():
        with CaptureQueriesContext(connection) as queries:
            product = case.run()
        result.queries = len(queries.captured_queries)
        figures = case.figures(product)
    del product
    with case.around():
        tracemalloc.start()
        case.run()
        result.py_peak_mb = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()

    result.equal = True
    best = None
    for sql_name, sql in case.sqls.items():
        sql_times = _timed(case, sql, runs=runs, warmup=warmup)
        with case.around():
            theirs = case.sql_figures(sql())
        if theirs != figures:
            result.equal = False
            result.mismatch = f"{sql_name}: {_difference(figures, theirs)}"
        median = statistics.median(sql_times)
        if best is None or median < best:
            best, result.sql_name = median, sql_name
    result.sql_ms = best

    if case.rss and rss:
        result.rss_mb = rss_in_subprocess(op.name, book)
    return result


def judge(measurements: dict[str, Measurement], ops: dict[str, Operation]) -> None:
    """Fill in `met` and the unmet reasons from each operation's target (after all ran, since
    relative targets compare operations)."""
    for name, m in measurements.items():
        if m.skipped:
            continue
        target, unmet = ops[name].target, []
        if target.p95_ms is not None and m.p95_ms > target.p95_ms:
            unmet.append(f"p95 {m.p95_ms:.0f} > {target.p95_ms:g} ms")
        if target.sql_ratio is not None and m.ratio is not None and m.ratio > target.sql_ratio:
            unmet.append(f"{m.ratio:.2f}× SQL > {target.sql_ratio:g}×")
        if target.max_queries is not None and m.queries > target.max_queries:
            unmet.append(f"{m.queries} queries > {target.max_queries}")
        if target.max_rss_mb is not None and m.rss_mb is not None and m.rss_mb > target.max_rss_mb:
            unmet.append(f"RSS {m.rss_mb:.0f} > {target.max_rss_mb:g} MB")
        if target.min_pages_per_s is not None and m.pages:
            rate = m.pages / (m.median_ms / 1000)
            if rate < target.min_pages_per_s:
                unmet.append(f"{rate:.1f} pages/s < {target.min_pages_per_s:g}")
        if target.time_vs is not None:
            other = measurements.get(target.time_vs[0])
            if other is not None and other.median_ms:
                factor = m.median_ms / other.median_ms
                if factor > target.time_vs[1]:
                    unmet.append(f"{factor:.2f}× {other.name} > {target.time_vs[1]:g}×")
        if target.rss_vs is not None and m.rss_mb is not None:
            other = measurements.get(target.rss_vs[0])
            if other is not None and other.rss_mb:
                factor = m.rss_mb / other.rss_mb
                if factor > target.rss_vs[1]:
                    unmet.append(f"RSS {factor:.2f}× {other.name} > {target.rss_vs[1]:g}×")
        m.unmet, m.met = unmet, not unmet


# --- peak RSS in a fresh process ------------------------------------------------------------


def _status_kb(field_name: str) -> int | None:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(field_name + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def _reset_peak() -> bool:
    """Reset VmHWM to the current RSS (Linux ≥ 4.0), so the peak is this run's."""
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
        return True
    except OSError:
        return False


def rss_delta_mb(function: Callable[[], object]) -> float:
    """Peak RSS during `function` minus the RSS before it, in MB (VmHWM after a reset; else
    getrusage's lifetime peak, which then includes the set-up)."""
    import resource

    before = _status_kb("VmRSS")
    if before is not None and _reset_peak():
        function()
        return (_status_kb("VmHWM") - before) / 1024
    start = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    function()
    return (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - start) / 1024


def rss_in_subprocess(name: str, book) -> float | None:
    """Run `manage.py bench --rss-child NAME` (set-up, then one run whose RSS delta it prints)
    against the same database."""
    env = dict(os.environ)
    command = [
        sys.executable,
        "manage.py",
        "bench",
        "--rss-child",
        name,
        "--as-of",
        book.today.isoformat(),
        "--database-name",
        connection.settings_dict["NAME"],
    ]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    for line in reversed(done.stdout.splitlines()):
        if line.startswith("{"):
            return json.loads(line)["rss_mb"]
    sys.stderr.write(f"RSS child for {name} failed:\n{done.stderr[-2000:]}\n")
    return None


def rss_child(name: str, book) -> dict:
    """In the fresh process: set the case up, then measure one run."""
    case = operations()[name].factory(book)
    case.setup()
    with case.around():
        return {"rss_mb": round(rss_delta_mb(case.run), 1)}


# --- the table ------------------------------------------------------------------------------

COLUMNS = [
    "operation",
    "rows/scale",
    "median ms",
    "p95 ms",
    "queries",
    "py peak MB",
    "RSS Δ MB",
    "SQL ms",
    "×SQL",
    "equal",
    "target",
    "met",
]


def _number(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "—"
    return f"{value:,.{digits}f}" if value < 100 or digits == 0 else f"{value:,.0f}"


def rows_of(measurements: list[Measurement]) -> list[list[str]]:
    rows = []
    for m in measurements:
        if m.skipped:
            rows.append([m.name, "—", "skipped: " + m.skipped, *["—"] * 7, m.target, "—"])
            continue
        scale = m.scale + (f", {m.pages} pages" if m.pages else "")
        rows.append(
            [
                m.name,
                scale,
                _number(m.median_ms),
                _number(m.p95_ms),
                str(m.queries),
                _number(m.py_peak_mb),
                _number(m.rss_mb),
                _number(m.sql_ms) + ("" if m.sql_name in ("", "sql") else f" ({m.sql_name})"),
                "—" if m.ratio is None else f"{m.ratio:.2f}",
                "✓" if m.equal else "✗",
                m.target,
                "✓" if m.met else "✗ " + "; ".join(m.unmet),
            ]
        )
    return rows


def text_table(measurements: list[Measurement]) -> str:
    rows = [COLUMNS, *rows_of(measurements)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]
    lines = ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)) for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def markdown_table(measurements: list[Measurement], *, heading: str) -> str:
    def cells(row):
        return "| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |"

    lines = [heading, "", cells(COLUMNS), "|" + "---|" * len(COLUMNS)]
    lines += [cells(row) for row in rows_of(measurements)]
    mismatches = [m for m in measurements if m.equal is False]
    if mismatches:
        lines += ["", "Figures that differ:", ""]
        lines += [f"- `{m.name}`: {m.mismatch}" for m in mismatches]
    return "\n".join(lines) + "\n"


def last_month_end(today: date) -> date:
    return today.replace(day=1) - timedelta(days=1)


def last_full_quarter(today: date) -> tuple[date, date]:
    quarter_start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    end = quarter_start - timedelta(days=1)
    return date(end.year, end.month - 2, 1), end
