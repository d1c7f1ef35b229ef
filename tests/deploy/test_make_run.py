"""`make run PORT=8001`: the port reaches the web process through honcho."""

import shutil
import subprocess
from pathlib import Path

import pytest
from honcho.environ import expand_processes, parse_procfile

ROOT = Path(__file__).resolve().parents[2]


def web_command(port: int) -> str:
    procfile = parse_procfile((ROOT / "Procfile.dev").read_text())
    web = next(p for p in expand_processes(procfile.processes, port=port) if p.name == "web.1")
    # honcho runs each command through the shell with its env: expand it the same way.
    return subprocess.run(
        ["/bin/sh", "-c", f"echo {web.cmd}"],
        env={"PATH": "/usr/bin:/bin", **web.env},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


@pytest.mark.parametrize("port", [8000, 8001])
def test_web_listens_on_the_port_honcho_is_given(port):
    assert web_command(port) == f"python manage.py runserver 127.0.0.1:{port} --noreload"


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
@pytest.mark.parametrize(("args", "port"), [([], 8000), (["PORT=8001"], 8001)])
def test_make_run_passes_the_port_to_honcho(args, port):
    plan = subprocess.run(
        ["make", "-n", "run", *args], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert f"honcho -f Procfile.dev start --port {port}" in plan
