"""A task sent through the real broker is executed by a real worker process and answers back.

CI: Redis (REDIS_URL). Locally without Redis: the embedded filesystem broker.
"""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from salesops.celery import app
from salesops.core.tasks import ping
from tests.conftest import REQUIRE_SERVICES

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def worker(request):
    """Start `celery worker` on a private queue; stop it after the test."""
    if REQUIRE_SERVICES:
        request.getfixturevalue("redis_url")  # CI must exercise Redis, not the embedded broker
    queue = f"test-{uuid.uuid4().hex[:8]}"
    log_path = ROOT / "var" / f"worker-{queue}.log"
    log_path.parent.mkdir(exist_ok=True)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "salesops.settings.test"}
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "salesops",
                "worker",
                "--pool=solo",
                "--without-mingle",
                "--without-gossip",
                "-Q",
                queue,
                "--loglevel=INFO",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    yield queue
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
    log_path.unlink(missing_ok=True)


@pytest.mark.services
def test_task_round_trip_through_a_real_worker(worker):
    result = ping.apply_async(args=[41], queue=worker)
    assert result.get(timeout=60) == {"echo": 41, "worker": os.uname().nodename}
    expected_transport = "redis" if settings.REDIS_URL else "filesystem"
    assert app.conf.broker_url.startswith(expected_transport)
