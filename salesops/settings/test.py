"""Test settings: the database comes from DATABASE_URL (PostgreSQL in CI) or SQLite."""

import tempfile
from pathlib import Path

from .base import *

SALESOPS_ENV = "test"
DEBUG = False
SECRET_KEY = "test-only-key-0123456789abcdefghijklmnopqrstuvwxyz"  # noqa: S105
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"
MEDIA_ROOT = Path(tempfile.gettempdir()) / "salesops-test-media"

# Without REDIS_URL, tests that need a broker use an embedded one in a private folder, so a
# developer's running `make run` and the tests never share a queue.
if not REDIS_URL:
    CELERY_DATA_DIR = Path(
        env(
            "SALESOPS_CELERY_DIR", default=str(Path(tempfile.gettempdir()) / "salesops-test-celery")
        )
    )
    CELERY_RESULT_BACKEND = f"file://{CELERY_DATA_DIR / 'results'}"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_DATA_DIR / "queue"),
        "data_folder_out": str(CELERY_DATA_DIR / "queue"),
        "control_folder": str(CELERY_DATA_DIR / "control"),
        "processed_folder": str(CELERY_DATA_DIR / "processed"),
        "store_processed": False,
    }

# Under pytest-xdist (`make test` runs two worker processes) pytest-django gives each worker its
# own PostgreSQL database (test_<name>_gw0, _gw1); give each its own Redis database, embedded
# broker folder and media folder too, so no worker sees another's queues or files. A Celery
# worker process a test starts inherits PYTEST_XDIST_WORKER and so lands on the same ones.
_XDIST_WORKER = env("PYTEST_XDIST_WORKER", default="")
if _XDIST_WORKER.startswith("gw") and _XDIST_WORKER[2:].isdigit():
    _worker = int(_XDIST_WORKER[2:])
    MEDIA_ROOT = MEDIA_ROOT.with_name(f"{MEDIA_ROOT.name}-{_XDIST_WORKER}")
    _base, _, _db = REDIS_URL.rpartition("/")
    if REDIS_URL and _db.isdigit():
        REDIS_URL = f"{_base}/{(int(_db) + _worker) % 16}"  # Redis has databases 0-15
        CELERY_BROKER_URL = CELERY_RESULT_BACKEND = REDIS_URL
    elif not REDIS_URL:
        CELERY_DATA_DIR = CELERY_DATA_DIR.with_name(f"{CELERY_DATA_DIR.name}-{_XDIST_WORKER}")
        CELERY_RESULT_BACKEND = f"file://{CELERY_DATA_DIR / 'results'}"
        CELERY_BROKER_TRANSPORT_OPTIONS = {
            **CELERY_BROKER_TRANSPORT_OPTIONS,
            "data_folder_in": str(CELERY_DATA_DIR / "queue"),
            "data_folder_out": str(CELERY_DATA_DIR / "queue"),
            "control_folder": str(CELERY_DATA_DIR / "control"),
            "processed_folder": str(CELERY_DATA_DIR / "processed"),
        }
