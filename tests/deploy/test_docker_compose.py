"""docker-compose.yml and its Dockerfile, checked as data: no Docker engine runs here."""

from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def command_of(service) -> str:
    command = service["command"]
    return " ".join(command) if isinstance(command, list) else command


def test_the_stack_has_web_worker_beat_postgres_and_redis(compose):
    assert {"web", "worker", "beat", "postgres", "redis", "migrate"} == set(compose["services"])


def test_each_app_service_runs_the_right_process(compose):
    services = compose["services"]
    assert command_of(services["web"]).startswith("gunicorn salesops.wsgi:application")
    assert command_of(services["worker"]).startswith("celery -A salesops worker")
    assert command_of(services["beat"]).startswith("celery -A salesops beat")
    assert command_of(services["migrate"]) == "python manage.py migrate --no-input"
    for name in ("web", "worker", "beat", "migrate"):
        assert services[name]["build"] == "."
        env = services[name]["environment"]
        assert env["DJANGO_SETTINGS_MODULE"] == "salesops.settings.production"
        assert env["REDIS_URL"] == "redis://redis:6379/0"
        assert env["DATABASE_URL"].startswith("postgres://salesops:")
        assert env["DATABASE_URL"].endswith("@postgres:5432/salesops")


def test_secrets_have_no_default_in_compose(compose):
    env = compose["services"]["web"]["environment"]
    assert env["DJANGO_SECRET_KEY"].startswith("${DJANGO_SECRET_KEY:?")
    assert "${POSTGRES_PASSWORD:?" in env["DATABASE_URL"]
    assert compose["services"]["postgres"]["environment"]["POSTGRES_PASSWORD"].startswith(
        "${POSTGRES_PASSWORD:?"
    )


def test_long_running_services_have_health_checks_and_data_has_volumes(compose):
    services = compose["services"]
    for name in ("web", "worker", "beat", "postgres", "redis"):
        assert services[name]["healthcheck"]["test"], name
    assert "/healthz" in " ".join(services["web"]["healthcheck"]["test"])
    assert "postgres-data:/var/lib/postgresql/data" in services["postgres"]["volumes"]
    assert "redis-data:/data" in services["redis"]["volumes"]
    assert {"postgres-data", "redis-data", "media"} <= set(compose["volumes"])


def test_app_services_wait_for_healthy_database_redis_and_migrations(compose):
    for name in ("web", "worker", "beat"):
        deps = compose["services"][name]["depends_on"]
        assert deps["postgres"]["condition"] == "service_healthy"
        assert deps["redis"]["condition"] == "service_healthy"
        assert deps["migrate"]["condition"] == "service_completed_successfully"


def test_dockerfile_installs_cjk_fonts_pango_and_pinned_assets():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "fonts-noto-cjk" in dockerfile
    assert "libpango-1.0-0" in dockerfile
    assert "npm ci" in dockerfile
    assert "uv sync --frozen --no-dev" in dockerfile
    assert "USER salesops" in dockerfile  # not root at run time
    assert "collectstatic" in dockerfile
