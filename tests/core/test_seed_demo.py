"""seed_demo: the demo users and teams, idempotent, and never under production settings."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from customers.models import Customer
from orders.models import Contract, Order, OrderChange, OrderEvent, Product
from salesops.accounts.models import Team, User
from salesops.accounts.roles import Role
from salesops.core.models import Notification

pytestmark = pytest.mark.django_db


def snapshot():
    return {
        "users": User.objects.count(),
        "user_history": User.history.count(),
        "teams": Team.objects.count(),
        "customers": Customer.objects.count(),
        "customer_history": Customer.history.count(),
        "notifications": Notification.objects.count(),
        "products": Product.objects.count(),
        "orders": Order.objects.count(),
        "order_events": OrderEvent.objects.count(),
    }


@pytest.fixture(scope="class")
def seeded(django_db_setup, django_db_blocker):
    """One seed_demo run (its printed summary returned) shared by the tests of a class, inside
    a transaction rolled back after them: seeding takes seconds, and these tests only read it
    (or change it inside their own savepoint, which the function-level `db` rolls back)."""
    printed = StringIO()
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", stdout=printed)
        yield printed.getvalue()
        transaction.set_rollback(True)


@pytest.mark.xdist_group("seed_demo")  # one worker, so the seeding is shared under `make test`
class TestOnceSeeded:
    def test_seed_demo_creates_the_documented_users_and_teams(self, seeded):
        roles = {u.username: u.role for u in User.objects.prefetch_related("groups")}
        assert roles == {
            "admin": Role.ADMIN,
            "finance1": Role.FINANCE,
            "manager1": Role.MANAGER,
            "manager2": Role.MANAGER,
            "rep1": Role.REP,
            "rep2": Role.REP,
            "rep3": Role.REP,
        }
        assert all(u.check_password("demo1234") for u in User.objects.all())
        team_a = Team.objects.get(manager__username="manager1")
        assert sorted(team_a.members.values_list("username", flat=True)) == ["rep1", "rep2"]
        team_b = Team.objects.get(manager__username="manager2")
        assert list(team_b.members.values_list("username", flat=True)) == ["rep3"]
        assert User.objects.get(username="admin").is_staff
        assert "demo1234" in seeded
        # Every rep owns customers.
        for rep in ("rep1", "rep2", "rep3"):
            assert Customer.objects.filter(owner__username=rep).count() >= 3

    def test_seed_demo_has_orders_at_every_status_with_their_events(self, seeded):
        statuses = set(Order.objects.values_list("status", flat=True))
        assert statuses == set(Order.Status.values)
        assert set(Order.objects.exclude(alert="").values_list("alert", flat=True)) == {
            "yellow",
            "orange",
            "red",
        }
        assert OrderChange.objects.count() == 1
        # every order was created (one event) and every confirmed one has its status events
        assert OrderEvent.objects.filter(kind="created").count() == Order.objects.count()
        closed = Order.objects.filter(status="closed").first()
        steps = list(closed.events.filter(kind="status").values_list("to_status", flat=True))
        assert steps == ["confirmed", "production", "shipped", "delivered", "accepted", "closed"]

    def test_seed_demo_contracts_raised_their_milestones_receivables(self, seeded):
        # the shipped, delivered, accepted and closed orders have a signed contract
        shipped_on = Order.objects.filter(status__in=["shipped", "delivered", "accepted", "closed"])
        contracts = Contract.objects.filter(order__in=shipped_on)
        assert contracts.count() == shipped_on.count() > 0
        # signing raised 30% everywhere, acceptance 60% and the retention 10% where accepted
        for contract in contracts.select_related("order"):
            raised = {
                m.trigger: m.receivable.amount
                for m in contract.milestones.select_related("receivable")
                if m.receivable_id
            }
            accepted = contract.order.status in ("accepted", "closed")
            expected = {"signing"} | ({"acceptance", "warranty"} if accepted else set())
            assert set(raised) == expected
            assert sum(raised.values()) == contract.order.invoiced
            assert raised["signing"] == (contract.total * 3 / 10).quantize(Decimal("0.01"))

    def test_seed_demo_twice_changes_nothing_the_second_time(self, seeded):
        first = snapshot()  # after the first run, in the fixture
        call_command("seed_demo", verbosity=0)
        assert snapshot() == first


def test_seed_demo_refuses_production_settings(settings):
    settings.SALESOPS_ENV = "production"
    with pytest.raises(CommandError, match="production"):
        call_command("seed_demo")
    assert User.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_seed_demo_sends_no_email_even_with_the_console_backend(settings, capsys):
    # `make run` seeds with the development settings, whose console backend printed one
    # e-mail per demo notification: thousands of lines before the server started. Real
    # commits (transaction=True), so the after-commit e-mails are really attempted.
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    call_command("seed_demo")
    printed = capsys.readouterr().out
    assert "Subject:" not in printed
    assert len(printed.splitlines()) == 9  # the summary, the heading and the seven users
    assert Notification.objects.count() > 7  # demo notifications are still written, in-app
