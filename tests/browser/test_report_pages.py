"""The report pages on a 390 px phone and a 1440 px desktop, one per role: the index and the
aging report (chart first, the customers table scrolling inside its box); screenshots under
test-artifacts/."""

import pytest

from tests.browser.conftest import screenshot, seed_demo
from tests.browser.test_due_list_journey import log_in
from tests.browser.test_wide_pages import FIRST_CELLS_IN_VIEW, NO_PAGE_OVERFLOW, VIEWPORTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROLES = ("rep1", "manager1", "finance1", "admin")


@pytest.fixture
def context_for(browser):
    contexts = []

    def make(viewport):
        context = browser.new_context(viewport=viewport, locale="zh-CN")
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def test_each_role_opens_the_aging_report_on_a_phone_and_a_desktop(live_server, context_for):
    seed_demo()
    for size, viewport in VIEWPORTS.items():
        for username in ROLES:
            page = context_for(viewport)
            log_in(page, live_server.url, username)
            page.goto(f"{live_server.url}/reports/")
            page.locator("[data-report=aging]").click()
            page.wait_for_url("**/reports/aging/")
            assert page.locator("[data-testid=bucket-chart] svg").is_visible(), (size, username)
            assert page.locator("[data-testid=aging-total]").is_visible(), (size, username)
            assert page.locator("[data-testid=aging-customers]").is_visible(), (size, username)
            assert page.evaluate(NO_PAGE_OVERFLOW), (size, username)
            assert page.evaluate(FIRST_CELLS_IN_VIEW), (size, username)
            screenshot(page, f"{size}-{username}-reports-aging")
