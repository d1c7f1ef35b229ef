"""Access matrix: for every endpoint, what each role gets. Later issues add their endpoints here.

Each row names an endpoint (a callable building the URL from the fixtures) and the status each
viewer must get. "anon" is a visitor who is not logged in. Objects outside a user's scope are
404, never 403, so their existence does not leak.
"""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import ContactFactory, CustomerFactory, FollowUpFactory, NotificationFactory

pytestmark = pytest.mark.django_db

VIEWERS = ["anon", "rep1", "rep2", "rep3", "manager1", "manager2", "finance1", "admin"]
LOGIN = 302  # anonymous visitors are sent to the login page


def everyone(status=200, anon=LOGIN):
    return {viewer: (anon if viewer == "anon" else status) for viewer in VIEWERS}


def only(allowed: set[str], *, denied=404, anon=LOGIN, ok=200, forbidden: set[str] = frozenset()):
    """`allowed` get `ok`; `forbidden` see the object but their role may not act (403); the
    rest are outside the scope (`denied`, 404 by default)."""
    return {
        viewer: anon
        if viewer == "anon"
        else ok
        if viewer in allowed
        else 403
        if viewer in forbidden
        else denied
        for viewer in VIEWERS
    }


SELLERS_OF_REP1 = {"rep1", "manager1", "admin"}  # may change rep1's customer


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
    # Customers (issue 3): finance reads everything but changes nothing.
    (
        "customer-edit",
        "get",
        lambda f: reverse("customer_edit", args=[f["customers"]["rep1"].pk]),
        only(SELLERS_OF_REP1, forbidden={"finance1"}),
    ),
    (
        "customer-history",
        "get",
        lambda f: reverse("customer_history", args=[f["customers"]["rep1"].pk]),
        only({"rep1", "manager1", "finance1", "admin"}),
    ),
    (
        "followup-form",
        "get",
        lambda f: reverse("followup_create", args=[f["customers"]["rep1"].pk]),
        only(SELLERS_OF_REP1, forbidden={"finance1"}),
    ),
    (
        "followup-log",
        "post",
        lambda f: reverse("followup_create", args=[f["customers"]["rep1"].pk]),
        # Posting an empty form: in scope the form comes back with its errors, nothing written.
        only(SELLERS_OF_REP1, forbidden={"finance1"}),
    ),
    (
        "followup-next-step-done",
        "post",
        lambda f: reverse("followup_done", args=[f["followup_rep1"].pk]),
        only(SELLERS_OF_REP1, forbidden={"finance1"}, ok=302),
    ),
    (
        "contact-create",
        "get",
        lambda f: reverse("contact_create", args=[f["customers"]["rep1"].pk]),
        only(SELLERS_OF_REP1, forbidden={"finance1"}),
    ),
    (
        "contact-edit",
        "get",
        lambda f: reverse("contact_edit", args=[f["customers"]["rep1"].pk, f["contact_rep1"].pk]),
        only(SELLERS_OF_REP1, forbidden={"finance1"}),
    ),
    (
        "customer-create",
        "get",
        lambda f: reverse("customer_create"),
        {**everyone(), "finance1": 403},
    ),
    ("customer-export", "get", lambda f: reverse("customer_export"), everyone()),
    ("customer-pool", "get", lambda f: reverse("customer_pool"), everyone()),
    (
        "customer-claim-team-a-pool",
        "post",
        lambda f: reverse("customer_claim", args=[f["pool_a"].pk]),
        # Reps of team A claim; those who see the pool but are not reps may not claim.
        only({"rep1", "rep2"}, ok=302, forbidden={"manager1", "finance1", "admin"}),
    ),
    (
        "customer-reassign",
        "get",
        lambda f: reverse("customer_reassign", args=[f["customers"]["rep1"].pk]),
        {**only({"manager1", "admin"}), "rep1": 403, "rep2": 403, "rep3": 403, "finance1": 403},
    ),
    (
        "customer-import",
        "get",
        lambda f: reverse("customer_import"),
        only({"manager1", "manager2", "admin"}, denied=403),
    ),
    ("followup-due", "get", lambda f: reverse("followup_due"), everyone()),
    (
        "followup-compliance",
        "get",
        lambda f: reverse("followup_compliance"),
        only({"manager1", "manager2", "admin"}, denied=403),
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
    rep1_customer = customers["rep1"]
    return {
        **org,
        "customers": customers,
        "notification_rep1": NotificationFactory(recipient=org["rep1"], title="给rep1的提醒"),
        "contact_rep1": ContactFactory(customer=rep1_customer),
        "followup_rep1": FollowUpFactory(
            customer=rep1_customer,
            author=org["rep1"],
            next_step="寄样品",
            next_step_due=date(2026, 11, 30),
        ),
        "pool_a": CustomerFactory(
            name="公海客户A", owner=None, pool_since=timezone.now(), pool_team=org["team_a"]
        ),
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
        # Finance reads everything, the pool included.
        "finance1": sorted([*(c.name for c in fixtures["customers"].values()), "公海客户A"]),
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


def test_export_rows_are_exactly_the_viewers_scope(client, fixtures):
    from io import BytesIO

    from openpyxl import load_workbook

    for viewer, names in {
        "rep1": ["rep1的客户"],
        "manager2": ["manager2的客户", "rep3的客户"],
    }.items():
        client.force_login(fixtures[viewer])
        response = client.get(reverse("customer_export"))
        sheet = load_workbook(BytesIO(response.content)).active
        assert sorted(row[0] for row in sheet.iter_rows(min_row=2, values_only=True)) == names
