"""The web flow every Excel import page shares: upload -> preview (every problem listed,
nothing written) -> confirm (all rows or none).

A clean upload waits for confirmation in MEDIA_ROOT/imports, one file per session, named by a
random token kept in the session. Confirming checks that file again before writing it.
"""

import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from salesops.core.excel import ExcelRefusedError, open_worksheet
from salesops.core.xlsx_reader import SheetRows

# Uploads waiting for confirmation, one file per session, named by a random token.
IMPORT_DIR = Path(settings.MEDIA_ROOT) / "imports"


class StoredUpload:
    """The upload a session has waiting for confirmation: `folder`/<token>.xlsx, with the token
    in the session under `session_key`."""

    def __init__(self, request, *, folder: Path, session_key: str):
        self.request = request
        self.folder = folder
        self.session_key = session_key

    def path(self) -> Path | None:
        token = self.request.session.get(self.session_key)
        if not token:
            return None
        try:
            path = self.folder / f"{uuid.UUID(token)}.xlsx"
        except ValueError:
            return None
        return path if path.is_file() else None

    def drop(self) -> None:
        path = self.path()
        if path is not None:
            path.unlink(missing_ok=True)
        self.request.session.pop(self.session_key, None)
        self.request.session.pop(self.rows_key, None)

    @property
    def rows_key(self) -> str:
        return f"{self.session_key}:rows"

    def rows(self) -> int:
        """How many rows the preview found clean (0 when not known)."""
        return int(self.request.session.get(self.rows_key) or 0)

    def store(self, upload, *, rows: int = 0) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        token = str(uuid.uuid4())
        upload.seek(0)
        (self.folder / f"{token}.xlsx").write_bytes(upload.read())
        self.request.session[self.session_key] = token
        self.request.session[self.rows_key] = rows


def in_background(request, kind: str) -> Callable[[Path, int], HttpResponse]:
    """The `background` of import_page: queue the checked file as an ImportRun of `kind` and
    send the user to its status page."""

    def start(path: Path, rows: int) -> HttpResponse:
        from salesops.core.import_runs import import_run_start

        run = import_run_start(actor=request.user, kind=kind, path=path, total_rows=rows)
        return redirect(run)

    return start


def import_page(
    request,
    *,
    form_class: type[forms.Form],
    stored: StoredUpload,
    check: Callable[[SheetRows], Any],
    write: Callable[[Any], Any],
    page: str,
    show: Callable[[forms.Form, Any], HttpResponse],
    imported: Callable[[Any, Any], HttpResponse],
    keep_rechecked_upload: bool = False,
    background: Callable[[Path, int], HttpResponse] | None = None,
) -> HttpResponse:
    """Run one request of the flow.

    check(worksheet) makes a plan (nothing written), write(plan) writes a clean one and returns
    what imported(plan, result) needs to answer after a successful write; show(form, plan)
    renders the page (plan is None before a file was checked). `page` is the URL name redirected
    to when a confirmation cannot go ahead. When the check at confirmation finds problems, the
    stored upload is dropped and a fresh form shown, unless keep_rechecked_upload.

    A confirmed file with more clean rows than settings.IMPORT_BACKGROUND_ROWS goes to
    background(path, rows) instead, which checks and writes it in a worker (see
    salesops.core.import_runs): a large file is neither checked nor written in the request.
    """
    posted = request.method == "POST"
    # Bound on every POST, so a POST without a file says "required" instead of showing nothing.
    form = form_class(request.POST if posted else None, request.FILES if posted else None)
    plan = None
    if posted and "confirm" in request.POST:
        path = stored.path()
        if path is None:
            messages.error(request, _("The uploaded file has expired; upload it again."))
            return redirect(page)
        if background is not None and stored.rows() > settings.IMPORT_BACKGROUND_ROWS:
            response = background(path, stored.rows())
            stored.drop()
            return response
        with path.open("rb") as upload:
            try:
                worksheet = open_worksheet(upload)
            except ExcelRefusedError as exc:
                stored.drop()
                messages.error(request, str(exc))
                return redirect(page)
            # Checked again: the data may have changed since the preview.
            try:
                plan = check(worksheet)
            except ExcelRefusedError as exc:
                stored.drop()
                messages.error(request, str(exc))
                return redirect(page)
            if plan.ok:
                try:
                    result = write(plan)
                except ValidationError as exc:
                    messages.error(
                        request,
                        _("Nothing was imported: %(error)s") % {"error": " ".join(exc.messages)},
                    )
                    return redirect(page)
        if plan.ok:
            stored.drop()
            return imported(plan, result)
        if keep_rechecked_upload:
            return show(form, plan)
        stored.drop()
        return show(form_class(), plan)
    if posted and form.is_valid():
        # A new upload replaces any file waiting for confirmation, whatever its outcome: a
        # confirm must never import an older file than the one last checked.
        stored.drop()
        upload = form.cleaned_data["file"]
        try:
            worksheet = open_worksheet(upload)
            # Rows are read here: a sheet damaged or hostile further down is refused here too.
            plan = check(worksheet)
        except ExcelRefusedError as exc:
            form.add_error("file", str(exc))
            plan = None
        else:
            if plan.ok:
                stored.store(upload, rows=len(plan.rows))
    return show(form, plan)
