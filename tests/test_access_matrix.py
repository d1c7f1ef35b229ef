"""Access matrix: for every endpoint, what each role gets. Later issues add their endpoints here.

Each row names an endpoint (a callable building the URL from the fixtures) and the status each
viewer must get. "anon" is a visitor who is not logged in. Objects outside a user's scope are
404, never 403, so their existence does not leak.
"""

import pytest
from django.urls import reverse

from tests.factories import NotificationFactory

pytestmark = pytest.mark.django_db

VIEWERS = ["anon", "rep1", "rep2", "rep3", "manager1", "manager2", "finance1", "admin"]
LOGIN = 302  # anonymous visitors are sent to the login page


def everyone(status=200, anon=LOGIN):
    return {viewer: (anon if viewer == "anon" else status) for viewer in VIEWERS}


def only(allowed: set[str], *, denied=404, anon=LOGIN):
    return {
        viewer: anon if viewer == "anon" else (200 if viewer in allowed else denied)
        for viewer in VIEWERS
    }


# (id, method, url builder, expected status per viewer)
MATRIX = [
    ("home", "get", lambda f: reverse("home"), everyone()),
    ("healthz", "get", lambda f: reverse("healthz"), everyone(anon=200)),
    ("password-change", "get", lambda f: reverse("password_change"), everyone()),
    ("notifications", "get", lambda f: reverse("notification_list"), everyone()),
    (
        "notification-of-rep1-mark-read",
        "post",
        lambda f: reverse("notification_read", args=[f["notification_rep1"].pk]),
        # Only its recipient may touch it; the success is a redirect back to the list.
        {**only({"rep1"}), "rep1": 302},
    ),
    ("customer-list", "get", lambda f: reverse("customer_list"), everyone()),
    (
        "customer-of-rep1",
        "get",
        lambda f: f["customers"]["rep1"].get_absolute_url(),
        only({"rep1", "manager1", "finance1", "admin"}),
    ),
    (
        "customer-of-rep3",
        "get",
        lambda f: f["customers"]["rep3"].get_absolute_url(),
        only({"rep3", "manager2", "finance1", "admin"}),
    ),
    (
        "customer-of-manager1",
        "get",
        lambda f: f["customers"]["manager1"].get_absolute_url(),
        only({"manager1", "finance1", "admin"}),
    ),
    # Django admin: staff only; others are sent to the admin login page.
    ("admin-index", "get", lambda f: reverse("admin:index"), only({"admin"}, denied=302, anon=302)),
    (
        "admin-customer-change",
        "get",
        lambda f: reverse("admin:customers_customer_change", args=[f["customers"]["rep1"].pk]),
        only({"admin"}, denied=302, anon=302),
    ),
]


@pytest.fixture
def fixtures(org, customers):
    return {
        **org,
        "customers": customers,
        "notification_rep1": NotificationFactory(recipient=org["rep1"], title="给rep1的提醒"),
    }


@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize(
    ("endpoint", "method", "url", "expected"), MATRIX, ids=[row[0] for row in MATRIX]
)
def test_access_matrix(client, fixtures, viewer, endpoint, method, url, expected):
    if viewer != "anon":
        client.force_login(fixtures[viewer])
    response = getattr(client, method)(url(fixtures))
    assert response.status_code == expected[viewer], (
        f"{viewer} on {endpoint}: {response.status_code}"
    )


def test_customer_list_shows_exactly_the_viewers_scope(client, fixtures):
    expected = {
        "rep1": ["rep1的客户"],
        "manager1": ["manager1的客户", "rep1的客户", "rep2的客户"],
        "manager2": ["manager2的客户", "rep3的客户"],
        "finance1": sorted(c.name for c in fixtures["customers"].values()),
    }
    for viewer, names in expected.items():
        client.force_login(fixtures[viewer])
        response = client.get(reverse("customer_list"))
        shown = sorted(c.name for c in response.context["page_obj"].object_list)
        assert shown == names, viewer


def test_other_users_notification_is_not_marked_read(client, fixtures):
    client.force_login(fixtures["rep2"])
    client.post(reverse("notification_read", args=[fixtures["notification_rep1"].pk]))
    fixtures["notification_rep1"].refresh_from_db()
    assert fixtures["notification_rep1"].read_at is None
