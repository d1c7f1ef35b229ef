"""`manage.py generate_dataset --scale S`: the benchmark book (docs/performance.md, "Dataset
generator"), loaded by COPY into PostgreSQL. S=1 is the mid-size org of issue 10."""

import re
import resource
import time
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from customers import dataset as customers_data
from opportunities import dataset as opportunities_data
from opportunities.services.stays import stays_refresh
from orders import dataset as orders_data
from receivables.dataset import ledger, snapshots
from salesops.accounts import dataset as accounts_data
from salesops.core.dataset import Plan

# What --replace empties: the generated tables and everything hanging off them (history rows,
# notifications, import runs, orders and contracts). Reference data (regions, tiers, stages,
# ladder, settings, our legal entity) stays.
REPLACED = (
    "accounts_user",
    "accounts_team",
    "customers_customer",
    "customers_customergroup",
    "orders_product",
)


def require_postgresql(vendor: str) -> None:
    if vendor != "postgresql":
        raise CommandError(
            f"generate_dataset loads with PostgreSQL COPY; this database is {vendor}. "
            "Point DATABASE_URL at PostgreSQL."
        )


BENCH_DATABASE = re.compile(r"bench|dataset|perf|^test_")


class Command(BaseCommand):
    help = "Generate the benchmark book (users, customers, deals, receivables) by COPY."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, required=True, help="1 = the full book")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--as-of",
            type=date.fromisoformat,
            default=None,
            help="the book's today, YYYY-MM-DD (default: today in Asia/Shanghai)",
        )
        parser.add_argument("--snapshot-days", type=int, default=30)
        parser.add_argument(
            "--replace",
            action="store_true",
            help="empty users, customers and everything under them first",
        )

    def handle(self, *args, scale, seed, as_of, snapshot_days, replace, **options):
        require_postgresql(connection.vendor)
        name = connection.settings_dict["NAME"]
        # It empties every customer, user and receivable and creates an admin with a published
        # password: only on a database named for benchmarks, never on a production book.
        if not BENCH_DATABASE.search(name):
            raise CommandError(
                f"Database {name!r} is not a benchmark database; nothing was written. "
                "generate_dataset only runs on a database whose name contains "
                '"bench", "dataset" or "perf", or a test database ("test_...").'
            )
        if scale <= 0:
            raise CommandError("--scale must be positive.")
        with connection.cursor() as cursor:
            cursor.execute("SELECT EXISTS (SELECT 1 FROM customers_customer)")
            (existing,) = cursor.fetchone()
        if existing and not replace:
            raise CommandError(
                "This database already holds customers; nothing was written. "
                "Run with --replace to empty it and generate the book."
            )
        as_of = as_of or timezone.localdate()
        plan = Plan(scale, seed, as_of, snapshot_days, report=self.stdout.write)
        started = time.monotonic()
        self.stdout.write(f"Generating scale {scale} seed {seed} as of {as_of}")
        with transaction.atomic():
            if replace:
                with connection.cursor() as cursor:
                    # Checks still pending in an enclosing transaction (a test's) would block it.
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                    cursor.execute(f"TRUNCATE {', '.join(REPLACED)} CASCADE")
                    cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            self.stdout.write("accounts")
            people = accounts_data.load(plan)
            self.stdout.write("customers")
            customers = customers_data.load(plan, people)
            self.stdout.write("opportunities")
            opportunities_data.load(plan, customers)
            self.stdout.write("receivables")
            ledger.load(plan, people, customers)
            self.stdout.write("orders")
            with connection.cursor() as cursor:
                # The ledger's updates of customers (credit holds) left deferred checks, and
                # dropping the orders tables' foreign keys alters customers_customer too.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            orders_data.load(plan, people, customers)
            del customers
            # The funnel reads each deal's summary of its stage history, which COPY does not
            # write; after the loaders, whose ALTER TABLEs refuse a table with pending checks.
            stays_refresh()
            step = time.monotonic()
        self.stdout.write(f"  commit {time.monotonic() - step:.1f} s")
        step = time.monotonic()
        with connection.cursor() as cursor:
            # VACUUM sets the visibility map (index-only scans of the open book, for the snapshots
            # and every benchmark after) and the hint bits, so the first reads write nothing; it
            # cannot run inside a transaction (a test's), where ANALYZE does the planner's part.
            # The project's tables only: a bare ANALYZE also takes the shared catalogs
            # (pg_authid) and, in a test's transaction, holds that lock until the test ends,
            # so every other database's ANALYZE on the server waited for it.
            tables = ", ".join(
                connection.ops.quote_name(t)
                for t in connection.introspection.django_table_names(only_existing=True)
            )
            command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
            cursor.execute(f"{command} {tables}")
        self.stdout.write(f"  VACUUM (ANALYZE) {time.monotonic() - step:.1f} s")
        self.stdout.write("aging snapshots")
        snapshots.load(plan)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE receivables_agingsnapshot")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        self.stdout.write(
            self.style.SUCCESS(
                f"Done in {time.monotonic() - started:.1f} s, peak RSS {peak:.0f} MB. "
                f"Every user's password is {accounts_data.PASSWORD}."
            )
        )
