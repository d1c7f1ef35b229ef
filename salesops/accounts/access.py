"""The one access mechanism: which owners' records a user may see, and what they may change.

Every queryset a user can reach goes through `visible_to(user)` (VisibleToQuerySet below), whose
filter is built here from the user's role. An object outside it is a 404 on pages, exports, PDFs
and admin alike, because every view fetches through it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Q

from salesops.accounts.roles import MANAGERS, Role

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser


def role_of(user: AbstractBaseUser | AnonymousUser | None) -> Role | None:
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    return user.role


def owner_scope(user, owner_path: str) -> Q | None:
    """A filter on `owner_path` (a lookup path to a User; "" for the User model itself) matching
    what `user` may see. Returns Q() for "everything" and None for "nothing".

    Rep: records they own. Manager: records owned by themselves or by members of teams they lead.
    Finance and admin: everything.
    """
    role = role_of(user)
    if role in (Role.ADMIN, Role.FINANCE):
        return Q()
    own = Q(**{owner_path or "pk": user.pk})
    if role is Role.MANAGER:
        team_path = f"{owner_path}__team__manager" if owner_path else "team__manager"
        if not owner_path:
            return own | Q(**{team_path: user.pk})
        # An IN over the handful of people the manager sees, not an OR across the owner → team
        # join: the planner cannot estimate the OR and answers it with a scan of the whole
        # table (a manager's customer list sorted 50,000 rows to show 25).
        people = get_user_model().objects.filter(Q(pk=user.pk) | Q(team__manager=user.pk))
        return Q(**{f"{owner_path}__in": people.values("pk")})
    if role is Role.REP:
        return own
    return None


def can_write(user, *, money: bool = False) -> bool:
    """Whether `user` may change records in their scope.

    Reps and managers change sales records they can see; finance only money records (payments,
    receivables); admins everything. Scope itself is still enforced by visible_to.
    """
    role = role_of(user)
    if role is Role.ADMIN:
        return True
    if role is Role.FINANCE:
        return money
    return role in (Role.REP, Role.MANAGER) and not money


def can_manage(user) -> bool:
    """Managers and admins: reassign customers, approve exceptions, set targets."""
    return role_of(user) in MANAGERS


class VisibleToQuerySet(models.QuerySet):
    """Base queryset for every scoped model: set `owner_path` to the path of the owning user."""

    owner_path: str = "owner"

    def visible_to(self, user) -> Self:
        scope = owner_scope(user, self.owner_path)
        if scope is None:
            return self.none()
        # A manager's filter is owner IN (a subquery of users): no join, so distinct() is not
        # needed and the planner can use the owner index.
        return self.filter(scope)
