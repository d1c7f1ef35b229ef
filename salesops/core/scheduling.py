"""Scheduled jobs: the registry each app's jobs.py fills with @scheduled_job, the day a job runs
for, and the stamp that hands a job task the day beat fired it.

A job is a keyword-only service `<entity>_<action>(*, as_of: date)` in `<app>/jobs.py`; its Celery
task `<app>.tasks.<same name>` calls it directly; the beat entry (salesops/schedules.py) has the
same name as key. The registry only serves `run_job`, the as_of stamp and the consistency test:
it never sits between a task and its job. It names no app: apps register themselves, and
`jobs()` finds them by importing every installed app's `jobs` module.

Every run of a registered job is recorded here, in one place: `scheduled_job` wraps the job so
that a call (the task's, `run_job`'s) writes a `JobRun` row when it starts and finishes that row
with its outcome, duration and error (the admin's home page reads them).
"""

import functools
import logging
import re
import traceback
from collections.abc import Callable
from datetime import date
from typing import TypeVar

from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

JOB_NAME = re.compile(r"[a-z]+(_[a-z]+)+")

_REGISTRY: dict[str, Callable[..., object]] = {}
# Other names `run_job` accepts for a job (the name an issue or a runbook spelled), → job name.
_ALIASES: dict[str, str] = {}

F = TypeVar("F", bound=Callable[..., object])

logger = logging.getLogger(__name__)


def scheduled_job(function: F | None = None, *, aliases: tuple[str, ...] = ()):
    """Register a job under its function's name, which must read `<entity>_<action>`;
    `@scheduled_job(aliases=(...))` also lets `run_job` take those names for it (only run_job:
    the task and the beat entry keep the job's name)."""
    if function is None:
        return lambda job: _register(job, aliases=aliases)
    return _register(function, aliases=aliases)


def _register(function: F, *, aliases: tuple[str, ...]) -> F:
    name = function.__name__
    if not JOB_NAME.fullmatch(name):
        raise ImproperlyConfigured(f"job {name!r} is not named <entity>_<action>")
    registered = _REGISTRY.get(name)
    if registered is not None and registered.__module__ != function.__module__:
        raise ImproperlyConfigured(
            f"job {name!r} is defined in {registered.__module__} and {function.__module__}"
        )
    for alias in aliases:
        if _ALIASES.get(alias, name) != name or alias in _REGISTRY:
            raise ImproperlyConfigured(f"job alias {alias!r} is taken")
        _ALIASES[alias] = name
    recorded = _recorded(function)
    _REGISTRY[name] = recorded
    return recorded


def _recorded(function: F) -> F:
    """The job, recording each of its runs as a JobRun: a row of its own when it starts, and
    that row's outcome when it ends (ok, or failed with the traceback; the exception goes on
    to the caller, so Celery and run_job still see it fail). Writing the record never stops
    the job: a record that cannot be written is logged."""

    @functools.wraps(function)
    def run(*args, **kwargs):
        from salesops.core.services import job_run_start

        as_of = kwargs.get("as_of")
        try:
            record = job_run_start(
                name=function.__name__, as_of=as_of if isinstance(as_of, date) else None
            )
        except Exception:
            logger.exception("could not record the start of job %s", function.__name__)
            record = None
        try:
            result = function(*args, **kwargs)
        except BaseException:
            _finish(record, error=traceback.format_exc() or "failed")
            raise
        _finish(record)
        return result

    return run  # type: ignore[return-value]


def _finish(record, *, error: str = "") -> None:
    from salesops.core.services import job_run_finish

    if record is None:
        return
    try:
        job_run_finish(run=record, error=error)
    except Exception:
        logger.exception("could not record the end of job %s", record.name)


def jobs() -> dict[str, Callable[..., object]]:
    """Every registered job by name, sorted; imports each installed app's jobs module first."""
    autodiscover_modules("jobs")
    return dict(sorted(_REGISTRY.items()))


def aliases() -> dict[str, str]:
    """Every alias `run_job` accepts, → the job's name."""
    autodiscover_modules("jobs")
    return dict(sorted(_ALIASES.items()))


def task_name(job: Callable[..., object]) -> str:
    """The Celery task of a job: `<app>.tasks.<job name>` beside `<app>.jobs`."""
    app = job.__module__.rsplit(".", 1)[0]
    return f"{app}.tasks.{job.__name__}"


def parse_day(value: str) -> date:
    """A day given as YYYY-MM-DD exactly; ValueError otherwise (date.fromisoformat alone would
    also take 20261123 or 2026-W48-1)."""
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"not a YYYY-MM-DD date: {value!r}") from None


def job_day(as_of: str | None) -> date:
    """The day a job task runs for: the one in its message (stamped at publish), else today in
    Asia/Shanghai (a task run by hand without one)."""
    return parse_day(as_of) if as_of is not None else timezone.localdate()


def stamp_as_of(sender: str | None = None, body=None, headers=None, **_kwargs) -> None:
    """before_task_publish: give a job task published without a day the day of publishing.

    Beat publishes at the scheduled moment, so the task carries the day beat fired it; a retry
    or an acks_late redelivery re-sends the same kwargs, so a run after midnight still runs for
    the earlier day. The kwargs dict is the message body's own (Celery serialises it after this
    signal); beat builds a fresh one for every publish, so nothing leaks into the next run.
    """
    if sender is None or body is None:
        return
    if sender not in {task_name(job) for job in jobs().values()}:
        return
    if isinstance(body, dict):  # message protocol 1
        args, kwargs = body.get("args") or (), body.setdefault("kwargs", {})
    else:  # protocol 2: (args, kwargs, embed)
        args, kwargs = body[0], body[1]
    if args or "as_of" in kwargs:
        return
    kwargs["as_of"] = timezone.localdate().isoformat()
    if headers is not None and "kwargsrepr" in headers:  # what flower and the logs show
        headers["kwargsrepr"] = repr(kwargs)
