"""Products, orders (订单) and contracts (合同) with their payment milestones (付款节点)."""

from orders.models.contracts import (
    Contract,
    ContractLine,
    LegalEntity,
    PaymentMilestone,
    SupplementaryAgreement,
)
from orders.models.orders import (
    CreditException,
    Order,
    OrderChange,
    OrderEvent,
    OrderLine,
    OrderSettings,
)
from orders.models.products import Product

__all__ = [
    "Contract",
    "ContractLine",
    "CreditException",
    "LegalEntity",
    "Order",
    "OrderChange",
    "OrderEvent",
    "OrderLine",
    "OrderSettings",
    "PaymentMilestone",
    "Product",
    "SupplementaryAgreement",
]
