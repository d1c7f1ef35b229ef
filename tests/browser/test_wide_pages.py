"""Every wide page fits a 390 px phone (no page-level sideways scroll, the first column in
view) and a 1440 px desktop; screenshots under test-artifacts/."""

import pytest

from tests.browser.conftest import screenshot, seed_demo
from tests.browser.test_due_list_journey import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORTS = {"390": {"width": 390, "height": 844}, "1440": {"width": 1440, "height": 900}}
# (user, path, selector of the key table or list that must be on screen)
PAGES = [
    ("finance1", "/receivables/aging/", "[data-testid=aging]"),
    ("finance1", "/receivables/aging/?group_by=owner", "[data-testid=aging]"),
    ("finance1", "/receivables/collections/", "[data-testid=collections]"),
    ("finance1", "/receivables/kpis/", "[data-testid=kpis]"),
    ("finance1", "/receivables/", "table"),
    ("finance1", "/receivables/payments/", "table"),
    ("manager1", "/customers/", "main"),
    ("manager1", "/customers/pool/", "main"),
    ("manager1", "/opportunities/", "main"),
    ("manager1", "/opportunities/funnel/", "[data-testid=funnel-table]"),
    ("manager1", "/opportunities/targets/", "main"),
    ("manager1", "/followups/compliance/", "[data-testid=compliance]"),
    ("manager1", "/followups/due/", "main"),
    ("manager1", "/opportunities/board/", "[data-testid=board]"),
    ("manager1", "/orders/", "main"),
    ("manager1", "/orders/contracts/", "main"),
    # Issue 12 (per): the weekly and monthly reports, plans and reports.
    ("manager1", "/reports/weekly/", "[data-testid=weekly-report]"),
    ("manager1", "/reports/monthly/", "[data-testid=monthly-report]"),
    ("manager1", "/reports/plans/", "main"),
    ("manager1", "/reports/visits/", "main"),
]


def detail_pages():
    """An accepted or closed order of manager1's team and its contract (milestones with their
    receivables)."""
    from orders.models import Contract

    contract = (
        Contract.objects.filter(
            order__status__in=["accepted", "closed"],
            customer__owner__username__in=["rep1", "rep2", "manager1"],
        )
        .order_by("pk")
        .first()
    )
    return [
        ("manager1", f"/orders/{contract.order_id}/", "main table"),
        ("manager1", f"/orders/contracts/{contract.pk}/", "main table"),
    ]


NO_PAGE_OVERFLOW = "document.documentElement.scrollWidth <= window.innerWidth"
# Each table's first cells: laid out inside the viewport, not pushed off by the other columns.
FIRST_CELLS_IN_VIEW = """() => [...document.querySelectorAll('main table')].every(table =>
    [...table.querySelectorAll('tr > :first-child')].slice(0, 5).every(cell => {
        const box = cell.getBoundingClientRect();
        return box.width > 40 && box.left >= 0 && box.right <= window.innerWidth;
    }))"""


@pytest.fixture
def context_for(browser):
    contexts = []

    def make(viewport, *, language="zh-CN"):
        context = browser.new_context(viewport=viewport, locale=language)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def test_wide_pages_fit_a_phone_and_a_desktop(live_server, context_for):
    seed_demo()
    details = detail_pages()
    for size, viewport in VIEWPORTS.items():
        pages = {}
        for username in ("finance1", "manager1"):
            pages[username] = context_for(viewport)
            log_in(pages[username], live_server.url, username)
        for username, path, key in PAGES + details:
            page = pages[username]
            response = page.goto(f"{live_server.url}{path}")
            assert response.status == 200, path
            assert page.evaluate(NO_PAGE_OVERFLOW), (size, path)
            assert page.locator(key).first.is_visible(), (size, path)
            assert page.evaluate(FIRST_CELLS_IN_VIEW), (size, path)
            name = path.strip("/").replace("/", "-").replace("?", "-").replace("=", "-")
            screenshot(page, f"{size}-{username}-{name or 'home'}")


def test_aging_in_english_fits_a_phone_and_a_desktop(live_server, context_for):
    seed_demo()
    for size, viewport in VIEWPORTS.items():
        page = context_for(viewport)
        log_in(page, live_server.url, "finance1")
        page.context.add_cookies(
            [{"name": "django_language", "value": "en", "url": live_server.url}]
        )
        page.goto(f"{live_server.url}/receivables/aging/")
        assert page.locator("h1").inner_text().startswith("Aging")
        assert page.evaluate(NO_PAGE_OVERFLOW), size
        assert page.evaluate(FIRST_CELLS_IN_VIEW), size
        screenshot(page, f"{size}-finance1-aging-english")
