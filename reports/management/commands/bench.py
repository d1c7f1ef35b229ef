"""`python manage.py bench`: every benchmarked operation against hand-written SQL in one table
(benchmarks/harness.py); exits 1 when any figure differs from the SQL's."""

import contextlib
import json
import sys
import time
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections
from django.test.utils import setup_test_environment
from django.utils import timezone

from benchmarks import harness
from benchmarks.book import Book, NoDatasetError

HOW_TO_BUILD = (
    "Build one first: `make dataset SCALE=0.1` "
    "(python manage.py generate_dataset --scale 0.1 --replace)."
)


class Command(BaseCommand):
    help = "Time every operation against hand-written SQL on the configured PostgreSQL book."

    def add_arguments(self, parser):
        parser.add_argument("--scale", default="", help="the dataset's scale, for the heading")
        parser.add_argument("--runs", type=int, default=20, help="timed runs per operation")
        parser.add_argument("--warmup", type=int, default=2, help="untimed runs before them")
        parser.add_argument("--only", default="", help="comma-separated operation names")
        parser.add_argument("--markdown", default="", help="also write the table to this file")
        parser.add_argument("--as-of", default="", help="the day to measure (default today)")
        parser.add_argument("--no-rss", action="store_true", help="skip the RSS subprocesses")
        parser.add_argument("--list", action="store_true", help="list the operations and stop")
        # Internal: one run of one operation in a fresh process, printing its RSS delta.
        parser.add_argument("--rss-child", default="", help="(internal)")
        parser.add_argument("--database-name", default="", help="(internal)")

    def handle(self, *args, **options):
        ops = harness.operations()
        if options["list"]:
            for op in ops.values():
                self.stdout.write(f"{op.name:32} {op.area:12} {op.target.describe()}")
            return
        if options["database_name"]:
            connections["default"].close()
            connections["default"].settings_dict["NAME"] = options["database_name"]
        if connection.vendor != "postgresql":
            raise CommandError(
                "bench needs PostgreSQL (DATABASE_URL=postgres://...); "
                f"this is {connection.vendor}."
            )
        # The test client needs the test environment (testserver host, rendered contexts kept,
        # mail kept in memory: the jobs' digests go nowhere).
        with contextlib.suppress(RuntimeError):  # already set up: called from the test suite
            setup_test_environment()
        today = date.fromisoformat(options["as_of"]) if options["as_of"] else timezone.localdate()
        try:
            book = Book.load(today=today)
        except NoDatasetError as exc:
            raise CommandError(f"The database holds no dataset ({exc}). {HOW_TO_BUILD}") from exc

        if options["rss_child"]:
            self.stdout.write(json.dumps(harness.rss_child(options["rss_child"], book)))
            return

        names = [n.strip() for n in options["only"].split(",") if n.strip()]
        unknown = set(names) - set(ops)
        if unknown:
            raise CommandError(f"unknown operation(s): {', '.join(sorted(unknown))}")
        chosen = {name: op for name, op in ops.items() if not names or name in names}
        measurements = run(
            chosen,
            book,
            runs=options["runs"],
            warmup=options["warmup"],
            rss=not options["no_rss"],
            progress=self.stderr,
        )
        harness.judge(measurements, chosen)
        results = list(measurements.values())
        heading = (
            f"Benchmarks, scale {options['scale'] or '?'}, as of {today}, "
            f"{options['runs']} runs after {options['warmup']} warm-up"
        )
        self.stdout.write(heading)
        self.stdout.write(harness.text_table(results))
        mismatches = [m for m in results if m.equal is False]
        for m in mismatches:
            self.stdout.write(f"✗ {m.name}: {m.mismatch}")
        if options["markdown"]:
            with open(options["markdown"], "w") as out:
                out.write(harness.markdown_table(results, heading=f"### {heading}"))
        if mismatches:
            sys.exit(1)


def run(ops, book, *, runs, warmup, rss, progress=None) -> dict:
    """Measure each operation in turn (one failing operation is a row saying so, not a crash)."""
    measurements = {}
    for name, op in ops.items():
        started = time.monotonic()
        try:
            measurements[name] = harness.measure(op, book, runs=runs, warmup=warmup, rss=rss)
        except Exception as exc:  # reported in the table, and the run fails
            measurements[name] = harness.Measurement(
                name=name,
                target=op.target.describe(),
                equal=False,
                mismatch=f"{type(exc).__name__}: {exc}",
                skipped=f"failed ({type(exc).__name__})",
            )
        if progress is not None:
            progress.write(f"bench: {name} ({time.monotonic() - started:.1f} s)\n")
            progress.flush()
    return measurements
