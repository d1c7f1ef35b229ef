"""Product import from Excel (产品导入): plan every row first, write only when no row has a
problem. An existing SKU is updated, a new one created."""

from dataclasses import dataclass
from decimal import InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from orders.models import Product
from orders.rules.amounts import read_rate
from orders.services.products import products_save, require_product_manager
from salesops.core.excel import MAX_ROWS
from salesops.core.imports import ImportSheet, Plan, Problem, blank
from salesops.core.money import parse_yuan
from salesops.core.xlsx_reader import SheetRows

COLUMNS: dict[str, tuple[str, ...]] = {
    "sku": ("型号", "产品型号", "SKU", "model"),
    "name": ("名称", "产品名称", "name"),
    "product_line": ("产品线", "product_line"),
    "unit": ("单位", "unit"),
    "list_price": ("含税单价", "标准价", "list_price"),
    "cost": ("成本", "cost"),
    "tax_rate": ("税率", "tax_rate"),
}
REQUIRED = ("sku", "name", "list_price")
TEXT_LIMITS = {"sku": 60, "name": 200, "product_line": 60, "unit": 20}


@dataclass
class PlannedProduct:
    row: int
    values: dict[str, Any]
    existing: Product | None = None


@dataclass
class ProductPlan(Plan[PlannedProduct]):
    @property
    def creates(self) -> int:
        return sum(1 for row in self.rows if row.existing is None)

    @property
    def updates(self) -> int:
        return sum(1 for row in self.rows if row.existing is not None)


def product_import_plan(*, actor, worksheet: SheetRows) -> ProductPlan:
    """Read and check every row; nothing is written. Problems cite the sheet's row numbers
    and the file's own headers."""
    require_product_manager(actor)
    plan = ProductPlan()
    sheet = ImportSheet(worksheet, COLUMNS, REQUIRED, max_rows=MAX_ROWS)
    plan.problems.extend(sheet.problems)
    if plan.problems:
        return plan
    checked: list[tuple[int, dict[str, Any], list[Problem]]] = []
    seen: dict[str, int] = {}
    for sheet_row in sheet.rows():
        number, raw = sheet_row.number, sheet_row.values
        found = list(sheet_row.problems)
        values: dict[str, Any] = {}
        checked.append((number, values, found))

        def problem(key: str, message: str, row=number, found=found) -> None:
            found.append(sheet.problem(row, key, message))

        for key, limit in TEXT_LIMITS.items():
            if not blank(raw.get(key)):
                text = str(raw[key]).strip()
                if len(text) > limit:
                    problem(key, _("longer than %(limit)s characters") % {"limit": limit})
                values[key] = text
        sku = values.get("sku")
        if sku:
            if sku in seen:
                problem("sku", _("same SKU as row %(row)s") % {"row": seen[sku]})
            seen.setdefault(sku, number)
        for key in ("list_price", "cost"):
            if not blank(raw.get(key)):
                try:
                    values[key] = parse_yuan(raw[key])
                except (InvalidOperation, ValueError):
                    problem(key, _("must be an amount in yuan with at most two decimals"))
        if not blank(raw.get("tax_rate")):
            try:
                values["tax_rate"] = read_rate(raw["tax_rate"])
            except ValueError:
                problem("tax_rate", _("must be a rate such as 13% or 0.13"))
    clean = {values["sku"] for _n, values, found in checked if not found}
    existing = Product.objects.in_bulk(sorted(clean), field_name="sku") if clean else {}
    for number, values, found in checked:
        if not found:
            plan.rows.append(
                PlannedProduct(row=number, values=values, existing=existing.get(values["sku"]))
            )
    plan.problems.extend(problem for _n, _v, found in checked for problem in found)
    if not plan.rows and not plan.problems:
        plan.problems.append(Problem(2, "-", _("the file has no product rows")))
    if plan.problems:
        plan.rows = []
    return plan


def product_import_apply(*, actor, plan: ProductPlan) -> tuple[int, int]:
    """Write a clean plan, all rows or none; returns (created, updated)."""
    if not plan.ok:
        raise ValueError("a plan with problems cannot be applied")
    return products_save(actor=actor, rows=[(row.existing, row.values) for row in plan.rows])
