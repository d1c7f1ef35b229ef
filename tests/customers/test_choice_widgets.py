"""No "---------" pseudo-choice: not as a channel button, and "All" (全部) in list filters."""

import pytest
from django.urls import reverse
from django.utils import timezone

from customers.forms import FollowUpForm
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_channel_buttons_are_the_five_channels_only(org):
    customer = CustomerFactory(owner=org["rep1"])

    choices = list(FollowUpForm(customer=customer).fields["channel"].choices)

    assert [value for value, _label in choices] == ["phone", "visit", "email", "wechat", "other"]


def test_due_list_and_customer_page_render_no_dashes(client, org):
    today = timezone.localdate()
    customer = CustomerFactory(
        name="福州闽江机电有限公司", owner=org["rep1"], next_followup_due=today
    )
    client.force_login(org["rep1"])

    detail = client.get(customer.get_absolute_url()).content.decode()
    due = client.get(reverse("followup_due")).content.decode()

    assert 'class="btn-check"' in detail
    assert detail.count('class="btn-check"') == 5
    assert "---------" not in detail
    assert "---------" not in due
    assert f"跟进到期 {today:%m-%d}" in due


def test_customer_filters_offer_all_instead_of_dashes(client, org):
    client.force_login(org["manager1"])

    html = client.get(reverse("customer_list")).content.decode()

    assert "---------" not in html
    # rad type, region, owner, status, follow-up overdue, credit hold, and the sort order's default
    assert html.count('<option value="" selected>全部</option>') == 6
    assert '<option value="" selected>默认排序</option>' in html
