from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReceivablesConfig(AppConfig):
    name = "receivables"
    verbose_name = _("Receivables")

    def ready(self) -> None:
        from receivables import imports
        from salesops.core.import_runs import importer_register
        from salesops.core.models import ImportRun

        importer_register(
            ImportRun.Kind.OPENING_BALANCES,
            plan=imports.opening_balance_import_plan,
            apply=imports.opening_balance_import_apply,
        )
