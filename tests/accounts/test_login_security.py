"""Login, logout, lockout after repeated failures, CSRF, password change."""

import pytest
from django.test import Client
from django.urls import reverse

from salesops.accounts.models import User

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-tests-1"


def login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_login_with_right_password_lands_on_home(client, org):
    response = login(client, "rep1", PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert client.get(reverse("home")).context["user"].username == "rep1"


def test_wrong_password_shows_form_error_and_stays_logged_out(client, org):
    response = login(client, "rep1", "wrong")
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert client.get(reverse("home")).status_code == 302


def test_five_failures_lock_the_account_even_for_the_right_password(client, org, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    for _ in range(4):
        assert login(client, "rep1", "wrong").status_code == 200
    locked = login(client, "rep1", "wrong")
    assert locked.status_code == 429
    response = login(client, "rep1", PASSWORD)
    assert response.status_code == 429
    assert "registration/lockout.html" in [t.name for t in response.templates]
    assert client.get(reverse("home")).status_code == 302  # still not logged in
    # Another user on the same machine is not locked out.
    assert login(Client(), "rep2", PASSWORD).status_code == 302


def test_post_without_csrf_token_is_refused(org):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "rep1", "password": PASSWORD})
    assert response.status_code == 403
    client.force_login(org["rep1"])
    assert client.post(reverse("notification_read_all")).status_code == 403


def test_logout_requires_post_and_ends_the_session(client, org):
    client.force_login(org["rep1"])
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_password_change_then_login_with_new_password(client, org):
    client.force_login(org["rep1"])
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Qiuyu-2026-x",
            "new_password2": "Qiuyu-2026-x",
        },
    )
    assert response.status_code == 302
    assert User.objects.get(username="rep1").check_password("Qiuyu-2026-x")


def test_password_change_rejects_a_weak_password_and_keeps_the_old_one(client, org):
    client.force_login(org["rep1"])
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "123", "new_password2": "123"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["new_password2"]
    assert User.objects.get(username="rep1").check_password(PASSWORD)


def test_model_history_records_the_acting_user(client, org, customers):
    # Changing a team through admin is attributed to the admin who did it.
    client.force_login(org["admin"])
    team = org["team_a"]
    response = client.post(
        reverse("admin:accounts_team_change", args=[team.pk]),
        {"name": "华东销售一部（新）", "manager": org["manager1"].pk, "region": team.region.pk},
    )
    assert response.status_code == 302
    latest = team.history.latest()
    assert latest.name == "华东销售一部（新）"
    assert latest.history_user == org["admin"]
