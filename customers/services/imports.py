"""Customer import from Excel: plan every row first, write only when no row has a problem."""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from customers.models import CrmSettings, Customer, Tier
from customers.services.customers import (
    assignable_owners,
    clean_credit_code,
    customer_create,
    customer_reassign,
    customer_update,
)
from salesops.accounts.access import role_of
from salesops.accounts.roles import Role
from salesops.core.excel import MAX_ROWS
from salesops.core.imports import ImportSheet, Plan, Problem, blank
from salesops.core.models import Region
from salesops.core.xlsx_reader import SheetRows

__all__ = [
    "COLUMNS",
    "ImportPlan",
    "PlannedRow",
    "Problem",
    "customer_import_apply",
    "customer_import_plan",
]

# key: accepted header texts (Chinese first). Headers match case-insensitively, spaces ignored.
COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("企业全称", "name"),
    "credit_code": ("统一社会信用代码", "credit_code"),
    "legal_rep": ("法定代表人", "legal_rep"),
    "address": ("注册地址", "address"),
    "phone": ("电话", "phone"),
    "industry": ("所属行业", "industry"),
    "region": ("区域", "region"),
    "owner": ("负责人", "owner"),
    "tier": ("客户等级", "tier"),
    "buying_power": ("年度采购量", "buying_power"),
    "credit_limit": ("信用额度", "credit_limit"),
    "payment_terms_days": ("账期天数", "payment_terms_days"),
}
REQUIRED = ("name", "owner")
TEXT_LIMITS = {"name": 200, "legal_rep": 50, "address": 300, "phone": 30, "industry": 100}


@dataclass
class PlannedRow:
    row: int
    values: dict[str, Any]
    existing: Customer | None = None

    @property
    def action(self) -> str:
        return "update" if self.existing else "create"


@dataclass
class ImportPlan(Plan[PlannedRow]):
    @property
    def creates(self) -> int:
        return sum(1 for row in self.rows if row.existing is None)

    @property
    def updates(self) -> int:
        return sum(1 for row in self.rows if row.existing is not None)


def _decimal(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise InvalidOperation
    number = Decimal(str(value).replace(",", "").strip())
    if not number.is_finite() or number < 0 or number >= Decimal("1e12"):
        raise InvalidOperation
    return number.quantize(Decimal("0.01"))


def _days(value: Any) -> int:
    """Whole days 0..720; 30 and "30" and 30.0 are fine, 30.5, "inf" and True are not."""
    if isinstance(value, bool):
        raise ValueError
    number = Decimal(str(value).strip())
    if not number.is_finite() or number != number.to_integral_value() or not 0 <= number <= 720:
        raise ValueError
    return int(number)


def customer_import_plan(*, actor, worksheet: SheetRows) -> ImportPlan:
    """Read and check every row; nothing is written. Problems cite the spreadsheet's own row
    numbers (header = row 1) and the file's own column headers."""
    plan = ImportPlan()
    sheet = ImportSheet(worksheet, COLUMNS, REQUIRED, max_rows=MAX_ROWS)
    plan.problems.extend(sheet.problems)
    if plan.problems:
        return plan

    owners = {u.username: u for u in assignable_owners(actor)}
    regions = {r.name: r for r in Region.objects.all()}
    default_tier = CrmSettings.load().default_tier
    may_manage = role_of(actor) in (Role.MANAGER, Role.ADMIN)
    visible_ids = set(Customer.objects.visible_to(actor).values_list("pk", flat=True))
    seen_names: dict[str, int] = {}
    seen_codes: dict[str, int] = {}
    seen_customers: dict[int, int] = {}

    for sheet_row in sheet.rows():
        row_number, raw = sheet_row.number, sheet_row.values
        problems_before = len(plan.problems)
        plan.problems.extend(sheet_row.problems)

        def problem(key: str, message: str, row=row_number) -> None:
            plan.problems.append(sheet.problem(row, key, message))

        values: dict[str, Any] = {}
        for key, limit in TEXT_LIMITS.items():
            if not blank(raw.get(key)):
                text = str(raw[key])
                if len(text) > limit:
                    problem(key, _("longer than %(limit)s characters") % {"limit": limit})
                values[key] = text
        name = values.get("name")
        if name:
            if name in seen_names:
                problem("name", _("same name as row %(row)s") % {"row": seen_names[name]})
            seen_names.setdefault(name, row_number)
        if not blank(raw.get("credit_code")):
            try:
                code = clean_credit_code(str(raw["credit_code"]))
            except ValidationError as exc:
                problem("credit_code", exc.message_dict["credit_code"][0])
            else:
                if code in seen_codes:
                    problem(
                        "credit_code", _("same code as row %(row)s") % {"row": seen_codes[code]}
                    )
                seen_codes.setdefault(code, row_number)
                values["credit_code"] = code
        if not blank(raw.get("owner")):
            username = str(raw["owner"])
            if username not in owners:
                problem(
                    "owner",
                    _("unknown user %(name)s, or not one you may assign") % {"name": username},
                )
            else:
                values["owner"] = owners[username]
        if not blank(raw.get("region")):
            region = regions.get(str(raw["region"]))
            if region is None:
                problem(
                    "region",
                    _("%(value)s is not a configured region (%(choices)s)")
                    % {"value": raw["region"], "choices": "、".join(regions)},
                )
            values["region"] = region
        # A blank tier means "the default" for a new customer and "unchanged" for an existing one.
        tier = str(raw.get("tier") or "").upper()
        if tier and tier not in Tier.values:
            problem("tier", _("must be one of A, B, C, D"))
        if tier:
            values["tier"] = tier
        for key in ("buying_power", "credit_limit"):
            if not blank(raw.get(key)):
                try:
                    values[key] = _decimal(raw[key])
                except (InvalidOperation, ValueError):
                    problem(key, _("must be an amount in yuan, 0 or more"))
        if not blank(raw.get("payment_terms_days")):
            try:
                days = _days(raw["payment_terms_days"])
            except (InvalidOperation, ValueError):
                problem("payment_terms_days", _("must be a whole number of days, 0 to 720"))
            else:
                values["payment_terms_days"] = days

        if len(plan.problems) > problems_before:
            continue
        existing = None
        if values.get("credit_code"):
            existing = Customer.objects.filter(credit_code=values["credit_code"]).first()
        if existing is None:
            existing = Customer.objects.filter(name=values["name"]).first()
        if existing is not None:
            if existing.pk not in visible_ids:
                problem("name", _("this customer exists and belongs to another team"))
                continue
            clash = Customer.objects.filter(name=values["name"]).exclude(pk=existing.pk).first()
            if clash:
                problem("name", _("another customer already has this name"))
                continue
            if existing.pk in seen_customers:
                problem(
                    "name", _("same customer as row %(row)s") % {"row": seen_customers[existing.pk]}
                )
                continue
            seen_customers[existing.pk] = row_number
            if existing.tier_locked and values.get("tier", existing.tier) != existing.tier:
                problem(
                    "tier",
                    _("The tier is locked: %(reason)s") % {"reason": existing.tier_lock_reason},
                )
                continue
        else:
            values.setdefault("tier", default_tier)
        if not may_manage:
            changed = [
                key
                for key in ("credit_limit", "payment_terms_days")
                if key in values and (existing is None or getattr(existing, key) != values[key])
            ]
            for key in changed:
                problem(
                    key,
                    _("Only a manager may change: %(fields)s.")
                    % {"fields": sheet.header_text[key]},
                )
            if changed:
                continue
        plan.rows.append(PlannedRow(row=row_number, values=values, existing=existing))

    if not plan.rows and not plan.problems:
        plan.problems.append(Problem(2, "-", _("the file has no customer rows")))
    return plan


@transaction.atomic
def customer_import_apply(*, actor, plan: ImportPlan) -> tuple[int, int]:
    """Write a clean plan in one transaction: all rows or none. Returns (created, updated)."""
    if not plan.ok:
        raise ValueError("a plan with problems cannot be applied")
    created = updated = 0
    for planned in plan.rows:
        values = dict(planned.values)
        owner = values.pop("owner")
        if planned.existing is None:
            customer_create(actor=actor, owner=owner, **values)
            created += 1
            continue
        customer = planned.existing
        if customer.owner_id != owner.pk:
            customer = customer_reassign(
                actor=actor, customer=customer, new_owner=owner, reason=_("Excel import")
            )
        customer_update(actor=actor, customer=customer, **values)
        updated += 1
    return created, updated
