"""python manage.py run_job NAME [--as-of YYYY-MM-DD]: run a scheduled job now."""

from django.core.management.base import BaseCommand, CommandError

from salesops.core.scheduling import aliases, job_day, jobs


class Command(BaseCommand):
    help = "Run one scheduled job for a day (today in Asia/Shanghai by default)."

    def add_arguments(self, parser):
        # The beat schedule's keys and the tasks' names: one name for one job everywhere.
        # An alias (a job's other name, see scheduled_job) runs that job.
        parser.add_argument("name", choices=[*jobs(), *aliases()])
        parser.add_argument("--as-of", dest="as_of", help="YYYY-MM-DD (default: today)")

    def handle(self, *args, name: str, as_of: str | None, **options):
        # Only a missing --as-of means today: an empty value (an unset shell variable) is an error.
        try:
            day = job_day(as_of)
        except ValueError as exc:
            raise CommandError(f"--as-of must be a date as YYYY-MM-DD, not {as_of!r}") from exc
        name = aliases().get(name, name)
        result = jobs()[name](as_of=day)
        self.stdout.write(f"{name} for {day.isoformat()}: {result}")
