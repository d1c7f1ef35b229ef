"""The weekly report by e-mail: a manager (or admin) subscribes and unsubscribes themselves."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reports.models import WeeklySubscription
from salesops.accounts.access import role_of
from salesops.accounts.roles import MANAGERS
from salesops.core.errors import NotPermitted


@transaction.atomic
def weekly_subscription_set(*, actor, active: bool) -> WeeklySubscription:
    """Turn the Monday digest of the team's weekly report on or off for `actor`."""
    if role_of(actor) not in MANAGERS:
        raise NotPermitted(_("Only managers receive the weekly report by e-mail."))
    subscription, _created = WeeklySubscription.objects.select_for_update().get_or_create(
        user=actor, defaults={"active": active}
    )
    if subscription.active != active:
        subscription.active, subscription.changed_at = active, timezone.now()
        subscription.save(update_fields=["active", "changed_at"])
    return subscription
