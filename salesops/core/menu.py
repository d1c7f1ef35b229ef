"""The main menu: the entries each role sees, decided by what that role can use."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from salesops.accounts.roles import EVERYONE, MANAGERS, SALES, Role
from salesops.accounts.roles import MONEY as FINANCE

ADMINS = frozenset({Role.ADMIN})


@dataclass(frozen=True)
class Entry:
    url_name: str
    label: str
    roles: frozenset

    @property
    def url(self) -> str:
        return reverse(self.url_name)


@dataclass(frozen=True)
class Group:
    key: str
    label: str
    entries: tuple[Entry, ...]


MENU: tuple[Entry | Group, ...] = (
    Entry("home", _("Workbench"), EVERYONE),
    Entry("followup_due", _("Due follow-ups"), SALES),
    Entry("work_plan_list", _("Plans and reports"), SALES),
    Group(
        "customers",
        _("Customers"),
        (
            Entry("customer_list", _("Customer list"), EVERYONE),
            Entry("customer_pool", _("Customer pool"), SALES),
            Entry("customer_import", _("Import customers"), MANAGERS),
        ),
    ),
    Group(
        "opportunities",
        _("Opportunities"),
        (
            Entry("opportunity_board", _("Opportunity board"), SALES),
            Entry("opportunity_list", _("Opportunity list"), SALES),
            Entry("funnel_dashboard", _("Funnel"), SALES),
            Entry("target_list", _("Targets"), SALES),
        ),
    ),
    Group(
        "orders",
        _("Orders"),
        (
            Entry("order_list", _("Order list"), EVERYONE),
            Entry("order_create", _("New order"), SALES),
            Entry("contract_list", _("Contracts"), EVERYONE),
            Entry("product_import", _("Import products"), MANAGERS),
        ),
    ),
    Group(
        "receivables",
        _("Receivables"),
        (
            Entry("receivable_list", _("Receivable list"), EVERYONE),
            Entry("payment_list", _("Payments"), EVERYONE),
            Entry("payment_create", _("Record a payment"), FINANCE),
            Entry("aging", _("Aging"), EVERYONE),
            Entry("collections", _("Collection list"), EVERYONE),
            Entry("receivable_kpis", _("Collection KPIs"), EVERYONE),
            Entry("opening_balance_import", _("Import opening balances"), FINANCE),
        ),
    ),
    Entry("report_index", _("Reports"), EVERYONE),
    Entry("followup_compliance", _("Compliance"), MANAGERS),
    Entry("admin:index", _("Administration"), ADMINS),
)


def menu_for(role: Role | None) -> list[Entry | Group]:
    """The menu as `role` sees it: entries it cannot use left out, empty groups too."""
    if role is None:
        return []
    shown: list[Entry | Group] = []
    for item in MENU:
        if isinstance(item, Group):
            entries = tuple(e for e in item.entries if role in e.roles)
            if entries:
                shown.append(Group(item.key, item.label, entries))
        elif role in item.roles:
            shown.append(item)
    return shown
