"""The base of the Excel import commands: `python manage.py <command> FILE.xlsx [--dry-run]
[--as USERNAME]`, all or nothing.

A file that is refused, or any bad row, writes nothing. Problems go to stderr one per line as
`row <n>, <column>: <message>`, then a count, and the command exits 1. Messages are in Chinese.
A subclass gives `help` and implements plan, apply and the two summaries.
"""

import sys
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from salesops.accounts.models import User
from salesops.core.excel import ExcelRefusedError, open_worksheet
from salesops.core.xlsx_reader import SheetRows


class ImportCommand(BaseCommand):
    as_help = "act as this user (default: the first active admin)"

    def plan(self, actor: User, worksheet: SheetRows) -> Any:
        """Check every row and write nothing; may raise NotPermitted."""
        raise NotImplementedError

    def apply(self, actor: User, plan) -> Any:
        """Write a clean plan, all rows or none."""
        raise NotImplementedError

    def dry_run_summary(self, plan) -> str:
        raise NotImplementedError

    def summary(self, plan, result) -> str:
        """What was written; `result` is what apply returned."""
        raise NotImplementedError

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="check only, write nothing")
        parser.add_argument("--as", dest="username", help=self.as_help)

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
                plan = self.plan(actor, worksheet)
            except PermissionDenied as exc:
                raise CommandError(f"{actor.username}: {exc}") from exc
            except ExcelRefusedError as exc:  # the rows turned out damaged or hostile
                raise CommandError(f"{file}: {exc}") from exc
            if not plan.ok:
                for problem in plan.problems:
                    self.stderr.write(str(problem))
                self.stderr.write(f"{len(plan.problems)} problem(s); nothing was imported.")
                sys.exit(1)
            if dry_run:
                self.stdout.write(self.dry_run_summary(plan))
                return
            try:
                result = self.apply(actor, plan)
            except ValidationError as exc:
                raise CommandError(f"nothing was imported: {' '.join(exc.messages)}") from exc
            except PermissionDenied as exc:
                raise CommandError(f"nothing was imported: {exc}") from exc
        self.stdout.write(self.summary(plan, result))

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
