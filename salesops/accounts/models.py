"""Users (login by username), sales teams, and the role each user plays."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from salesops.accounts.querysets import UserManager
from salesops.accounts.roles import Role, role_from_groups


class Team(models.Model):
    """A sales team: one manager, its members (User.team), and the region it covers."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    manager = models.ForeignKey(
        "accounts.User",
        verbose_name=_("manager"),
        on_delete=models.PROTECT,
        related_name="led_teams",
    )
    region = models.ForeignKey(
        "core.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="teams"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("sales team")
        verbose_name_plural = _("sales teams")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A SalesOps user; the role comes from group membership (see roles.py)."""

    display_name = models.CharField(_("display name"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    team = models.ForeignKey(
        Team,
        verbose_name=_("team"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
    )
    # Set by the language switch; notifications (bell and email) are written in it. Blank: the
    # product's default (Simplified Chinese).
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, blank=True
    )
    history = HistoricalRecords(excluded_fields=["last_login", "password"])

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    @cached_property
    def role(self) -> Role | None:
        # Uses prefetched groups when a queryset supplied them, else one query per instance.
        names = {group.name for group in self.groups.all()}
        return role_from_groups(names, is_superuser=self.is_superuser)
