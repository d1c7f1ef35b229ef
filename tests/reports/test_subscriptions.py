"""Subscribing to the weekly report by e-mail: managers and admins only, a page toggle."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from reports.models import WeeklySubscription
from reports.services.subscriptions import weekly_subscription_set

pytestmark = pytest.mark.django_db


def test_only_managers_and_admins_subscribe(org):
    with pytest.raises(PermissionDenied):
        weekly_subscription_set(actor=org["rep1"], active=True)
    with pytest.raises(PermissionDenied):
        weekly_subscription_set(actor=org["finance1"], active=True)
    weekly_subscription_set(actor=org["manager1"], active=True)
    weekly_subscription_set(actor=org["manager1"], active=False)
    assert list(WeeklySubscription.objects.values_list("user__username", "active")) == [
        ("manager1", False)
    ]


def test_the_page_toggles_the_subscription(client, org):
    client.force_login(org["manager1"])
    page = client.get(reverse("weekly_subscription"))
    assert page.context["subscribed"] is False
    client.post(reverse("weekly_subscription"), {"active": "1"})
    assert client.get(reverse("weekly_subscription")).context["subscribed"] is True
    response = client.post(reverse("weekly_subscription"), {"active": "0", "next": "/reports/"})
    assert (response.status_code, response.url) == (302, "/reports/")
    assert client.get(reverse("weekly_subscription")).context["subscribed"] is False
