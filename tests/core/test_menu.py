"""The main menu shows each role what it uses: no sales-only entries for finance, no
finance-only ones for reps."""

import re

import pytest
from django.urls import reverse

from salesops.accounts.roles import Role
from salesops.core.menu import menu_for

pytestmark = pytest.mark.django_db

SALES_ONLY = {
    "followup_due",
    "customer_pool",
    "opportunity_board",
    "opportunity_list",
    "funnel_dashboard",
    "target_list",
    "order_create",
    "work_plan_list",
}
FINANCE_ONLY = {"payment_create", "opening_balance_import"}
FOR_EVERYONE = {
    "home",
    "customer_list",
    "receivable_list",
    "payment_list",
    "aging",
    "collections",
    "receivable_kpis",
    "order_list",
    "contract_list",
    "report_index",
}
EXPECTED = {
    "rep1": FOR_EVERYONE | SALES_ONLY,
    "manager1": FOR_EVERYONE
    | SALES_ONLY
    | {"customer_import", "followup_compliance", "product_import"},
    "finance1": FOR_EVERYONE | FINANCE_ONLY,
    "admin": FOR_EVERYONE
    | SALES_ONLY
    | FINANCE_ONLY
    | {"customer_import", "followup_compliance", "product_import", "admin:index"},
}


def menu_entries(html: str) -> list[str]:
    menu = html[html.index('data-testid="main-menu"') :]
    menu = menu[: menu.index("</ul>\n      <ul")]
    return re.findall(r'data-nav="([^"]+)"', menu)


@pytest.mark.parametrize("username", EXPECTED)
def test_menu_shows_each_role_exactly_what_it_uses(client, org, username):
    client.force_login(org[username])
    entries = menu_entries(client.get(reverse("home")).content.decode())
    assert len(entries) == len(set(entries))
    assert set(entries) == EXPECTED[username]


def test_finance_sees_no_sales_only_entry_and_reps_no_finance_only_one(client, org):
    client.force_login(org["finance1"])
    assert not SALES_ONLY & set(menu_entries(client.get(reverse("home")).content.decode()))
    client.force_login(org["rep1"])
    assert not FINANCE_ONLY & set(menu_entries(client.get(reverse("home")).content.decode()))


@pytest.mark.parametrize("username", EXPECTED)
def test_every_menu_entry_opens_for_its_role(client, org, username):
    client.force_login(org[username])
    for url_name in EXPECTED[username]:
        assert client.get(reverse(url_name)).status_code == 200, url_name


def test_groups_without_an_entry_for_the_role_are_left_out():
    assert [getattr(item, "key", None) for item in menu_for(Role.FINANCE)] == [
        None,
        "customers",
        "orders",
        "receivables",
        None,  # reports
    ]
