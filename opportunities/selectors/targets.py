"""Reads of sales targets and their adjustment requests, through visible_to."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from opportunities.models import SalesTarget, TargetAdjustment
from salesops.accounts.access import role_of
from salesops.accounts.models import User
from salesops.accounts.roles import Role


def targets_of_year(*, user, year: int) -> QuerySet[SalesTarget]:
    return (
        SalesTarget.objects.visible_to(user)
        .filter(period_start__year=year)
        .select_related("owner")
        .order_by("owner__username", "period_start", "period")
    )


def pending_adjustments(*, targets: QuerySet[SalesTarget]) -> QuerySet[TargetAdjustment]:
    """Undecided requests on `targets` (a queryset already within the user's scope)."""
    return (
        TargetAdjustment.objects.filter(target__in=targets)
        .pending()
        .select_related("target__owner", "requested_by")
    )


def target_get(*, user, pk: int) -> SalesTarget:
    return get_object_or_404(SalesTarget.objects.visible_to(user), pk=pk)


def adjustment_get(*, user, pk: int) -> TargetAdjustment:
    return get_object_or_404(TargetAdjustment.objects.visible_to(user), pk=pk)


def target_owners(*, user) -> QuerySet[User]:
    """Whom `user` may set targets for: reps and managers in their scope; never a manager
    themself (a manager's own targets are set by an admin)."""
    owners = (
        User.objects.visible_to(user)
        .filter(groups__name__in=[Role.REP.value, Role.MANAGER.value])
        .distinct()
    )
    if role_of(user) is not Role.ADMIN:
        owners = owners.exclude(pk=user.pk)
    return owners
