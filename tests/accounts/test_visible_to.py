"""The one access mechanism: visible_to(user) on every scoped queryset."""

import pytest
from django.contrib.auth.models import AnonymousUser

from customers.models import Customer
from salesops.accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def names(qs):
    return sorted(c.name for c in qs)


def test_rep_sees_only_customers_they_own(customers, org):
    assert names(Customer.objects.visible_to(org["rep1"])) == ["rep1的客户"]


def test_manager_sees_own_and_team_members_customers_not_other_team(customers, org):
    assert names(Customer.objects.visible_to(org["manager1"])) == [
        "manager1的客户",
        "rep1的客户",
        "rep2的客户",
    ]
    assert names(Customer.objects.visible_to(org["manager2"])) == ["manager2的客户", "rep3的客户"]


@pytest.mark.parametrize("who", ["finance1", "admin"])
def test_finance_and_admin_see_everything(customers, org, who):
    assert Customer.objects.visible_to(org[who]).count() == 5


def test_user_without_role_inactive_or_anonymous_sees_nothing(customers, org):
    nobody = UserFactory(username="nobody", role="")
    inactive = org["rep1"]
    inactive.is_active = False
    inactive.save()
    assert Customer.objects.visible_to(nobody).count() == 0
    assert Customer.objects.visible_to(User.objects.get(pk=inactive.pk)).count() == 0
    assert Customer.objects.visible_to(AnonymousUser()).count() == 0


def test_users_visible_to_follows_the_same_scopes(org):
    def usernames(viewer):
        return sorted(User.objects.visible_to(org[viewer]).values_list("username", flat=True))

    assert usernames("rep1") == ["rep1"]
    assert usernames("manager1") == ["manager1", "rep1", "rep2"]
    assert len(usernames("finance1")) == 7


def test_manager_who_moves_team_loses_sight_of_old_members(customers, org):
    team_a = org["team_a"]
    team_a.manager = org["manager2"]
    team_a.save()
    assert names(Customer.objects.visible_to(org["manager1"])) == ["manager1的客户"]
    assert "rep1的客户" in names(Customer.objects.visible_to(org["manager2"]))


@pytest.mark.parametrize(
    ("who", "sales_records", "money_records"),
    [
        ("rep1", True, False),
        ("manager1", True, False),
        ("finance1", False, True),
        ("admin", True, True),
    ],
)
def test_can_write_by_role(org, who, sales_records, money_records):
    from salesops.accounts.access import can_write

    assert can_write(org[who]) is sales_records
    assert can_write(org[who], money=True) is money_records


def test_nobody_without_a_role_may_write():
    from salesops.accounts.access import can_write

    assert can_write(AnonymousUser()) is False
    assert can_write(UserFactory(username="norole", role=""), money=True) is False
