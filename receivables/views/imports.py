"""The opening-balance import page (期初应收导入): upload -> preview (every problem listed,
nothing written) -> confirm (all rows or none). Finance and admins only."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import ngettext

from customers.forms import ImportUploadForm
from receivables import imports
from salesops.accounts.decorators import role_required
from salesops.accounts.roles import MONEY
from salesops.core.import_flow import IMPORT_DIR, StoredUpload, import_page, in_background
from salesops.core.models import ImportRun
from salesops.core.templatetags.money import yuan

SESSION_KEY = "opening_balance_import"
PREVIEW_ROWS = 200


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


@role_required(*MONEY)
def opening_balance_import(request):
    """Upload -> preview (every problem listed, nothing written) -> confirm (all or nothing)."""

    def imported(plan, created):
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

    return import_page(
        request,
        form_class=ImportUploadForm,
        stored=StoredUpload(request, folder=IMPORT_DIR, session_key=SESSION_KEY),
        # Checked again at confirmation: numbers may have been imported since the preview.
        check=lambda worksheet: imports.opening_balance_import_plan(
            actor=request.user, worksheet=worksheet
        ),
        write=lambda plan: imports.opening_balance_import_apply(actor=request.user, plan=plan),
        page="opening_balance_import",
        show=lambda form, plan: _render(request, form, plan),
        imported=imported,
        background=in_background(request, ImportRun.Kind.OPENING_BALANCES),
    )
