"""The benchmark book's contracts: one for half of the confirmed orders, signed the day the order
was confirmed, with the order's lines and three payment milestones (30% on signing, 60% 30 days
after acceptance, 10% retention due when the 12-month warranty ends)."""

from datetime import date, timedelta

from salesops.core.dataset import Load, Plan, fetch, money, text

UNITS = ("台", "套", "件", "米", "批")
STATUS = {
    "confirmed": "signed",
    "production": "signed",
    "shipped": "signed",
    "delivered": "delivered",
    "accepted": "accepted",
    "closed": "completed",
}


def half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half up, for non-negative integers."""
    return (2 * numerator + denominator) // (2 * denominator)


class Contracts:
    """The contract tables' writers and their ids."""

    def __init__(self, plan: Plan, load: Load):
        self.plan = plan
        self.seller = _seller()
        self.contracts = load.table("orders_contract", CONTRACT_COLUMNS)
        self.contract_lines = load.table("orders_contractline", CONTRACT_LINE_COLUMNS)
        self.milestones = load.table("orders_paymentmilestone", MILESTONE_COLUMNS)
        self.contract_id = self.cline_id = self.milestone_id = 0

    def add(self, *, order_id, customer, party, status, dates, reached, sums, order_lines):
        plan, seller = self.plan, self.seller
        contracts, contract_lines, milestones = self.contracts, self.contract_lines, self.milestones
        name, code, address, rep = party
        total, net_sum, tax_sum = sums
        self.contract_id += 1
        contract_id = self.contract_id
        contract_status = STATUS[status]
        signed = dates["confirmed"]
        delivered = dates["delivered"] if "delivered" in reached else None
        accepted = dates["accepted"] if "accepted" in reached else None
        contracts.add(
            contract_id,
            f"HT{signed:%Y%m%d}-{contract_id:07d}",
            f"{name} 供货合同",
            customer.id,
            order_id,
            None,
            customer.seller,
            contract_status,
            seller[0],
            *seller[1:],
            name,
            code,
            address,
            rep,
            address or "客户注册地址",
            72,
            12,
            "0.000500",
            money(net_sum),
            money(tax_sum),
            money(total),
            signed,
            delivered,
            accepted,
            customer.seller,
            plan.at(signed, 10),
            None,
            "",
        )
        for pid, quantity, price, discount, amount, net, tax, position in order_lines:
            self.cline_id += 1
            contract_lines.add(
                self.cline_id,
                contract_id,
                pid,
                f"产品 P-{pid:05d}",
                UNITS[pid % len(UNITS)],
                f"{quantity}.000",
                money(price),
                f"0.{discount:04d}",
                "0.1300",
                money(amount),
                money(net),
                money(tax),
                position,
            )
        # 30% on signing, 60% 30 days after acceptance, 10% retention after 12 months.
        first_part = half_up(total * 30, 100)
        second_part = half_up(total * 60, 100)
        # The retention is raised at acceptance and due when the 12-month warranty ends.
        warranty_end = _months_later(accepted, 12) if accepted else None
        plan_rows = (
            ("签约预付款", "30", first_part, "signing", signed, signed, 0, False),
            ("验收款", "60", second_part, "acceptance", accepted, accepted, 30, False),
            (
                "质保金",
                "10",
                total - first_part - second_part,
                "warranty",
                accepted,
                warranty_end,
                0,
                True,
            ),
        )
        for sequence, row in enumerate(plan_rows, start=1):
            label, percent, fen, trigger, on, due_from, offset, retention = row
            self.milestone_id += 1
            milestones.add(
                self.milestone_id,
                contract_id,
                sequence,
                label,
                f"{percent}.0000",
                money(fen),
                trigger,
                None,
                offset,
                "calendar",
                retention,
                on,
                due_from + timedelta(days=offset) if on else None,
                None,
            )


def _months_later(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError(day)


def _seller() -> tuple:
    """Our legal entity: the default one, created when the book has none."""
    rows = fetch(
        "SELECT id, name, credit_code, address, legal_representative FROM orders_legalentity "
        'ORDER BY NOT "default", id LIMIT 1'
    )
    if not rows:
        rows = fetch(
            "INSERT INTO orders_legalentity (name, credit_code, address, legal_representative, "
            "phone, bank, bank_account, \"default\") VALUES ('上海赛欧工业设备有限公司', "
            "'91310000MA1FL0001X', '上海市浦东新区张江路100号', '陈志远', '021-50000000', "
            "'招商银行上海张江支行', '121900000010001', true) "
            "RETURNING id, name, credit_code, address, legal_representative"
        )
    return tuple(text(v) if isinstance(v, str) else v for v in rows[0])


CONTRACT_COLUMNS = (  # noqa: SIM905
    "id number title customer_id order_id opportunity_id owner_id status seller_id seller_name "
    "seller_credit_code seller_address seller_legal_representative buyer_name buyer_credit_code "
    "buyer_address buyer_legal_representative delivery_address acceptance_window_hours "
    "warranty_months penalty_daily_rate total_net total_tax total signed_on delivered_on "
    "accepted_on created_by_id created_at terminated_on termination_reason"
).split()
CONTRACT_LINE_COLUMNS = (  # noqa: SIM905
    "id contract_id product_id description unit quantity unit_price discount tax_rate amount "
    "amount_net amount_tax position"
).split()
MILESTONE_COLUMNS = (  # noqa: SIM905
    "id contract_id sequence name percent amount trigger fixed_date offset offset_kind "
    "retention triggered_on due_date receivable_id"
).split()
