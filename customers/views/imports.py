"""The customer import page: upload, preview, confirm (large files in the background)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from customers.forms import ImportUploadForm
from customers.imports import customer_import_apply, customer_import_plan
from salesops.accounts.decorators import role_required
from salesops.accounts.roles import MANAGERS
from salesops.core.import_flow import IMPORT_DIR, StoredUpload, import_page, in_background
from salesops.core.models import ImportRun

SESSION_KEY = "customer_import"


@role_required(*MANAGERS)
def customer_import(request):
    """Upload -> preview (every problem listed, nothing written) -> confirm (all or nothing)."""

    def imported(plan, result):
        created, updated = result
        messages.success(
            request,
            _("Imported: %(created)s created, %(updated)s updated.")
            % {"created": created, "updated": updated},
        )
        return redirect("customer_list")

    return import_page(
        request,
        form_class=ImportUploadForm,
        stored=StoredUpload(request, folder=IMPORT_DIR, session_key=SESSION_KEY),
        check=lambda worksheet: customer_import_plan(actor=request.user, worksheet=worksheet),
        write=lambda plan: customer_import_apply(actor=request.user, plan=plan),
        page="customer_import",
        show=lambda form, plan: render(
            request, "customers/import.html", {"form": form, "plan": plan}
        ),
        imported=imported,
        # Problems found at confirmation: the upload stays and the posted form is shown.
        keep_rechecked_upload=True,
        background=in_background(request, ImportRun.Kind.CUSTOMERS),
    )
