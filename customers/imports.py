"""Customer import from Excel: plan every row first, write only when no row has a problem."""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from customers.models import CrmSettings, Customer, OwnershipEvent, Tier, TierRule
from customers.selectors import assignable_owners
from customers.services.customers import (
    MANAGER_FIELDS,
    _require_write,
    clean_credit_code,
    customer_reassign,
    refresh_cadence,
    refresh_rad_type,
    refuse_manager_fields,
)
from salesops.accounts.access import can_manage
from salesops.core.errors import ServiceError
from salesops.core.excel import MAX_ROWS
from salesops.core.imports import ImportSheet, Plan, Problem, blank
from salesops.core.models import Region
from salesops.core.money import parse_yuan
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


def _days(value: Any) -> int:
    """Whole days 0..720; 30 and "30" and 30.0 are fine, 30.5, "inf" and True are not."""
    if isinstance(value, bool):
        raise ValueError
    number = Decimal(str(value).strip())
    if not number.is_finite() or number != number.to_integral_value() or not 0 <= number <= 720:
        raise ValueError
    return int(number)


def _existing_by(field: str, keys: set[str]) -> dict[str, Customer]:
    """The customers whose `field` (unique) is one of `keys`, in a few queries for any size."""
    found: dict[str, Customer] = {}
    keys_list = sorted(keys)
    for start in range(0, len(keys_list), 5000):
        lookup = {f"{field}__in": keys_list[start : start + 5000]}
        found.update((getattr(c, field), c) for c in Customer.objects.filter(**lookup))
    return found


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
    # An exported list comes back as it went out: regions by their English name too.
    regions_en = {r.name_en: r for r in regions.values() if r.name_en}
    default_tier = CrmSettings.load().default_tier
    may_manage = can_manage(actor)
    visible_ids = set(Customer.objects.visible_to(actor).values_list("pk", flat=True))
    seen_names: dict[str, int] = {}
    seen_codes: dict[str, int] = {}
    seen_customers: dict[int, int] = {}

    # Two passes: each row's own checks, then, after one lookup for the whole file, the checks
    # against existing customers. Each row keeps its problems, so they stay in sheet order.
    checked: list[tuple[int, dict[str, Any], list[Problem]]] = []
    for sheet_row in sheet.rows():
        row_number, raw = sheet_row.number, sheet_row.values
        row_problems = list(sheet_row.problems)
        checked.append((row_number, {}, row_problems))

        def problem(key: str, message: str, row=row_number, found=row_problems) -> None:
            found.append(sheet.problem(row, key, message))

        values = checked[-1][1]
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
            except ServiceError as exc:
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
            region = regions.get(str(raw["region"])) or regions_en.get(str(raw["region"]))
            if region is None:
                problem(
                    "region",
                    _("%(value)s is not a configured region (%(choices)s)")
                    % {"value": raw["region"], "choices": "、".join(regions)},
                )
            values["region"] = region
        # A blank tier means "the default" for a new customer and "unchanged" for an existing one.
        # The export writes "A · 重点跟进"; the letter before the dot is the tier.
        tier = str(raw.get("tier") or "").split("·")[0].strip().upper()
        if tier and tier not in Tier.values:
            problem("tier", _("must be one of A, B, C, D"))
        if tier:
            values["tier"] = tier
        for key in ("buying_power", "credit_limit"):
            if not blank(raw.get(key)):
                try:
                    values[key] = parse_yuan(raw[key], round_to_cent=True)
                except (InvalidOperation, ValueError):
                    problem(key, _("must be an amount in yuan, 0 or more"))
        if not blank(raw.get("payment_terms_days")):
            try:
                days = _days(raw["payment_terms_days"])
            except (InvalidOperation, ValueError):
                problem("payment_terms_days", _("must be a whole number of days, 0 to 720"))
            else:
                values["payment_terms_days"] = days

    clean = [(number, values) for number, values, found in checked if not found]
    by_code = _existing_by(
        "credit_code", {v["credit_code"] for _n, v in clean if v.get("credit_code")}
    )
    by_name = _existing_by("name", {v["name"] for _n, v in clean})
    for row_number, values, row_problems in checked:
        if row_problems:
            continue

        def problem(key: str, message: str, row=row_number, found=row_problems) -> None:
            found.append(sheet.problem(row, key, message))

        existing = None
        if values.get("credit_code"):
            existing = by_code.get(values["credit_code"])
        if existing is None:
            existing = by_name.get(values["name"])
        if existing is not None:
            if existing.pk not in visible_ids:
                problem("name", _("this customer exists and belongs to another team"))
                continue
            clash = by_name.get(values["name"])
            if clash is not None and clash.pk != existing.pk:
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

    plan.problems.extend(found for _n, _v, row_problems in checked for found in row_problems)
    if not plan.rows and not plan.problems:
        plan.problems.append(Problem(2, "-", _("the file has no customer rows")))
    return plan


# Rows written per INSERT/UPDATE statement.
BATCH = 1000


@transaction.atomic
def customer_import_apply(*, actor, plan: ImportPlan, now=None) -> tuple[int, int]:
    """Write a clean plan in one transaction: all rows or none. Returns (created, updated).

    The same rules as customer_create / customer_update, set-based: owners, settings and tier
    rules are read once, the customers to update are locked in one query, rows are written
    in batches of BATCH with their history and ownership events. Uniqueness was checked by
    the plan and is enforced again by the database; a clash (a customer saved since the
    check) is a ValidationError and nothing is written. A row that changes an existing
    customer's owner still goes through customer_reassign (its deals move with it).
    """
    if not plan.ok:
        raise ValueError("a plan with problems cannot be applied")
    _require_write(actor)
    now = now or timezone.now()
    allowed_owners = set(assignable_owners(actor).values_list("pk", flat=True))
    if any(row.values["owner"].pk not in allowed_owners for row in plan.rows):
        raise ServiceError(_("You cannot make this user the owner."), field="owner")
    crm = CrmSettings.load()
    rules = {rule.tier: rule for rule in TierRule.objects.all()}
    creates = [row for row in plan.rows if row.existing is None]
    updates = [row for row in plan.rows if row.existing is not None]
    try:
        with transaction.atomic():  # a clash rolls back to here, then becomes a message
            created = _create(actor, creates, crm=crm, rules=rules, now=now)
            updated = _update(actor, updates, crm=crm, rules=rules, now=now)
    except IntegrityError as exc:
        raise ServiceError(
            _(
                "Another customer with the same name or credit code was saved meanwhile; check the "
                "file again."
            )
        ) from exc
    return created, updated


def _check_manager_fields(actor, customer: Customer | None, values: dict[str, Any]) -> None:
    """As customer_create (any manager field given) and customer_update (one that changes)."""
    refuse_manager_fields(
        actor,
        {
            key
            for key in MANAGER_FIELDS & set(values)
            if customer is None or getattr(customer, key) != values[key]
        },
    )


def _refresh(customer: Customer, *, crm, rules) -> None:
    refresh_rad_type(customer, crm=crm)
    refresh_cadence(customer, rule=rules[customer.tier])
    # Field rules only, no query per row: uniqueness is the plan's and the database's, the
    # owned-xor-pooled and tier-lock checks hold by construction and are CHECK constraints
    # besides, and the foreign keys hold objects the plan read (a deleted one fails the insert).
    try:
        customer.full_clean(
            exclude=["owner", "pool_team", "region", "group"],
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError as exc:
        raise ServiceError.for_fields(exc.message_dict) from exc


def _create(actor, rows, *, crm, rules, now) -> int:
    customers, events = [], []
    for planned in rows:
        values = dict(planned.values)
        owner = values.pop("owner")
        values["credit_code"] = clean_credit_code(values.get("credit_code"))
        values.setdefault("tier", crm.default_tier)
        customer = Customer(owner=owner, owner_since=now, **values)
        _check_manager_fields(actor, None, values)
        _refresh(customer, crm=crm, rules=rules)
        customers.append(customer)
    bulk_create_with_history(customers, Customer, batch_size=BATCH, default_user=actor)
    for customer in customers:
        events.append(
            OwnershipEvent(
                customer=customer,
                kind=OwnershipEvent.Kind.CREATED,
                to_owner=customer.owner,
                actor=actor,
                reason=_("Created"),
                created_at=now,
            )
        )
    OwnershipEvent.objects.bulk_create(events, batch_size=BATCH)
    return len(customers)


def _update(actor, rows, *, crm, rules, now) -> int:
    if not rows:
        return 0
    for planned in rows:  # a new owner moves deals and writes an event: the service does both
        owner = planned.values["owner"]
        if planned.existing.owner_id != owner.pk:
            customer_reassign(
                actor=actor, customer=planned.existing, new_owner=owner, reason=_("Excel import")
            )
    ids = [planned.existing.pk for planned in rows]
    locked: dict[int, Customer] = {}
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        locked.update(
            (customer.pk, customer)
            for customer in Customer.objects.select_for_update().filter(pk__in=chunk)
        )
    changed_fields: set[str] = {"updated_at"}
    customers = []
    for planned in rows:
        customer = locked[planned.existing.pk]
        values = dict(planned.values)
        values.pop("owner")
        if "credit_code" in values:
            values["credit_code"] = clean_credit_code(values["credit_code"])
        _check_manager_fields(actor, customer, values)
        if values.get("tier", customer.tier) != customer.tier and customer.tier_locked:
            raise ServiceError(
                _("The tier is locked: %(reason)s") % {"reason": customer.tier_lock_reason},
                field="tier",
            )
        for field, value in values.items():
            setattr(customer, field, value)
        _refresh(customer, crm=crm, rules=rules)
        customer.updated_at = now  # bulk_update skips auto_now
        changed_fields.update(values)
        customers.append(customer)
    changed_fields.update({"rad_type", "next_followup_due", "next_visit_due"})
    bulk_update_with_history(
        customers, Customer, sorted(changed_fields), batch_size=BATCH, default_user=actor
    )
    return len(customers)
