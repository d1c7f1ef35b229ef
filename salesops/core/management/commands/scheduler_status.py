"""Exit 0 when the beat -> worker pipeline wrote its heartbeat recently, 1 otherwise.

Used as the beat container's health check: beat itself opens no port to probe.
"""

from django.core.management.base import BaseCommand
from django.utils import timezone

from salesops.core.health import scheduler_probe


class Command(BaseCommand):
    help = "Report whether the scheduler heartbeat is fresh (exit status 1 when stale)."

    def handle(self, *args, **options):
        probe = scheduler_probe(now=timezone.now())
        self.stdout.write(f"scheduler {'up' if probe.ok else 'stale'}: {probe.detail}")
        if not probe.ok:
            raise SystemExit(1)
