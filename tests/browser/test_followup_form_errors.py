"""Journey: a refused quick follow-up never looks saved, on a phone (390 px) and a desktop."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from customers.models import FollowUp
from customers.services.customers import customer_create
from tests.browser.test_due_list_journey import log_in
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Gitignored; CI keeps it as the run's artifacts.
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
NEXT_STEP_NEEDED = "请填写该日期要完成的下一步计划。"


@pytest.fixture(params=[390, 1440], ids=["phone-390", "desktop-1440"])
def page(request, browser):
    if request.param == 390:
        phone = request.getfixturevalue("phone")  # the shared 390 px phone
        # The first page of a cold live server on a loaded 2-core machine can take > 15 s.
        phone.set_default_navigation_timeout(60_000)
        phone.width = 390
        yield phone
        return
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="en-US")
    context.set_default_timeout(15_000)
    desktop = context.new_page()
    desktop.set_default_navigation_timeout(60_000)
    desktop.width = 1440
    yield desktop
    context.close()


def test_refused_quick_log_shows_errors_on_top_and_by_the_field_and_unfolds_more(live_server, page):
    # Given rep1 with a tier-A customer overdue for a follow-up, on the due list
    rep1 = UserFactory(username="rep1", password="demo1234", role="rep")
    customer = customer_create(
        actor=rep1,
        now=timezone.now() - timedelta(days=30),
        name="上海润华精密机械有限公司",
        tier="A",
    )
    log_in(page, live_server.url, "rep1")
    page.goto(f"{live_server.url}/followups/due/")
    page.get_by_test_id(f"log-{customer.pk}").click()
    form = page.get_by_test_id("followup-form")
    form.get_by_label("沟通内容").fill("电话沟通二期需求")
    # When the rep gives a next-step date but no next step, folds "more" again and saves
    more = form.get_by_test_id("followup-more")
    more.locator("summary").click()
    more.get_by_label("完成时限").fill((timezone.localdate() + timedelta(days=3)).isoformat())
    more.locator("summary").click()
    assert more.evaluate("details => details.open") is False
    form.get_by_role("button", name="保存跟进").click()

    # Then the summary on top says it was not saved and names the field
    summary = page.get_by_test_id("followup-errors")
    summary.wait_for()
    assert summary.is_visible()
    assert "未保存" in summary.inner_text()
    assert NEXT_STEP_NEEDED in summary.inner_text()
    # the folded section opened itself and shows the error next to the field
    more = page.get_by_test_id("followup-more")
    assert more.evaluate("details => details.open") is True
    field_error = more.locator(".invalid-feedback", has_text=NEXT_STEP_NEEDED)
    assert field_error.is_visible()
    assert more.get_by_label("下一步计划").evaluate("el => el.classList.contains('is-invalid')")
    # nothing looks saved, and nothing was written
    assert page.get_by_test_id("followup-saved").count() == 0
    assert page.get_by_text("跟进记录已保存").count() == 0
    assert not FollowUp.objects.exists()
    assert page.evaluate("document.documentElement.scrollWidth") <= page.width
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"followup-refused-{page.width}.png"), full_page=True)
