"""The printable documents' contents: the contract (合同) with both parties, lines, the total in
figures and capitals, the payment milestones and the terms. The view renders it, always in
Chinese, for a contract fetched through visible_to."""

from orders.models import Contract
from orders.selectors.contracts import contract_parts
from receivables.rules.penalty import rate_percent
from salesops.core.money import yuan_in_capitals

PDF_LANGUAGE = "zh-hans"


def contract_context(contract: Contract) -> dict:
    parts = contract_parts(contract=contract)
    for milestone in parts["milestones"]:
        milestone.capital = yuan_in_capitals(milestone.amount)
    return {
        "contract": contract,
        **parts,
        "total_capital": yuan_in_capitals(contract.total),
        "penalty_percent": rate_percent(contract.penalty_daily_rate),
        # 0.0005 a day is 日万分之五, as contracts say it.
        "penalty_per_ten_thousand": f"{(contract.penalty_daily_rate * 10000).normalize():f}",
        "company_name": contract.seller_name,
    }
