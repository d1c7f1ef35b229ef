"""Who receives the weekly report by e-mail, and each digest sent (one per subscriber and week)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reports.querysets import WeeklyDeliveryQuerySet, WeeklySubscriptionQuerySet


class WeeklySubscription(models.Model):
    """A manager's choice to get the team's weekly report (周报) by e-mail every Monday."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("subscriber"),
        on_delete=models.CASCADE,
        related_name="weekly_subscription",
    )
    active = models.BooleanField(_("subscribed"), default=True)
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)

    objects = WeeklySubscriptionQuerySet.as_manager()

    class Meta:
        verbose_name = _("weekly report subscription")
        verbose_name_plural = _("weekly report subscriptions")

    def __str__(self) -> str:
        return str(self.user)


class WeeklyDelivery(models.Model):
    """One digest sent: unique per subscriber and week, so a rerun or a second worker sends
    nothing twice."""

    subscription = models.ForeignKey(
        WeeklySubscription,
        verbose_name=_("subscription"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    week_start = models.DateField(_("week starting"))
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    objects = WeeklyDeliveryQuerySet.as_manager()

    class Meta:
        verbose_name = _("weekly report delivery")
        verbose_name_plural = _("weekly report deliveries")
        ordering = ["-week_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "week_start"], name="weekly_delivery_once_per_week"
            )
        ]

    def __str__(self) -> str:
        return f"{self.subscription} · {self.week_start:%Y-%m-%d}"
