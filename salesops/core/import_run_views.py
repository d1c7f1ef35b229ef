"""The status page of a background Excel import: progress while it runs, the report after."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from salesops.core.models import ImportRun

# Where the "import another file" link of a finished run leads, by kind.
IMPORT_PAGES = {
    ImportRun.Kind.CUSTOMERS: "customer_import",
    ImportRun.Kind.OPENING_BALANCES: "opening_balance_import",
}


def _run(request, pk: int) -> ImportRun:
    # Someone else's run is 404: its existence does not leak.
    return get_object_or_404(ImportRun.objects.visible_to(request.user), pk=pk)


@login_required
@require_GET
def import_run_detail(request, pk: int):
    run = _run(request, pk)
    return render(
        request, "core/import_run.html", {"run": run, "import_page": IMPORT_PAGES[run.kind]}
    )


@never_cache
@login_required
@require_GET
def import_run_status(request, pk: int):
    """The fragment the page polls every 2 s until the run is finished."""
    return render(request, "core/_import_run_status.html", {"run": _run(request, pk)})
