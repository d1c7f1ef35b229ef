"""python manage.py import_customers FILE.xlsx [--dry-run] [--as USERNAME]

All or nothing: any bad row writes nothing, prints one line per problem as
`row <n>, <column>: <message>` and exits 1. A clean file exits 0 with the counts.
"""

from customers.imports import customer_import_apply, customer_import_plan
from salesops.core.management.import_command import ImportCommand


class Command(ImportCommand):
    help = "Import customers from an .xlsx file (all rows or none)."

    def plan(self, actor, worksheet):
        return customer_import_plan(actor=actor, worksheet=worksheet)

    def apply(self, actor, plan):
        return customer_import_apply(actor=actor, plan=plan)

    def dry_run_summary(self, plan) -> str:
        return f"dry run: would create {plan.creates} and update {plan.updates} customer(s)"

    def summary(self, plan, result) -> str:
        created, updated = result
        return f"created {created}, updated {updated} customer(s)"
