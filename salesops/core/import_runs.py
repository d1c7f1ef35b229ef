"""Excel imports applied by a Celery worker: start a run, then check and apply it once.

A run is claimed with a conditional UPDATE (queued -> running), so a redelivered or duplicated
task never applies a file twice. The file is checked again first, outside any transaction,
so the rows-checked counter it writes every PROGRESS_EVERY rows is committed at once and the
status page sees it. The rows are then written in one transaction, together with the "done"
mark and the report: either everything is written and the run is done, or nothing is and the
run is failed with its problem lines (`row n, column: message`) or its error.
"""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from salesops.core.excel import ExcelRefusedError, open_worksheet
from salesops.core.models import ImportRun

# How often (in sheet rows read) the check writes its progress.
PROGRESS_EVERY = 200


@dataclass(frozen=True)
class _Importer:
    plan: Callable[..., Any]  # plan(*, actor, worksheet) -> Plan
    apply: Callable[..., Any]  # apply(*, actor, plan) -> result

    def count(self, result: Any) -> int:
        """Rows written: (created, updated) for customers, the list created for balances."""
        return sum(result) if isinstance(result, tuple) else len(result)


# Filled by the apps that import a kind of file, from their AppConfig.ready(): the core sits below
# them and names none of them.
IMPORTERS: dict[str, _Importer] = {}


def importer_register(kind: str, *, plan: Callable[..., Any], apply: Callable[..., Any]) -> None:
    """Name the check and the write a background run of `kind` (an ImportRun.Kind) calls."""
    IMPORTERS[kind] = _Importer(plan, apply)


class _ProgressRows:
    """A worksheet whose rows() records on the run how many rows were read so far."""

    def __init__(self, worksheet, run_id: int):
        self._worksheet, self._run_id = worksheet, run_id

    def __getattr__(self, name):
        return getattr(self._worksheet, name)

    def _record(self, done: int) -> None:
        ImportRun.objects.filter(pk=self._run_id).update(rows_done=done)

    def rows(self, **kwargs):
        done = 0
        for number, cells in self._worksheet.rows(**kwargs):
            yield number, cells
            done = max(number - 1, 0)  # data rows: the header is row 1
            if done and done % PROGRESS_EVERY == 0:
                self._record(done)
        self._record(done)


@transaction.atomic
def import_run_start(*, actor, kind: str, path: Path, total_rows: int) -> ImportRun:
    """Keep a copy of the checked upload at `path` and queue it for a worker (once the run is
    committed, so the worker finds it)."""
    from salesops.core.tasks import import_run_apply

    run = ImportRun(kind=kind, created_by=actor, total_rows=total_rows)
    with path.open("rb") as upload:
        run.file.save(f"{kind}.xlsx", File(upload), save=False)
    run.save()
    language = get_language()
    transaction.on_commit(lambda: import_run_apply.delay(run.pk, language))
    return run


def _finish(run_id: int, **fields) -> None:
    ImportRun.objects.filter(pk=run_id).update(finished_at=timezone.now(), **fields)


def import_run_execute(*, run_id: int) -> str:
    """Check and apply one queued run; returns its final status, or "skipped" when the run was
    not queued (already taken by another delivery of the task, or finished)."""
    claimed = ImportRun.objects.filter(pk=run_id, status=ImportRun.Status.QUEUED).update(
        status=ImportRun.Status.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return "skipped"
    try:
        return _check_and_apply(ImportRun.objects.select_related("created_by").get(pk=run_id))
    except Exception:
        # A crash must not leave the page polling forever; the transaction wrote nothing.
        _finish(
            run_id,
            status=ImportRun.Status.FAILED,
            error=_("The import stopped on an unexpected error; nothing was imported."),
        )
        raise


def _check_and_apply(run: ImportRun) -> str:
    run_id = run.pk
    importer = IMPORTERS[run.kind]
    actor = run.created_by
    failed = ImportRun.Status.FAILED
    try:
        with run.file.open("rb") as upload:
            worksheet = _ProgressRows(open_worksheet(upload), run_id)
            plan = importer.plan(actor=actor, worksheet=worksheet)
    except (ExcelRefusedError, PermissionDenied) as exc:
        _finish(run_id, status=failed, error=str(exc))
        return failed
    if not plan.ok:
        _finish(run_id, status=failed, problems=[str(problem) for problem in plan.problems])
        return failed
    try:
        with transaction.atomic():
            result = importer.apply(actor=actor, plan=plan)
            _finish(
                run_id,
                status=ImportRun.Status.DONE,
                imported_count=importer.count(result),
                rows_done=run.total_rows,
            )
    except ValidationError as exc:
        _finish(run_id, status=failed, error=" ".join(exc.messages))
        return failed
    except PermissionDenied as exc:
        _finish(run_id, status=failed, error=str(exc))
        return failed
    return ImportRun.Status.DONE
