"""Journey: the board shows all six levels at 1440 px; a move on a phone confirms itself and
keeps the card in view; on desktop a card is dragged to another level, gate included."""

import pytest

from opportunities.models import FunnelStage
from tests.browser.conftest import screenshot
from tests.factories import CustomerFactory, OpportunityFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

IN_VIEW = """el => { const b = el.getBoundingClientRect();
    return b.left >= 0 && b.right <= window.innerWidth && b.top >= 0
        && b.bottom <= window.innerHeight; }"""


@pytest.fixture
def deals():
    rep = UserFactory(username="rep9", role="rep", password="demo1234")
    customer = CustomerFactory(owner=rep, name="苏州恒通电子科技有限公司")
    stage = {s.level: s for s in FunnelStage.objects.all()}
    made = {
        level: OpportunityFactory(customer=customer, stage=stage[level], name=f"L{level}商机")
        for level in (1, 3, 5)
    }
    return rep, made


def log_in(page, base_url):
    page.goto(f"{base_url}/accounts/login/")
    page.locator("input[name=username]").fill("rep9")
    page.locator("input[name=password]").fill("demo1234")
    page.locator("input[name=password]").press("Enter")
    page.wait_for_url(f"{base_url}/")


@pytest.fixture
def desktop(browser):
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def test_all_six_levels_fit_a_1440_px_screen(live_server, desktop, deals):
    log_in(desktop, live_server.url)
    desktop.goto(f"{live_server.url}/opportunities/board/")
    for level in range(1, 7):
        column = desktop.get_by_test_id(f"board-column-{level}")
        box = column.bounding_box()
        assert box["x"] >= 0, level
        assert box["x"] + box["width"] <= 1440, level
        assert box["width"] >= 150, level
    assert desktop.evaluate("document.documentElement.scrollWidth") <= 1440
    board = desktop.get_by_test_id("board")
    assert board.evaluate("el => el.scrollWidth <= el.clientWidth")
    screenshot(desktop, "1440-board-six-levels")


def test_a_move_on_a_phone_confirms_and_keeps_the_card_in_view(live_server, phone, deals):
    _rep, made = deals
    log_in(phone, live_server.url)
    phone.goto(f"{live_server.url}/opportunities/board/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    deal = made[5]
    phone.get_by_test_id(f"back-{deal.pk}").click()  # level 5 → 4: off screen on a phone

    toast = phone.get_by_test_id("board-toast")
    toast.wait_for(state="visible")
    assert toast.inner_text() == "已移至 L4 已发展。"
    card = phone.locator(f"#deal-{deal.pk}")
    assert card.locator("xpath=ancestor::section").get_attribute("data-level") == "4"
    phone.wait_for_function(f"({IN_VIEW})(document.getElementById('deal-{deal.pk}'))")
    deal.refresh_from_db()
    assert deal.stage.level == 4
    screenshot(phone, "390-board-after-move")


def test_dragging_a_card_moves_it_and_the_gate_still_applies(live_server, desktop, deals):
    _rep, made = deals
    log_in(desktop, live_server.url)
    desktop.goto(f"{live_server.url}/opportunities/board/")

    desktop.locator(f"#deal-{made[3].pk}").drag_to(desktop.get_by_test_id("board-column-2"))
    desktop.get_by_test_id("board-toast").wait_for(state="visible")
    assert desktop.get_by_test_id("board-toast").inner_text() == "已移至 L2 接触。"
    made[3].refresh_from_db()
    assert made[3].stage.level == 2
    totals = desktop.get_by_test_id("board-totals-2")
    assert totals.get_by_test_id("column-count").inner_text() == "1"

    # Forward onto level 2 with nothing ticked: the checklist dialog, and no move.
    desktop.locator(f"#deal-{made[1].pk}").drag_to(desktop.get_by_test_id("board-column-2"))
    desktop.get_by_test_id("gate-dialog").wait_for(state="visible")
    made[1].refresh_from_db()
    assert made[1].stage.level == 1
    screenshot(desktop, "1440-board-drag-gate")
