from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "orders"
    verbose_name = _("Orders and contracts")

    def ready(self):
        from orders import imports
        from salesops.core.import_runs import importer_register
        from salesops.core.models import ImportRun

        importer_register(
            ImportRun.Kind.PRODUCTS,
            plan=imports.product_import_plan,
            apply=imports.product_import_apply,
        )
