"""Journey: rep1 logs in on a phone and sees the Chinese home page."""

import pytest

from customers.models import Customer
from salesops.accounts.models import User
from tests.browser.conftest import screenshot, seed_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_rep_logs_in_on_a_phone_and_sees_the_chinese_workbench(live_server, phone):
    seed_demo()

    phone.goto(f"{live_server.url}/")
    assert "/accounts/login/" in phone.url  # not logged in: sent to the login page
    assert phone.locator("html").get_attribute("lang") == "zh-hans"
    phone.get_by_label("用户名").fill("rep1")
    phone.get_by_label("密码").fill("demo1234")
    phone.get_by_role("button", name="登录").click()

    phone.wait_for_url(f"{live_server.url}/")
    heading = phone.get_by_test_id("home-heading")
    assert heading.inner_text() == "你好，李娜"
    rep1 = User.objects.get(username="rep1")
    owned = Customer.objects.filter(owner=rep1).count()
    assert owned >= 10
    assert phone.get_by_test_id("customer-count").inner_text() == str(owned)
    # The menu is collapsed behind the toggler on a phone; opening it shows Chinese entries.
    phone.get_by_role("button", name="菜单").click()
    phone.get_by_role("button", name="客户", exact=True).click()
    assert phone.get_by_role("link", name="客户列表", exact=True).is_visible()
    assert phone.get_by_test_id("role").inner_text() == "销售代表"
    # Nothing wider than the phone: no sideways scrolling.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    # The page font is the bundled Noto Sans SC, loaded from our own static files.
    assert phone.evaluate("document.fonts.check('16px \"Noto Sans SC\"', '你好')")
    screenshot(phone, "rep1-home-phone")
