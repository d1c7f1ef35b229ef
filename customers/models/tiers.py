"""Tiers (客户等级) and the editable numbers: tier rules and the customer settings row."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from salesops.core.localized import LocalizedNameMixin

MONEY = {"max_digits": 14, "decimal_places": 2}


class Tier(models.TextChoices):
    # The letters only: a tier's name lives in its TierRule row (admins edit it, in Chinese and
    # English), so every page, export and admin list shows the same name (TierRule.label).
    A = "A", "A"
    B = "B", "B"
    C = "C", "C"
    D = "D", "D"


class RadType(models.TextChoices):
    RETENTION = "R", _("R · Retention")
    ACQUISITION = "A", _("A · Acquisition")
    DEVELOPMENT = "D", _("D · Development")


class CreditRating(models.TextChoices):
    A = "A", "A"
    B = "B", "B"
    C = "C", "C"
    D = "D", _("D (prepay or guarantee)")


def tier_label(tier: str, name: str) -> str:
    return f"{tier} · {name}" if name else tier


class TierRule(LocalizedNameMixin, models.Model):
    """分级规则: name, cadence and strategy per tier, one row per tier, edited in admin."""

    tier = models.CharField(_("tier"), max_length=1, choices=Tier.choices, unique=True)
    name = models.CharField(_("name"), max_length=30, help_text=_("For example 重点跟进."))
    followup_interval_days = models.PositiveSmallIntegerField(
        _("follow up every (days)"), validators=[MinValueValidator(1), MaxValueValidator(365)]
    )
    visit_interval_days = models.PositiveSmallIntegerField(
        _("visit on site every (days)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("Empty: no regular on-site visits."),
    )
    strategy = models.CharField(_("strategy"), max_length=200)
    pool_idle_days = models.PositiveSmallIntegerField(
        _("release to pool after idle days"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
        help_text=_("Empty: three times the follow-up interval."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tier rule")
        verbose_name_plural = _("tier rules")
        ordering = ["tier"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The one way a tier is named anywhere: "A · 重点跟进" (or "A · Key follow-up")."""
        return tier_label(self.tier, self.display_name)

    @property
    def effective_pool_idle_days(self) -> int:
        return self.pool_idle_days or 3 * self.followup_interval_days


class CrmSettings(models.Model):
    """The single row of customer settings (RAD thresholds, pool, logging rule), edited in admin."""

    rad_retention_sow = models.DecimalField(
        _("R when share of wallet ≥"), max_digits=5, decimal_places=4, default=Decimal("0.5")
    )
    rad_acquisition_sow = models.DecimalField(
        _("A when share of wallet <"), max_digits=5, decimal_places=4, default=Decimal("0.2")
    )
    rad_acquisition_bp = models.DecimalField(
        _("A when buying power ≥ (CNY)"), **MONEY, default=Decimal("1000000")
    )
    default_tier = models.CharField(
        _("default tier"), max_length=1, choices=Tier.choices, default=Tier.C
    )
    late_log_hours = models.PositiveSmallIntegerField(
        _("a follow-up is late when logged after (hours)"), default=24
    )
    pool_warning_days = models.PositiveSmallIntegerField(
        _("warn the owner this many days before release"), default=3
    )
    pool_claim_cap = models.PositiveSmallIntegerField(_("claims per rep in 30 days"), default=10)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("customer settings")
        verbose_name_plural = _("customer settings")
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="crmsettings_single_row")]

    def __str__(self) -> str:
        return str(_("Customer settings"))

    @classmethod
    def load(cls) -> "CrmSettings":
        obj, _created = cls.objects.get_or_create(pk=1)
        return obj
