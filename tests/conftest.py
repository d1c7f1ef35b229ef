"""Shared fixtures: users per role, the service guard (Redis, worker, browser) and helpers.

SALESOPS_REQUIRE_SERVICES=1 (set by .ci/run) turns every "service missing" skip into a failure,
and demands PostgreSQL, so CI can never pass by skipping what it asked for.
"""

import os
import shutil
from importlib import import_module

import pytest
from django.apps import apps
from django.db import connection
from django.utils import translation

from salesops.core import excel
from tests.factories import CustomerFactory, TeamFactory, UserFactory

REQUIRE_SERVICES = os.environ.get("SALESOPS_REQUIRE_SERVICES") == "1"


def service_missing(reason: str):
    """Skip locally, fail in CI: call from a fixture or test when a real service is absent."""
    if REQUIRE_SERVICES:
        pytest.fail(
            f"required service missing (SALESOPS_REQUIRE_SERVICES=1): {reason}", pytrace=False
        )
    pytest.skip(reason)


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups
def pytest_collection_modifyitems(items):
    """Under `--dist loadgroup` (`make test`), tests sharing a per-process set-up run in the
    same xdist worker, so it is paid once: the browser tests share one Chromium and one seeded
    demo (tests/browser/conftest.py), the real-process command tests one migrated SQLite file
    (tests/import_helpers.py). The architecture tests stay together because one of them writes
    a probe module into customers/ that the others, in another worker, would count."""
    for item in items:
        if item.nodeid.startswith("tests/browser/"):
            item.add_marker(pytest.mark.xdist_group("browser"))
        if item.nodeid.startswith("tests/test_architecture.py"):
            item.add_marker(pytest.mark.xdist_group("architecture"))
        function = getattr(item, "function", None)
        if function is not None and "manage_process" in function.__code__.co_names:
            item.add_marker(pytest.mark.xdist_group("migrated_sqlite"))


@pytest.fixture(scope="session", autouse=True)
def _require_postgres_in_ci(django_db_setup, django_db_blocker):
    if REQUIRE_SERVICES:
        with django_db_blocker.unblock():
            vendor = connection.vendor
        if vendor != "postgresql":
            pytest.exit(
                f"SALESOPS_REQUIRE_SERVICES=1 but the test database is {vendor}; set DATABASE_URL",
                returncode=3,
            )


@pytest.fixture(autouse=True)
def _no_language_left_active():
    """Each test starts as a fresh thread does, in LANGUAGE_CODE: a language one test left
    active (a command, a request, translation.activate) would otherwise change the next test's
    labels, and which test runs next differs between one process and the xdist workers."""
    yield
    translation.deactivate()


# Data migrations seed reference rows (role groups, regions, tier rules, customer settings).
# Transactional tests end with a flush that deletes them; put them back before each such test
# by running the same migration functions against the live app registry.
REFERENCE_DATA = [
    ("salesops.accounts.migrations.0003_roles", "create_roles"),
    ("salesops.core.migrations.0002_regions", "create_regions"),
    ("customers.migrations.0002_tier_rules", "create_defaults"),
    ("opportunities.migrations.0002_funnel_defaults", "create_defaults"),
    ("receivables.migrations.0002_defaults", "create_defaults"),
    ("receivables.migrations.0005_collection_class_defaults", "create_defaults"),
    # English names (and tier names) on the rows seeded above.
    ("salesops.core.migrations.0003_english_names_and_admin_labels", "name_in_english"),
    ("customers.migrations.0006_tier_names", "name_tiers"),
    ("opportunities.migrations.0003_english_names", "name_in_english"),
    ("receivables.migrations.0007_english_names_and_admin_labels", "name_in_english"),
]


def _is_transactional(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    if marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])):
        return True
    return bool({"transactional_db", "live_server"} & set(request.fixturenames))


_FLUSHED = []  # set once a transactional test ran: its flush may have been the last write


@pytest.fixture(autouse=True)
def _reference_data_for_transactional_tests(request):
    if _is_transactional(request):
        _FLUSHED.append(True)
        request.getfixturevalue("transactional_db")
        for module, function in REFERENCE_DATA:
            getattr(import_module(module), function)(apps, None)


@pytest.fixture(scope="session", autouse=True)
def _reference_data_left_for_the_next_run(django_db_setup, django_db_blocker):
    """With --reuse-db the next run starts from this run's last state: when a transactional
    test's flush was the last write, put the reference rows back so that run does not start on
    an empty database (Group.DoesNotExist everywhere)."""
    yield
    if not _FLUSHED:
        return
    from django.contrib.auth.models import Group

    with django_db_blocker.unblock():
        if not Group.objects.exists():
            for module, function in REFERENCE_DATA:
                getattr(import_module(module), function)(apps, None)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = (
        os.environ.get("CHROMIUM_PATH")
        or shutil.which("chromium")
        or shutil.which("chromium-browser")
    )
    if not path:
        service_missing("no Chromium found (apt-get install chromium, or set CHROMIUM_PATH)")
    return path


@pytest.fixture
def locmem_templates(settings):
    """Render from templates given inline: `locmem_templates(**{"doc.html": "..."})`."""

    def use(**templates):
        settings.TEMPLATES = [
            {
                "BACKEND": "django.template.backends.django.DjangoTemplates",
                "OPTIONS": {"loaders": [("django.template.loaders.locmem.Loader", templates)]},
            }
        ]

    return use


@pytest.fixture
def redis_url() -> str:
    from django.conf import settings

    if not settings.REDIS_URL:
        service_missing("REDIS_URL is not set; the embedded broker is used instead")
    import redis

    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        service_missing(f"Redis at REDIS_URL does not answer: {exc}")
    return settings.REDIS_URL


# --- People: two teams, as seed_demo builds them -------------------------------------------------


def make_org() -> dict:
    """manager1 leads team A (rep1, rep2); manager2 leads team B (rep3); finance1; admin."""
    manager1 = UserFactory(username="manager1", role="manager")
    manager2 = UserFactory(username="manager2", role="manager")
    team_a = TeamFactory(name="华东销售一部", manager=manager1, region__name="华东")
    team_b = TeamFactory(name="华北销售部", manager=manager2, region__name="华北")
    people = {
        "manager1": manager1,
        "manager2": manager2,
        "rep1": UserFactory(username="rep1", role="rep", team=team_a),
        "rep2": UserFactory(username="rep2", role="rep", team=team_a),
        "rep3": UserFactory(username="rep3", role="rep", team=team_b),
        "finance1": UserFactory(username="finance1", role="finance"),
        "admin": UserFactory(username="admin", role="admin", is_staff=True, is_superuser=True),
    }
    people["team_a"], people["team_b"] = team_a, team_b
    return people


def make_customers(org: dict) -> dict:
    """One customer per seller, named after its owner."""
    return {
        owner: CustomerFactory(name=f"{owner}的客户", owner=org[owner])
        for owner in ("rep1", "rep2", "rep3", "manager1", "manager2")
    }


@pytest.fixture
def org(db):
    """manager1 leads team A (rep1, rep2); manager2 leads team B (rep3); finance1; admin."""
    return make_org()


@pytest.fixture
def customers(org):
    """One customer per seller, named after its owner."""
    return make_customers(org)


# --- Excel imports ------------------------------------------------------------------------------


@pytest.fixture
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def load_calls(monkeypatch):
    """Replaces the workbook reader inside salesops.core.excel (openpyxl's parsing starts
    there); the list records calls."""
    calls = []

    def refuse_to_load(*args, **kwargs):
        calls.append(args)
        raise AssertionError("the workbook must not be read for this file")

    monkeypatch.setattr(excel, "read_workbook", refuse_to_load)
    return calls
