"""python manage.py run_job NAME [--as-of YYYY-MM-DD]: run a scheduled job now."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from salesops.jobs import JOBS, run_job


def parse_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--as-of must be a date as YYYY-MM-DD, not {value!r}") from exc


class Command(BaseCommand):
    help = "Run one scheduled job for a day (today in Asia/Shanghai by default)."

    def add_arguments(self, parser):
        parser.add_argument("name", choices=sorted(JOBS))
        parser.add_argument("--as-of", dest="as_of", help="YYYY-MM-DD (default: today)")

    def handle(self, *args, name: str, as_of: str | None, **options):
        day = parse_date(as_of) if as_of else timezone.localdate()
        result = run_job(name, as_of=day)
        self.stdout.write(f"{name} for {day.isoformat()}: {result}")
