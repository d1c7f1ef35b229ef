"""python manage.py import_opening_balances FILE.xlsx [--dry-run] [--as USERNAME]

Opening balances (期初应收), all or nothing: any bad row writes nothing, prints one line per
problem as `row <n>, <column>: <message>` and exits 1. A clean file exits 0 and prints how many
receivables were created. A number already in the system is a problem, so a file imported twice
creates nothing the second time.
"""

import sys
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from receivables.imports import opening_balance_import_apply, opening_balance_import_plan
from salesops.accounts.models import User
from salesops.core.excel import ExcelRefusedError, open_worksheet
from salesops.core.templatetags.money import yuan


class Command(BaseCommand):
    help = "Import opening balances (receivables) from an .xlsx file (all rows or none)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="check only, write nothing")
        parser.add_argument(
            "--as",
            dest="username",
            help="act as this finance user or admin (default: the first active admin)",
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
            try:
                plan = opening_balance_import_plan(actor=actor, worksheet=worksheet)
            except PermissionError as exc:
                raise CommandError(f"{actor.username}: {exc}") from exc
            if not plan.ok:
                for problem in plan.problems:
                    self.stderr.write(str(problem))
                self.stderr.write(f"{len(plan.problems)} problem(s); nothing was imported.")
                sys.exit(1)
            totals = (
                f"amount {yuan(plan.total_amount)}, already paid {yuan(plan.total_paid)}, "
                f"open {yuan(plan.total_open)}"
            )
            if dry_run:
                self.stdout.write(f"dry run: would create {plan.creates} receivable(s); {totals}")
                return
            try:
                created = opening_balance_import_apply(actor=actor, plan=plan)
            except ValidationError as exc:
                raise CommandError(f"nothing was imported: {' '.join(exc.messages)}") from exc
            except PermissionError as exc:
                raise CommandError(f"nothing was imported: {exc}") from exc
        self.stdout.write(f"created {len(created)} receivable(s); {totals}")

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
