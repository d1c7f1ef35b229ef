"""python manage.py import_opening_balances FILE.xlsx [--dry-run] [--as USERNAME]

Opening balances (期初应收), all or nothing: any bad row writes nothing, prints one line per
problem as `row <n>, <column>: <message>` and exits 1. A clean file exits 0 and prints how many
receivables were created. A number already in the system is a problem, so a file imported twice
creates nothing the second time.
"""

from receivables.imports import opening_balance_import_apply, opening_balance_import_plan
from salesops.core.management.import_command import ImportCommand
from salesops.core.templatetags.money import yuan


def _totals(plan) -> str:
    return (
        f"amount {yuan(plan.total_amount)}, already paid {yuan(plan.total_paid)}, "
        f"open {yuan(plan.total_open)}"
    )


class Command(ImportCommand):
    help = "Import opening balances (receivables) from an .xlsx file (all rows or none)."
    as_help = "act as this finance user or admin (default: the first active admin)"

    def plan(self, actor, worksheet):
        return opening_balance_import_plan(actor=actor, worksheet=worksheet)

    def apply(self, actor, plan):
        return opening_balance_import_apply(actor=actor, plan=plan)

    def dry_run_summary(self, plan) -> str:
        return f"dry run: would create {plan.creates} receivable(s); {_totals(plan)}"

    def summary(self, plan, result) -> str:
        return f"created {len(result)} receivable(s); {_totals(plan)}"
