"""Reads of the weekly-report subscription: whether a user gets the Monday digest."""

from reports.models import WeeklySubscription


def weekly_subscribed(*, user) -> bool:
    return WeeklySubscription.objects.filter(user=user, active=True).exists()
