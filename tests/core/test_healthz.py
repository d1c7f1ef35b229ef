"""/healthz: 200 with JSON when database and broker are up, 503 when either is down."""

from datetime import timedelta

import pytest
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone

from salesops.celery import app
from salesops.core import health
from salesops.core.services import heartbeat_beat

pytestmark = pytest.mark.django_db


def test_healthz_reports_database_and_broker_up(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["status"] == "up"
    assert body["broker"]["status"] == "up"
    assert response["Cache-Control"].startswith("max-age=0")


def test_healthz_is_503_when_the_broker_is_unreachable(client, monkeypatch, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    monkeypatch.setitem(app.conf, "broker_url", "redis://127.0.0.1:1/0")
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    body = response.json()
    assert body["broker"]["status"] == "down"
    assert body["database"]["status"] == "up"


def test_healthz_is_503_when_the_embedded_broker_folder_is_gone(
    admin_client, monkeypatch, settings, tmp_path
):
    client = admin_client  # staff see the details
    settings.REDIS_URL = ""
    monkeypatch.setitem(app.conf, "broker_url", "filesystem://localhost//")
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"data_folder_in": str(tmp_path / "missing")}
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert "missing" in response.json()["broker"]["detail"]


def test_healthz_is_503_when_the_database_fails(client, monkeypatch, settings):
    # Without a database nobody can be recognised as staff; development shows the details.
    settings.DEBUG = True

    def broken_cursor(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(health.connection, "cursor", broken_cursor)
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    body = response.json()
    assert body["database"] == {"status": "down", "detail": "OperationalError: connection refused"}
    assert body["scheduler"]["status"] == "unknown"


def test_scheduler_heartbeat_is_reported_but_does_not_fail_the_check(admin_client):
    client = admin_client
    assert client.get(reverse("healthz")).json()["scheduler"]["status"] == "stale"
    heartbeat_beat(name="scheduler", now=timezone.now() - timedelta(seconds=30))
    body = client.get(reverse("healthz")).json()
    assert body["scheduler"]["status"] == "up"
    heartbeat_beat(name="scheduler", now=timezone.now() - timedelta(hours=1))
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json()["scheduler"]["status"] == "stale"


def test_scheduler_status_command_exits_1_when_stale_and_0_when_fresh(capsys):
    from django.core.management import call_command

    with pytest.raises(SystemExit) as stale:
        call_command("scheduler_status")
    assert stale.value.code == 1
    heartbeat_beat(name="scheduler", now=timezone.now())
    call_command("scheduler_status")
    assert "scheduler up" in capsys.readouterr().out


def test_anonymous_callers_get_statuses_without_exception_texts(client, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise OperationalError('connection to server at "db.internal" failed')

    monkeypatch.setattr(health.connection, "cursor", broken_cursor)
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json() == {
        "status": "error",
        "database": {"status": "down"},
        "broker": {"status": "up"},
        "scheduler": {"status": "unknown"},
    }
