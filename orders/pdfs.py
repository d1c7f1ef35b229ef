"""The printable documents' contents: the order confirmation (订单确认书) and the contract (合同)
with both parties, lines, the total in figures and capitals, the payment milestones and the
terms. The views render them, always in Chinese, for an order or contract fetched through
visible_to."""

from datetime import date

from orders.models import Contract, Order
from orders.selectors.contracts import contract_parts
from receivables.pdfs import COMPANY_NAME
from receivables.rules.penalty import rate_percent
from salesops.core.money import yuan_in_capitals

PDF_LANGUAGE = "zh-hans"


def order_confirmation_context(order: Order, today: date) -> dict:
    """Lines and totals with and without tax, the total in capitals (大写)."""
    return {
        "order": order,
        "customer": order.customer,
        "lines": list(order.lines.all()),
        "total_capital": yuan_in_capitals(order.total),
        "today": today,
        "company_name": COMPANY_NAME,
    }


PDF_LANGUAGE = "zh-hans"
SMALL_NUMERALS = dict(zip(range(1, 11), "一二三四五六七八九十", strict=True))


def per_ten_thousand(rate) -> str:
    """A daily rate as contracts say it: 0.0005 → 五 (日万分之五), 0.00015 → 1.5."""
    value = rate * 10000
    if value == value.to_integral_value() and int(value) in SMALL_NUMERALS:
        return SMALL_NUMERALS[int(value)]
    return f"{value.normalize():f}"


def contract_context(contract: Contract) -> dict:
    parts = contract_parts(contract=contract)
    for milestone in parts["milestones"]:
        milestone.capital = yuan_in_capitals(milestone.amount)
    return {
        "contract": contract,
        **parts,
        "total_capital": yuan_in_capitals(contract.total),
        "penalty_percent": rate_percent(contract.penalty_daily_rate),
        "penalty_per_ten_thousand": per_ten_thousand(contract.penalty_daily_rate),
        "company_name": contract.seller_name,
    }
