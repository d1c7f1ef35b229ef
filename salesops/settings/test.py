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
