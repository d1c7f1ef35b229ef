"""Registry of scheduled jobs: name -> service taking `as_of`. Celery tasks and
`manage.py run_job NAME [--as-of YYYY-MM-DD]` both run jobs from here, so a job behaves the same
from beat, from a shell and from a test. The schedule itself is in salesops/schedules.py."""

import re
from collections.abc import Callable
from datetime import date
from importlib import import_module

# name: "module:function"; each function takes keyword-only as_of: date.
JOBS: dict[str, str] = {
    "followup_reminders": "customers.services.reminders:followup_reminders_send",
    "customer_pool": "customers.services.pool:pool_run",
    "escalate_overdue": "receivables.jobs:escalate_overdue",
    "aging_snapshot": "receivables.jobs:aging_snapshot",
}


def parse_day(value: str) -> date:
    """A day given as YYYY-MM-DD exactly; ValueError otherwise (date.fromisoformat alone would
    also take 20261123 or 2026-W48-1)."""
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"not a YYYY-MM-DD date: {value!r}") from None


def job_function(name: str) -> Callable[..., object]:
    if name not in JOBS:
        raise KeyError(name)
    module, function = JOBS[name].split(":")
    return getattr(import_module(module), function)


def run_job(name: str, *, as_of: date) -> object:
    return job_function(name)(as_of=as_of)
