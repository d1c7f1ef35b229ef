"""Health probes for /healthz: database, broker and (informational) the beat scheduler."""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import DatabaseError, connection


@dataclass(frozen=True)
class Probe:
    ok: bool
    detail: str


def database_probe() -> Probe:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        return Probe(False, f"{type(exc).__name__}: {exc}".strip())
    return Probe(True, connection.vendor)


def broker_probe() -> Probe:
    from salesops.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=settings.CELERY_BROKER_CONNECTION_TIMEOUT)
            transport = conn.transport_cls
            if not settings.REDIS_URL:
                _filesystem_broker_writable()
    except Exception as exc:
        return Probe(False, f"{type(exc).__name__}: {exc}".strip())
    return Probe(True, str(transport))


def _filesystem_broker_writable() -> None:
    import os

    folder = settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"]
    if not os.access(folder, os.W_OK):
        raise OSError(f"broker folder {folder} is missing or not writable")


def scheduler_probe(*, now: datetime) -> Probe:
    from salesops.core.models import Heartbeat

    beat = Heartbeat.objects.filter(name="scheduler").first()
    if beat is None:
        return Probe(False, "no heartbeat yet")
    age = (now - beat.last_seen).total_seconds()
    return Probe(age <= settings.SCHEDULER_STALE_AFTER, f"last heartbeat {int(age)} s ago")
