from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "customers"
    verbose_name = _("Customers")

    def ready(self) -> None:
        from customers import imports
        from salesops.core.import_runs import importer_register
        from salesops.core.models import ImportRun

        importer_register(
            ImportRun.Kind.CUSTOMERS,
            plan=imports.customer_import_plan,
            apply=imports.customer_import_apply,
        )
