"""The opening-balance import page (期初应收导入): upload -> preview (every problem listed,
nothing written) -> confirm (all rows or none). Finance and admins only."""

import uuid
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from customers.forms import ImportUploadForm
from receivables import imports
from salesops.accounts.decorators import permission_errors_as_403, role_required
from salesops.accounts.roles import Role
from salesops.core.excel import ExcelRefusedError, open_worksheet
from salesops.core.templatetags.money import yuan

# Uploads waiting for confirmation, one file per session, named by a random token.
IMPORT_DIR = Path(settings.MEDIA_ROOT) / "imports"
SESSION_KEY = "opening_balance_import"
PREVIEW_ROWS = 200


def _stored_upload(request) -> Path | None:
    token = request.session.get(SESSION_KEY)
    if not token:
        return None
    try:
        path = IMPORT_DIR / f"{uuid.UUID(token)}.xlsx"
    except ValueError:
        return None
    return path if path.is_file() else None


def _drop_stored_upload(request) -> None:
    path = _stored_upload(request)
    if path is not None:
        path.unlink(missing_ok=True)
    request.session.pop(SESSION_KEY, None)


def _store_upload(request, upload) -> None:
    IMPORT_DIR.mkdir(parents=True, exist_ok=True)
    token = str(uuid.uuid4())
    upload.seek(0)
    (IMPORT_DIR / f"{token}.xlsx").write_bytes(upload.read())
    request.session[SESSION_KEY] = token


def _render(request, form, plan):
    return render(
        request,
        "receivables/import.html",
        {
            "form": form,
            "plan": plan,
            "preview": plan.rows[:PREVIEW_ROWS] if plan else [],
            "preview_rows": PREVIEW_ROWS,
        },
    )


@role_required(Role.FINANCE, Role.ADMIN)
@permission_errors_as_403
def opening_balance_import(request):
    """Upload -> preview (every problem listed, nothing written) -> confirm (all or nothing)."""
    posted = request.method == "POST"
    # Bound on every POST, so a POST without a file says "required" instead of showing nothing.
    form = ImportUploadForm(request.POST if posted else None, request.FILES if posted else None)
    plan = None
    if posted and "confirm" in request.POST:
        path = _stored_upload(request)
        if path is None:
            messages.error(request, _("The uploaded file has expired; upload it again."))
            return redirect("opening_balance_import")
        with path.open("rb") as upload:
            try:
                worksheet = open_worksheet(upload)
            except ExcelRefusedError as exc:
                _drop_stored_upload(request)
                messages.error(request, str(exc))
                return redirect("opening_balance_import")
            # Checked again: numbers may have been imported since the preview.
            plan = imports.opening_balance_import_plan(actor=request.user, worksheet=worksheet)
            if plan.ok:
                try:
                    created = imports.opening_balance_import_apply(actor=request.user, plan=plan)
                except ValidationError as exc:
                    messages.error(
                        request,
                        _("Nothing was imported: %(error)s") % {"error": " ".join(exc.messages)},
                    )
                    return redirect("opening_balance_import")
        _drop_stored_upload(request)
        if not plan.ok:
            return _render(request, ImportUploadForm(), plan)
        messages.success(
            request,
            ngettext(
                "Imported %(count)s opening balance: %(amount)s, of which %(open)s is open.",
                "Imported %(count)s opening balances: %(amount)s, of which %(open)s is open.",
                len(created),
            )
            % {
                "count": len(created),
                "amount": yuan(plan.total_amount),
                "open": yuan(plan.total_open),
            },
        )
        return redirect("opening_balance_import")
    if posted and form.is_valid():
        # A new upload replaces any file waiting for confirmation, whatever its outcome: a
        # confirm must never import an older file than the one last checked.
        _drop_stored_upload(request)
        upload = form.cleaned_data["file"]
        try:
            worksheet = open_worksheet(upload)
        except ExcelRefusedError as exc:
            form.add_error("file", str(exc))
        else:
            plan = imports.opening_balance_import_plan(actor=request.user, worksheet=worksheet)
            if plan.ok:
                _store_upload(request, upload)
    return _render(request, form, plan)
