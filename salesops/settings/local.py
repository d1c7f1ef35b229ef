"""Development on one machine: SQLite and the embedded Celery broker unless env says otherwise."""

from .base import *

SALESOPS_ENV = "local"
DEBUG = env.bool("DJANGO_DEBUG", default=True)
# A fixed development key: local settings are never used to serve real users.
SECRET_KEY = env("DJANGO_SECRET_KEY", default="local-only-insecure-key-0123456789abcdefghijklmnop")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
