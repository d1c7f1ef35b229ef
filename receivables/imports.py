"""Opening balances (期初应收) from Excel: plan every row first, write only when no row has a
problem. Modelled on the customer import: the same `row <n>, <column>: <message>` problems and
the same all-or-nothing contract. Re-importing a file never duplicates a receivable: a number
that already exists is a problem, never a silent update of a money record."""

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from customers.models import Customer
from customers.rules import credit_code
from receivables.models import Receivable
from receivables.services import receivable_create
from salesops.accounts.access import can_write
from salesops.core.errors import NotPermitted
from salesops.core.excel import MAX_ROWS
from salesops.core.imports import ImportSheet, Plan, Problem, blank
from salesops.core.money import parse_yuan
from salesops.core.xlsx_reader import SheetRows

__all__ = [
    "COLUMNS",
    "ImportPlan",
    "PlannedRow",
    "Problem",
    "opening_balance_import_apply",
    "opening_balance_import_plan",
]

# key: accepted header texts (Chinese first). Headers match case-insensitively, spaces ignored.
COLUMNS: dict[str, tuple[str, ...]] = {
    "customer": ("客户", "customer"),
    "number": ("单据号", "number"),
    "issue_date": ("开票日期", "issue_date"),
    "due_date": ("到期日", "due_date"),
    "amount": ("金额", "amount"),
    "paid": ("已收", "paid"),
    "kind": ("类型", "kind"),
}
REQUIRED = ("customer", "number", "issue_date", "due_date", "amount")
# What the kind column accepts (lower-cased), for each kind.
KINDS = {
    "normal": Receivable.Kind.NORMAL,
    "普通": Receivable.Kind.NORMAL,
    "retention": Receivable.Kind.RETENTION,
    "质保金": Receivable.Kind.RETENTION,
}
NUMBER_MAX_LENGTH = Receivable._meta.get_field("number").max_length
ZERO = Decimal("0.00")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass
class PlannedRow:
    row: int
    customer: Customer
    number: str
    issue_date: date
    due_date: date
    amount: Decimal
    paid: Decimal
    kind: str

    @property
    def open_amount(self) -> Decimal:
        return self.amount - self.paid

    def get_kind_display(self) -> str:
        return str(Receivable.Kind(self.kind).label)


@dataclass
class ImportPlan(Plan[PlannedRow]):
    @property
    def creates(self) -> int:
        return len(self.rows)

    @property
    def total_amount(self) -> Decimal:
        return sum((row.amount for row in self.rows), ZERO)

    @property
    def total_paid(self) -> Decimal:
        return sum((row.paid for row in self.rows), ZERO)

    @property
    def total_open(self) -> Decimal:
        return self.total_amount - self.total_paid


def _text(value: Any) -> str:
    """A cell as text: a number typed without quotes (2024001, read as 2024001.0) loses the .0."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _date(value: Any) -> date:
    """A real Excel date (read as a datetime at midnight) or text YYYY-MM-DD; ValueError else."""
    if isinstance(value, datetime):
        if value.time() != time(0, 0):
            raise ValueError
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and ISO_DATE.fullmatch(value.strip()):
        return date.fromisoformat(value.strip())  # ValueError for 2024-02-30
    raise ValueError


def _customer_index(actor) -> tuple[dict[str, Customer], dict[str, Customer]]:
    """The customers the actor sees (finance and admins: all), by full name and credit code."""
    by_name: dict[str, Customer] = {}
    by_code: dict[str, Customer] = {}
    for customer in Customer.objects.visible_to(actor).only("pk", "name", "credit_code"):
        by_name[customer.name] = customer
        if customer.credit_code:
            by_code[customer.credit_code] = customer
    return by_name, by_code


def _existing_numbers(numbers: set[str]) -> dict[str, str]:
    """{number: source} of the receivables that already carry one of `numbers`."""
    found: dict[str, str] = {}
    ordered = sorted(numbers)
    for start in range(0, len(ordered), 500):  # bounded IN lists for every database
        found.update(
            Receivable.objects.filter(number__in=ordered[start : start + 500]).values_list(
                "number", "source"
            )
        )
    return found


def _require_finance(actor) -> None:
    if not can_write(actor, money=True):
        raise NotPermitted(_("Only finance or an admin may import opening balances."))


def opening_balance_import_plan(*, actor, worksheet: SheetRows) -> ImportPlan:
    """Read and check every row; nothing is written. Problems cite the spreadsheet's own row
    numbers (header = row 1) and the file's own column headers, in sheet order.
    Raises NotPermitted for an actor who may not record money."""
    _require_finance(actor)
    plan = ImportPlan()
    sheet = ImportSheet(worksheet, COLUMNS, REQUIRED, max_rows=MAX_ROWS)
    plan.problems.extend(sheet.problems)
    if plan.problems:
        return plan

    # First pass: every non-blank row, so existing numbers are looked up in one go instead of
    # one query per row.
    sheet_rows = list(sheet.rows())

    by_name, by_code = _customer_index(actor)
    existing = _existing_numbers(
        {_text(row.values["number"]) for row in sheet_rows if not blank(row.values.get("number"))}
    )
    seen_numbers: dict[str, int] = {}

    for sheet_row in sheet_rows:
        row_number, raw = sheet_row.number, sheet_row.values
        problems_before = len(plan.problems)
        plan.problems.extend(sheet_row.problems)

        def problem(key: str, message: str, row=row_number) -> None:
            plan.problems.append(sheet.problem(row, key, message))

        customer = None
        if not blank(raw.get("customer")):
            text = _text(raw["customer"])
            customer = by_name.get(text) or by_code.get(credit_code.normalize(text))
            if customer is None:
                problem("customer", _("no customer with this full name or credit code"))

        number = None
        if not blank(raw.get("number")):
            number = _text(raw["number"])
            if len(number) > NUMBER_MAX_LENGTH:
                problem(
                    "number",
                    _("longer than %(limit)s characters") % {"limit": NUMBER_MAX_LENGTH},
                )
            elif number in seen_numbers:
                problem("number", _("same number as row %(row)s") % {"row": seen_numbers[number]})
            elif number in existing:
                problem(
                    "number",
                    _("already imported")
                    if existing[number] == Receivable.Source.OPENING
                    else _("this number is already used by another receivable"),
                )
            seen_numbers.setdefault(number, row_number)

        dates: dict[str, date] = {}
        for key in ("issue_date", "due_date"):
            if not blank(raw.get(key)):
                try:
                    dates[key] = _date(raw[key])
                except ValueError:
                    problem(key, _("must be a date: an Excel date or text YYYY-MM-DD"))
        if len(dates) == 2 and dates["due_date"] < dates["issue_date"]:
            problem("due_date", _("before the issue date"))

        amount = None
        if not blank(raw.get("amount")):
            try:
                amount = parse_yuan(raw["amount"])
            except (InvalidOperation, ValueError):
                amount = None
            if amount is None or amount == 0:
                amount = None
                problem(
                    "amount", _("must be an amount in yuan, more than 0, with at most 2 decimals")
                )
        paid = ZERO
        if not blank(raw.get("paid")):
            try:
                paid = parse_yuan(raw["paid"])
            except (InvalidOperation, ValueError):
                problem("paid", _("must be an amount in yuan, 0 or more, with at most 2 decimals"))
            else:
                if amount is not None and paid > amount:
                    problem("paid", _("more than the amount"))

        kind = Receivable.Kind.NORMAL
        if not blank(raw.get("kind")):
            kind = KINDS.get(_text(raw["kind"]).lower())
            if kind is None:
                problem("kind", _("must be normal or retention (普通 or 质保金)"))

        if len(plan.problems) > problems_before:
            continue
        plan.rows.append(
            PlannedRow(
                row=row_number,
                customer=customer,
                number=number,
                issue_date=dates["issue_date"],
                due_date=dates["due_date"],
                amount=amount,
                paid=paid,
                kind=kind,
            )
        )

    if not plan.rows and not plan.problems:
        plan.problems.append(Problem(2, "-", _("the file has no receivable rows")))
    return plan


@transaction.atomic
def opening_balance_import_apply(*, actor, plan: ImportPlan) -> list[Receivable]:
    """Write a clean plan in one transaction: all rows or none. Each row goes through
    receivable_create as an opening balance, its already-paid part as `allocated`. A number
    taken since the plan was made fails the whole import (ValidationError), never a row."""
    if not plan.ok:
        raise ValueError("a plan with problems cannot be applied")
    _require_finance(actor)
    return [
        receivable_create(
            actor=actor,
            customer=row.customer,
            number=row.number,
            issue_date=row.issue_date,
            due_date=row.due_date,
            amount=row.amount,
            kind=row.kind,
            source=Receivable.Source.OPENING,
            allocated=row.paid,
        )
        for row in plan.rows
    ]
