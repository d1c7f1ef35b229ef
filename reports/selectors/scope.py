"""What a report covers: the viewer, the period and the filters chosen on the page, as one
ReportRequest every report's build function reads through, so that each report is scoped by
visible_to(viewer) first and filtered the same way."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet

from customers.models import Customer
from salesops.accounts.access import role_of
from salesops.accounts.models import Team, User
from salesops.accounts.roles import Role
from salesops.core.models import Region
from salesops.core.periods import ReportPeriod

TIERS = ("A", "B", "C", "D")
# The people a per-rep table lists: those who own customers (reps, and managers for their own).
SELLER_GROUPS = (Role.REP.value, Role.MANAGER.value)


def team_people(team: Team) -> QuerySet[User]:
    """A team's people: its members and its manager (whose own customers count in the team,
    as in receivables' owner_team)."""
    return User.objects.filter(Q(team=team) | Q(pk=team.manager_id))


@dataclass(frozen=True)
class ReportRequest:
    """The viewer, the period, the day balances are read on, and the page's filters (each
    already checked to be within the viewer's scope by the form; outside it they only narrow
    what visible_to leaves, so they never widen it)."""

    user: User
    period: ReportPeriod
    as_of: date
    team: Team | None = None
    rep: User | None = None
    region: Region | None = None
    tier: str | None = None

    def _owner_filter(self, owner_path: str) -> Q:
        """The rep and team filters on the user at `owner_path` ("" for User itself)."""
        field = owner_path or "pk"
        query = Q()
        if self.rep is not None:
            query &= Q(**{field: self.rep.pk})
        if self.team is not None:
            query &= Q(**{f"{field}__in": team_people(self.team).values("pk")})
        return query

    def _customer_filter(self, customer_path: str) -> Q:
        prefix = f"{customer_path}__" if customer_path else ""
        query = Q()
        if self.region is not None:
            query &= Q(**{f"{prefix}region": self.region.pk})
        if self.tier:
            query &= Q(**{f"{prefix}tier": self.tier})
        return query

    def scoped(self, queryset: QuerySet, *, customer_path: str = "customer") -> QuerySet:
        """`queryset` as the viewer may see it (visible_to), narrowed to the chosen rep or team
        on its owner (the queryset's owner_path) and to the region and tier of the customer at
        `customer_path` ("" when the queryset is of customers)."""
        queryset = queryset.visible_to(self.user)
        return queryset.filter(
            self._owner_filter(queryset.owner_path), self._customer_filter(customer_path)
        )

    def customers(self) -> QuerySet[Customer]:
        """The visible customers after the rep, team, region and tier filters."""
        return self.scoped(Customer.objects.all(), customer_path="")

    def reps(self) -> QuerySet[User]:
        """The sellers (reps and managers, active) the report covers, by username: those the
        viewer may see, narrowed to the chosen rep or team."""
        return (
            User.objects.visible_to(self.user)
            .filter(is_active=True, groups__name__in=SELLER_GROUPS)
            .filter(self._owner_filter(""))
            .distinct()
            .order_by("username")
        )


def report_request(*, user: User, period: ReportPeriod, today: date, **filters) -> ReportRequest:
    """A ReportRequest whose balances are read on min(today, period end)."""
    return ReportRequest(user=user, period=period, as_of=min(today, period.end), **filters)


# The choices each filter offers a viewer (the form refuses anything else, with a warning).


def scope_teams(user) -> QuerySet[Team]:
    """Finance and admins: every team; a manager: the teams they lead; a rep: their own."""
    role = role_of(user)
    if role in (Role.ADMIN, Role.FINANCE):
        return Team.objects.order_by("name")
    if role is Role.MANAGER:
        return Team.objects.filter(manager=user).order_by("name")
    if role is Role.REP and user.team_id:
        return Team.objects.filter(pk=user.team_id)
    return Team.objects.none()


def scope_reps(user) -> QuerySet[User]:
    """The sellers `user` may see: a rep only themselves, a manager themselves and their
    teams' members, finance and admins every seller."""
    return (
        User.objects.visible_to(user)
        .filter(is_active=True, groups__name__in=SELLER_GROUPS)
        .distinct()
        .order_by("username")
    )
