"""Shared by the import tests: the import commands run in-process and as a real process, and
the uploads a web import keeps waiting for confirmation."""

import os
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Callable
from functools import cache
from io import StringIO
from pathlib import Path

from django.conf import settings
from django.core.management import call_command


def _manage(database: Path) -> Callable[..., subprocess.CompletedProcess]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "salesops.settings.test",
        "DATABASE_URL": f"sqlite:///{database}",
    }

    def manage(*args, timeout=180):
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=settings.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    return manage


_TEMPLATE_DIR = tempfile.TemporaryDirectory(prefix="salesops-migrated-")


@cache
def _migrated_template() -> Path:
    """An SQLite file `manage.py migrate` built once per test process: migrating takes most of
    a real-process test's time, and every such test starts from the same empty schema."""
    template = Path(_TEMPLATE_DIR.name) / "migrated.sqlite3"
    # Every migration in one process: minutes on a busy machine, so a longer limit.
    migrated = _manage(template)("migrate", "-v0", timeout=600)
    assert migrated.returncode == 0, migrated.stderr
    return template


def manage_process(tmp_path: Path, setup: str) -> Callable[..., subprocess.CompletedProcess]:
    """`manage.py` in a real process, against its own SQLite file in `tmp_path` (the test
    database lives in memory, out of a subprocess's reach): a copy of the once-migrated
    template, then `setup` run in `manage.py shell`. Returns manage(*args) -> the finished
    process, streams as text."""
    database = tmp_path / "import.sqlite3"
    # The backup API copies a consistent file even if the template was left in WAL mode.
    source, copy = sqlite3.connect(_migrated_template()), sqlite3.connect(database)
    try:
        source.backup(copy)
    finally:
        source.close()
        copy.close()
    manage = _manage(database)
    done = manage("shell", "-c", setup)
    assert done.returncode == 0, done.stderr
    return manage


def run_in_process(command: str, *args) -> tuple[int, str, str]:
    """(exit status, stdout, stderr) of a management command run in-process."""
    stdout, stderr = StringIO(), StringIO()
    try:
        call_command(command, *[str(a) for a in args], stdout=stdout, stderr=stderr)
    except SystemExit as exit_:
        return exit_.code, stdout.getvalue(), stderr.getvalue()
    return 0, stdout.getvalue(), stderr.getvalue()


def pending_files(folder: Path) -> list[Path]:
    """The uploads waiting for confirmation in `folder`."""
    return sorted(folder.glob("*.xlsx")) if folder.exists() else []
