from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "salesops.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from salesops.celery import ensure_embedded_broker_dirs

        # The embedded broker's folders must exist before web, worker or beat touch the queue.
        ensure_embedded_broker_dirs()
