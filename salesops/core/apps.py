from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "salesops.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from celery.signals import before_task_publish

        from salesops.celery import ensure_embedded_broker_dirs
        from salesops.core.scheduling import stamp_as_of

        # The embedded broker's folders must exist before web, worker or beat touch the queue.
        ensure_embedded_broker_dirs()
        # Beat (and anyone else) publishing a job task gives it the day of publishing.
        before_task_publish.connect(stamp_as_of, dispatch_uid="salesops.core.stamp_as_of")
