"""Shared by the import tests: the import commands run in-process and as a real process, and
the uploads a web import keeps waiting for confirmation."""

import os
import subprocess
import sys
from collections.abc import Callable
from io import StringIO
from pathlib import Path

from django.conf import settings
from django.core.management import call_command


def manage_process(tmp_path: Path, setup: str) -> Callable[..., subprocess.CompletedProcess]:
    """`manage.py` in a real process, against its own SQLite file in `tmp_path` (the test
    database lives in memory, out of a subprocess's reach): migrated, then `setup` run in
    `manage.py shell`. Returns manage(*args) -> the finished process, streams as text."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "salesops.settings.test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'import.sqlite3'}",
    }

    def manage(*args):
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=settings.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )

    migrated = manage("migrate", "-v0")
    assert migrated.returncode == 0, migrated.stderr
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
