"""Tiers (客户等级) and the editable numbers: tier rules, the customer settings row, and the
quarterly re-tiering's runs and tier changes."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from customers.querysets import TierChangeQuerySet
from customers.rules import retier
from salesops.core.localized import LocalizedNameMixin
from salesops.core.templatetags.money import yuan

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
    # Quarterly re-tiering (ABC by cumulative share of trailing revenue, docs/customers.md).
    tier_a_share = models.DecimalField(
        _("A: the customers making the first share of revenue"),
        max_digits=5,
        decimal_places=4,
        default=Decimal("0.8"),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
    )
    tier_b_share = models.DecimalField(
        _("B: the customers making the next share of revenue"),
        max_digits=5,
        decimal_places=4,
        default=Decimal("0.15"),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
        help_text=_("C: the rest with any revenue; D: no revenue in 12 months."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("customer settings")
        verbose_name_plural = _("customer settings")
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="crmsettings_single_row"),
            models.CheckConstraint(
                condition=Q(tier_a_share__gte=0, tier_b_share__gte=0)
                & Q(tier_a_share__lte=1 - F("tier_b_share")),
                name="crmsettings_tier_shares_within_one",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Customer settings"))

    @classmethod
    def load(cls) -> "CrmSettings":
        obj, _created = cls.objects.get_or_create(pk=1)
        return obj


class RetierRun(models.Model):
    """One quarterly re-tiering (动态分级): the quarter it is for (once), the revenue day it ranked
    on, and the settings it applied, so each TierChange can say why with the numbers of its run."""

    quarter = models.CharField(_("quarter"), max_length=6, unique=True)  # "2027Q1"
    as_of = models.DateField(_("run for"))
    revenue_on = models.DateField(_("revenue of the 12 months to"))
    job = models.CharField(_("job"), max_length=60)
    customers = models.PositiveIntegerField(_("customers ranked"), default=0)
    total_revenue = models.DecimalField(
        _("total trailing revenue"), max_digits=18, decimal_places=2
    )
    tier_a_share = models.DecimalField(_("A share"), max_digits=5, decimal_places=4)
    tier_b_share = models.DecimalField(_("B share"), max_digits=5, decimal_places=4)
    rad_retention_sow = models.DecimalField(_("R when SOW ≥"), max_digits=5, decimal_places=4)
    rad_acquisition_sow = models.DecimalField(_("A when SOW <"), max_digits=5, decimal_places=4)
    rad_acquisition_bp = models.DecimalField(_("A when BP ≥"), **MONEY)
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("re-tiering run")
        verbose_name_plural = _("re-tiering runs")
        ordering = ["-quarter"]

    def __str__(self) -> str:
        return self.quarter


class TierChange(models.Model):
    """A change of a customer's tier or RAD type: by a re-tiering run (`run` set, the numbers it
    decided on) or by a person editing the customer (`actor` set)."""

    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="tier_changes",
    )
    run = models.ForeignKey(
        RetierRun,
        verbose_name=_("re-tiering run"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="changes",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty when the re-tiering job did it."),
    )
    from_tier = models.CharField(_("from tier"), max_length=1, choices=Tier.choices)
    to_tier = models.CharField(_("to tier"), max_length=1, choices=Tier.choices)
    from_rad = models.CharField(_("from RAD"), max_length=1, choices=RadType.choices)
    to_rad = models.CharField(_("to RAD"), max_length=1, choices=RadType.choices)
    # What the rule saw: trailing revenue, the cumulative share of the customers ranked before
    # this one (the job only), buying power, and whether the tier was locked.
    revenue = models.DecimalField(_("trailing revenue"), **MONEY)
    share_before = models.DecimalField(
        _("cumulative share before it"), max_digits=7, decimal_places=6, null=True, blank=True
    )
    buying_power = models.DecimalField(_("buying power"), **MONEY, null=True, blank=True)
    tier_locked = models.BooleanField(_("tier locked"), default=False)
    at = models.DateTimeField(_("at"), default=timezone.now)

    objects = TierChangeQuerySet.as_manager()

    class Meta:
        verbose_name = _("tier change")
        verbose_name_plural = _("tier changes")
        ordering = ["-at", "-pk"]
        constraints = [
            # One change per customer per run: the last guard behind the quarter's lock.
            models.UniqueConstraint(fields=["customer", "run"], name="tierchange_once_per_run"),
        ]
        indexes = [models.Index(fields=["customer", "-at"], name="tierchange_customer_at")]

    def __str__(self) -> str:
        return f"{self.customer_id}: {self.from_tier}→{self.to_tier} {self.from_rad}→{self.to_rad}"

    @property
    def why(self) -> str:
        """The rule and numbers behind the change, in the active language: the run's reasons
        for the tier and the RAD type, or who edited the customer."""
        if self.run is None:
            return _("edited by %(user)s") % {"user": self.actor or "—"}
        run = self.run
        figures = retier.ChangeFigures(
            from_tier=self.from_tier,
            to_tier=self.to_tier,
            from_rad=self.from_rad,
            to_rad=self.to_rad,
            revenue=self.revenue,
            share_before=self.share_before,
            buying_power=self.buying_power,
            tier_locked=self.tier_locked,
            a_share=run.tier_a_share,
            b_share=run.tier_b_share,
            retention_sow=run.rad_retention_sow,
            acquisition_sow=run.rad_acquisition_sow,
            acquisition_bp=run.rad_acquisition_bp,
            revenue_on=run.revenue_on,
        )
        return "; ".join(
            [retier.tier_reason(figures, money=yuan), retier.rad_reason(figures, money=yuan)]
        )
