"""Journey: rep1 on a phone opens the due list and logs a visit in under five taps."""

import pytest

from customers.models import Customer, FollowUp
from salesops.accounts.models import User
from tests.browser.conftest import screenshot, seed_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, base_url, username):
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("demo1234")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base_url}/")


def test_rep_logs_a_visit_from_the_due_list_in_under_five_taps(live_server, phone):
    seed_demo()
    rep1 = User.objects.get(username="rep1")
    log_in(phone, live_server.url, "rep1")
    phone.goto(f"{live_server.url}/followups/due/")
    first_row = phone.get_by_test_id("due-row").first
    customer_name = first_row.locator(".fw-semibold").inner_text()
    customer = Customer.objects.get(name=customer_name, owner=rep1)
    before = FollowUp.objects.filter(customer=customer).count()

    taps = 0
    first_row.get_by_role("button", name="记录").tap()
    taps += 1
    form = phone.get_by_test_id("followup-form")
    form.get_by_text("面谈拜访").tap()
    taps += 1
    content = form.get_by_label("沟通内容")
    content.tap()
    taps += 1
    content.type("上门拜访王总，确认二期扩产需求")  # typing is not a tap
    form.get_by_role("button", name="保存跟进").tap()
    taps += 1

    saved = phone.get_by_test_id("followup-saved")
    saved.wait_for()
    assert taps < 5
    assert "跟进记录已保存" in saved.inner_text()
    followup = FollowUp.objects.filter(customer=customer).latest("logged_at")
    assert FollowUp.objects.filter(customer=customer).count() == before + 1
    assert (followup.channel, followup.content, followup.author) == (
        "visit",
        "上门拜访王总，确认二期扩产需求",
        rep1,
    )
    customer.refresh_from_db()
    assert customer.last_followup_at == followup.occurred_at
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "rep1-due-list-logged")
