"""Each role's home page fits a 390 px phone and a 1440 px desktop: no sideways page scroll,
its chart and its one number on screen; screenshots under test-artifacts/."""

import pytest

from tests.browser.conftest import screenshot, seed_demo
from tests.browser.test_due_list_journey import log_in
from tests.browser.test_wide_pages import NO_PAGE_OVERFLOW, VIEWPORTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# (user, the role's part of the page, its one number)
HOMES = [
    ("rep1", "home-rep", "due-now"),
    ("manager1", "home-manager", "team-target"),
    ("finance1", "home-finance", "overdue-now"),
    ("admin", "home-admin", "failed-week"),
]


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


def test_every_role_home_page_fits_a_phone_and_a_desktop(live_server, context_for):
    seed_demo()
    for size, viewport in VIEWPORTS.items():
        for username, part, number in HOMES:
            page = context_for(viewport)
            log_in(page, live_server.url, username)
            assert page.get_by_test_id(part).is_visible(), (size, username)
            chart = page.locator(f"[data-testid={part}] svg[role=img]").first
            assert chart.is_visible(), (size, username)
            # The chart scales to its card: never wider than the window.
            assert chart.bounding_box()["width"] <= viewport["width"], (size, username)
            assert page.get_by_test_id(number).is_visible(), (size, username)
            assert page.evaluate(NO_PAGE_OVERFLOW), (size, username)
            screenshot(page, f"{size}-{username}-home")
