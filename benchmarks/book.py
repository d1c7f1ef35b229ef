"""The book a benchmark run works on: who to be (found by role and team in the database, never
by name), which day it is, a logged-in test client per user, and the scope filter in SQL."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db import connection
from django.db.models import Count
from django.test import Client

from salesops.accounts.access import role_of
from salesops.accounts.models import Team, User
from salesops.accounts.roles import Role


class NoDatasetError(Exception):
    """The database holds no book to measure."""


@dataclass
class Book:
    today: date
    admin: User
    finance: User
    manager: User  # the manager of the team with the most members
    rep: User  # that team's member owning the most customers
    clients: dict[int, Client] = field(default_factory=dict)

    @classmethod
    def load(cls, *, today: date) -> Book:
        from customers.models import Customer
        from receivables.models import Receivable

        if not Receivable.objects.exists() or not Customer.objects.exists():
            raise NoDatasetError("no receivables or customers in the database")
        users = User.objects.filter(is_active=True).prefetch_related("groups").order_by("pk")

        def first(role: Role) -> User:
            found = next((u for u in users.filter(**_role_filter(role)) if u.role is role), None)
            if found is None:
                raise NoDatasetError(f"no active user with the role {role.value}")
            return found

        team = (
            Team.objects.filter(manager__is_active=True)
            .annotate(n=Count("members"))
            .order_by("-n", "pk")
            .select_related("manager")
            .first()
        )
        if team is None:
            raise NoDatasetError("no sales team with a manager")
        rep = (
            User.objects.filter(team=team, is_active=True)
            .annotate(n=Count("owned_customers"))
            .order_by("-n", "pk")
            .first()
        )
        if rep is None or role_of(rep) is not Role.REP:
            raise NoDatasetError(f"team {team.pk} has no rep")
        return cls(
            today=today,
            admin=first(Role.ADMIN),
            finance=first(Role.FINANCE),
            manager=team.manager,
            rep=rep,
        )

    def client(self, user: User) -> Client:
        """A test client logged in as `user` (once: the session is reused by every run)."""
        if user.pk not in self.clients:
            client = Client()
            client.force_login(user)
            self.clients[user.pk] = client
        return self.clients[user.pk]

    def get(self, user: User, url: str):
        response = self.client(user).get(url)
        if response.status_code != 200:
            raise AssertionError(f"GET {url} as {user.username}: {response.status_code}")
        return response


def _role_filter(role: Role) -> dict:
    if role is Role.ADMIN:
        return {}  # superusers have no group; role_of decides below
    return {"groups__name": role.value}


def scope_sql(user: User, owner: str = "c.owner_id") -> tuple[str, dict]:
    """The visible_to rule (salesops/accounts/access.py) as a SQL condition on the owning user's
    column, with its named parameter: everything for admin and finance, own for a rep, own and
    the led teams' members' for a manager."""
    role = role_of(user)
    if role in (Role.ADMIN, Role.FINANCE):
        return "TRUE", {}
    if role is Role.MANAGER:
        return (
            f"({owner} = %(scope_user)s OR {owner} IN (SELECT m.id FROM accounts_user m "
            "JOIN accounts_team mt ON mt.id = m.team_id WHERE mt.manager_id = %(scope_user)s))",
            {"scope_user": user.pk},
        )
    if role is Role.REP:
        return f"{owner} = %(scope_user)s", {"scope_user": user.pk}
    return "FALSE", {}


def fetch(sql: str, params: list | dict = ()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def fetch_one(sql: str, params: list | dict = ()):
    rows = fetch(sql, params)
    return rows[0] if rows else None
