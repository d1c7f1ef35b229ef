"""Background imports find their importer in a registry the apps fill: the core names no app."""

from customers import imports as customer_imports
from receivables import imports as receivable_imports
from salesops.core.import_runs import IMPORTERS
from salesops.core.models import ImportRun


def test_each_app_registers_its_import_kind_at_start_up():
    assert IMPORTERS[ImportRun.Kind.CUSTOMERS].plan is customer_imports.customer_import_plan
    assert IMPORTERS[ImportRun.Kind.CUSTOMERS].apply is customer_imports.customer_import_apply
    assert (
        IMPORTERS[ImportRun.Kind.OPENING_BALANCES].plan
        is receivable_imports.opening_balance_import_plan
    )
    assert (
        IMPORTERS[ImportRun.Kind.OPENING_BALANCES].apply
        is receivable_imports.opening_balance_import_apply
    )
    assert set(IMPORTERS) == set(ImportRun.Kind.values)
