"""The product import page (产品导入): upload -> preview -> confirm. Managers and admins."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from customers.forms import ImportUploadForm
from orders.imports import product_import_apply, product_import_plan
from salesops.accounts.decorators import role_required
from salesops.accounts.roles import MANAGERS
from salesops.core.import_flow import IMPORT_DIR, StoredUpload, import_page, in_background
from salesops.core.models import ImportRun

SESSION_KEY = "product_import"


@role_required(*MANAGERS)
def product_import(request):
    def imported(plan, result):
        created, updated = result
        messages.success(
            request,
            _("Imported: %(created)s created, %(updated)s updated.")
            % {"created": created, "updated": updated},
        )
        return redirect("product_import")

    return import_page(
        request,
        form_class=ImportUploadForm,
        stored=StoredUpload(request, folder=IMPORT_DIR, session_key=SESSION_KEY),
        check=lambda worksheet: product_import_plan(actor=request.user, worksheet=worksheet),
        write=lambda plan: product_import_apply(actor=request.user, plan=plan),
        page="product_import",
        show=lambda form, plan: render(
            request, "orders/product_import.html", {"form": form, "plan": plan}
        ),
        imported=imported,
        background=in_background(request, ImportRun.Kind.PRODUCTS),
    )
