"""python manage.py import_customers FILE.xlsx [--dry-run] [--as USERNAME]

All or nothing: any bad row writes nothing, prints one line per problem as
`row <n>, <column>: <message>` and exits 1. A clean file exits 0 with the counts.
"""

import sys
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from customers.services.imports import customer_import_apply, customer_import_plan
from salesops.accounts.models import User
from salesops.core.excel import ExcelRefusedError, open_worksheet


class Command(BaseCommand):
    help = "Import customers from an .xlsx file (all rows or none)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="check only, write nothing")
        parser.add_argument(
            "--as", dest="username", help="act as this user (default: the first active admin)"
        )

    def handle(self, *args, **options):
        # Messages in Chinese, without leaving the language switched for the rest of the process
        # (call_command from tests or other code).
        with translation.override("zh-hans"):
            self._import(**options)

    def _import(self, *, file: Path, dry_run: bool, username: str | None, **options):
        actor = self._actor(username)
        if not file.is_file():
            raise CommandError(f"{file}: no such file")
        with file.open("rb") as upload:
            try:
                worksheet = open_worksheet(upload)
            except ExcelRefusedError as exc:
                raise CommandError(f"{file}: {exc}") from exc
            plan = customer_import_plan(actor=actor, worksheet=worksheet)
            if not plan.ok:
                for problem in plan.problems:
                    self.stderr.write(str(problem))
                self.stderr.write(f"{len(plan.problems)} problem(s); nothing was imported.")
                sys.exit(1)
            if dry_run:
                self.stdout.write(
                    f"dry run: would create {plan.creates} and update {plan.updates} customer(s)"
                )
                return
            try:
                created, updated = customer_import_apply(actor=actor, plan=plan)
            except ValidationError as exc:
                raise CommandError(f"nothing was imported: {' '.join(exc.messages)}") from exc
            except PermissionError as exc:
                raise CommandError(f"nothing was imported: {exc}") from exc
        self.stdout.write(f"created {created}, updated {updated} customer(s)")

    def _actor(self, username: str | None) -> User:
        users = User.objects.filter(is_active=True)
        actor = (
            users.filter(username=username).first()
            if username
            else users.filter(is_superuser=True).order_by("pk").first()
        )
        if actor is None:
            raise CommandError(
                f"no active user {username!r}"
                if username
                else "no active admin; pass --as USERNAME"
            )
        return actor
