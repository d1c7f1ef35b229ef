"""Settings per environment, checked in fresh interpreters so each module loads from scratch."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "salesops.settings.production",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "DJANGO_ALLOWED_HOSTS": "crm.example.com",
    "DATABASE_URL": "postgres://salesops:pw@db.example.com:5432/salesops",
    "REDIS_URL": "redis://redis.example.com:6379/0",
}


def run(args, env_overrides, drop=()):
    env = {k: v for k, v in os.environ.items() if k not in drop and not k.startswith("DJANGO_")}
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def settings_summary(env):
    code = (
        "import json, django; django.setup(); from django.conf import settings as s;"
        "print(json.dumps({'engine': s.DATABASES['default']['ENGINE'],"
        "'broker': s.CELERY_BROKER_URL,"
        "'debug': s.DEBUG, 'lang': s.LANGUAGE_CODE, 'tz': s.TIME_ZONE, 'env': s.SALESOPS_ENV}))"
    )
    result = run(["-c", code], env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_check_deploy_passes_with_production_settings():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_its_secret_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "DJANGO_SECRET_KEY"}
    result = run(["manage.py", "check"], env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_database_or_redis():
    for missing in ("DATABASE_URL", "REDIS_URL", "DJANGO_ALLOWED_HOSTS"):
        env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
        result = run(["manage.py", "check"], env)
        assert result.returncode != 0, missing
        assert missing in result.stderr


def test_local_default_is_sqlite_and_the_embedded_broker():
    summary = settings_summary({"DJANGO_SETTINGS_MODULE": "salesops.settings.local"})
    assert summary == {
        "engine": "django.db.backends.sqlite3",
        "broker": "filesystem://localhost//",
        "debug": True,
        "lang": "zh-hans",
        "tz": "Asia/Shanghai",
        "env": "local",
    }


def test_database_url_and_redis_url_switch_to_postgresql_and_redis():
    summary = settings_summary(
        {
            "DJANGO_SETTINGS_MODULE": "salesops.settings.local",
            "DATABASE_URL": "postgres://u:p@127.0.0.1:5432/salesops",
            "REDIS_URL": "redis://127.0.0.1:6379/0",
        }
    )
    assert summary["engine"] == "django.db.backends.postgresql"
    assert summary["broker"] == "redis://127.0.0.1:6379/0"
