"""Journey: manager1 opens the funnel dashboard, filters to one rep, sees that rep's numbers."""

import pytest
from django.utils import timezone

from opportunities.selectors.funnel import funnel
from salesops.accounts.models import User
from tests.browser.conftest import screenshot, seed_demo
from tests.browser.test_due_list_journey import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def money(value) -> str:
    return f"¥{value:,.2f}"


def test_manager_filters_the_funnel_to_one_rep(live_server, phone):
    seed_demo()
    manager = User.objects.get(username="manager1")
    rep2 = User.objects.get(username="rep2")
    team = funnel(user=manager, as_of=timezone.localdate())
    expected = funnel(
        user=manager, owners_qs=lambda qs: qs.filter(owner=rep2), as_of=timezone.localdate()
    )
    assert 0 < expected.open_count < team.open_count  # the filter must visibly change the figures

    log_in(phone, live_server.url, "manager1")
    phone.goto(f"{live_server.url}/opportunities/funnel/")
    assert phone.get_by_test_id("open-count").inner_text() == str(team.open_count)
    phone.locator("#f-owner").select_option("rep2")
    phone.get_by_role("button", name="显示").click()
    phone.wait_for_url("**owner=rep2**")

    assert phone.get_by_test_id("open-count").inner_text() == str(expected.open_count)
    assert phone.get_by_test_id("weighted-total").inner_text() == money(expected.weighted_total)
    assert phone.get_by_test_id("target").inner_text() == money(expected.target)
    rows = phone.get_by_test_id("funnel-table").locator("tbody tr")
    for index, level in enumerate(expected.levels):
        assert rows.nth(index).locator("td").nth(1).inner_text() == str(level.count)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "manager1-funnel-rep2")
