"""Smoke check of `manage.py bench` on a tiny book (PostgreSQL): every operation runs once,
its figures equal the hand-written SQL's, and the table names every operation."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from benchmarks import harness, pdfs
from reports.management.commands.bench import run as bench_run

TODAY = date(2026, 11, 23)
# Operations that may be skipped on a branch where what they measure is not there yet, with
# the reason they print.
MAY_SKIP = {"collections.search": "takes no search"}


@pytest.fixture
def tiny_book(db):
    if connection.vendor != "postgresql":
        pytest.skip("the benchmarks run on PostgreSQL only")
    call_command("generate_dataset", scale=0.001, seed=1, replace=True, as_of=TODAY)
    from benchmarks.book import Book

    return Book.load(today=TODAY)


def test_every_operation_runs_and_equals_its_sql(tiny_book, tmp_path, monkeypatch):
    # given a tiny book, statements of at most 2 pages (probed with 4 and 12 lines) of the
    # customer with the fewest receivables
    monkeypatch.setattr(pdfs, "PROBES", (4, 12))
    monkeypatch.setattr(pdfs.StatementPdf, "page_cap", 2)
    monkeypatch.setattr(pdfs.StatementPdf, "busiest", False)
    pdfs.PROBED.clear()
    # when every operation runs once (no warm-up, no RSS subprocess); the 100-page statement
    # is the 10-page one's code with another period, so the smoke renders one
    ops = {k: op for k, op in harness.operations().items() if k != "pdfs.statement_100"}
    progress = StringIO()
    measurements = bench_run(ops, tiny_book, runs=1, warmup=0, rss=False, progress=progress)
    print(progress.getvalue())  # each operation's seconds, shown with -s or on failure
    harness.judge(measurements, ops)
    results = list(measurements.values())

    # then every figure equals the SQL's, and only the known operations skip
    unequal = {m.name: m.mismatch for m in results if not m.skipped and m.equal is not True}
    assert unequal == {}
    failed = {m.name: m.mismatch for m in results if m.equal is False}
    assert failed == {}
    for m in results:
        if m.skipped:
            assert m.name in MAY_SKIP, (m.name, m.skipped)
            assert MAY_SKIP[m.name] in m.skipped, (m.name, m.skipped)
    # and the table (text and Markdown) has a row for every operation
    table = harness.text_table(results)
    markdown = harness.markdown_table(results, heading="### bench")
    for name in ops:
        assert f"\n{name} " in table
        assert f"| {name} |" in markdown


def test_the_command_refuses_an_empty_database(db):
    # given no dataset; when bench runs; then it says how to build one
    from django.core.management.base import CommandError

    if connection.vendor != "postgresql":
        pytest.skip("the benchmarks run on PostgreSQL only")
    with pytest.raises(CommandError, match="make dataset"):
        call_command("bench", runs=1, stdout=StringIO(), stderr=StringIO())
