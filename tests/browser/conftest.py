"""Playwright driving Debian's Chromium (never a downloaded browser) against the live server."""

from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

# Headless, and quiet: this machine has no network, and background services would only retry.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


@pytest.fixture(scope="package")
def browser(chromium_path):
    """One Chromium for all browser tests of a test process (each test still gets fresh
    contexts, so no cookie or page survives a test): launching it costs seconds."""
    # Playwright's sync API keeps an event loop in this thread; the ORM calls the test makes
    # between browser steps are still synchronous and safe. Package scope: the setting ends
    # with the browser tests.
    from playwright.sync_api import sync_playwright

    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(
            executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


_DEMO_COPY: dict = {}  # {day: {table: COPY data}}: the database as seed_demo left it


def seed_demo() -> None:
    """`manage.py seed_demo` for a browser test (committed rows, the live server reads them).

    On PostgreSQL the command runs once per test process (and day): it takes many seconds, and
    every browser test wants the same demo. That first run's tables are copied out; a later call
    empties the database and copies them back (COPY, well under a second), so each test starts
    from exactly what seed_demo writes, whatever the tests before it changed."""
    if connection.vendor != "postgresql":
        call_command("seed_demo", verbosity=0)
        return
    day = timezone.localdate()  # the demo is dated relative to today
    tables = [t for t in connection.introspection.table_names() if t != "django_migrations"]
    if day not in _DEMO_COPY:
        call_command("seed_demo", verbosity=0)
        copied = {}
        with connection.cursor() as cursor:
            for table in tables:
                with cursor.cursor.copy(f'COPY "{table}" TO STDOUT (FORMAT BINARY)') as copy:
                    copied[table] = b"".join(bytes(chunk) for chunk in copy)
        _DEMO_COPY.clear()
        _DEMO_COPY[day] = copied
        return
    # Django's foreign keys are deferred to the commit, so the tables load in any order.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"
        )
        for table, data in _DEMO_COPY[day].items():
            with cursor.cursor.copy(f'COPY "{table}" FROM STDIN (FORMAT BINARY)') as copy:
                copy.write(data)
        models = apps.get_models(include_auto_created=True)
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)
    # Content types came back with the seeded run's ids; forget the ones cached since.
    ContentType.objects.clear_cache()


@pytest.fixture
def phone(browser):
    """A 390 px wide phone whose browser asks for English, as many users' phones do."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="en-US",
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
