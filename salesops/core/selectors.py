"""Reads for the page shell: the home summary and the user's notifications."""

from django.shortcuts import get_object_or_404

from salesops.accounts.access import role_of
from salesops.core.models import Notification


def notifications_for(*, user, unread_only: bool = False):
    qs = Notification.objects.for_user(user)
    return qs.unread() if unread_only else qs


def notification_for(*, user, pk: int) -> Notification:
    return get_object_or_404(Notification.objects.for_user(user), pk=pk)


def home_summary(*, user) -> dict:
    """The shell's part of the home page; the page adds the apps' figures (core names no app)."""
    return {
        "role": role_of(user),
        "team": user.team,
        "led_teams": list(user.led_teams.select_related("region")),
        "recent_notifications": list(Notification.objects.for_user(user)[:5]),
    }
