"""Sales targets (销售任务书) per rep and period, and their approved adjustments."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from opportunities.models.deals import MONEY
from opportunities.querysets import TargetAdjustmentQuerySet, TargetQuerySet


class SalesTarget(models.Model):
    """销售任务书: a rep's targets for one period."""

    class Period(models.TextChoices):
        MONTH = "month", _("Month")
        QUARTER = "quarter", _("Quarter")
        YEAR = "year", _("Year")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sales rep"),
        on_delete=models.PROTECT,
        related_name="sales_targets",
    )
    period = models.CharField(_("period"), max_length=10, choices=Period.choices)
    period_start = models.DateField(_("period start"))
    sales_target = models.DecimalField(
        _("sales target (CNY)"), **MONEY, validators=[MinValueValidator(0)]
    )
    margin_target = models.DecimalField(
        _("gross margin target (CNY)"),
        **MONEY,
        default=Decimal("0"),
        validators=[MinValueValidator(0)],
    )
    collection_target = models.DecimalField(
        _("collection target (CNY)"),
        **MONEY,
        default=Decimal("0"),
        validators=[MinValueValidator(0)],
    )
    history = HistoricalRecords()

    objects = TargetQuerySet.as_manager()

    class Meta:
        verbose_name = _("sales target")
        verbose_name_plural = _("sales targets")
        ordering = ["owner", "period_start", "period"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "period", "period_start"], name="sales_target_once_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.owner} · {self.get_period_display()} {self.period_start:%Y-%m}"


class TargetAdjustment(models.Model):
    """目标调整: a requested change of a target; applied only when a manager approves it."""

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    target = models.ForeignKey(SalesTarget, on_delete=models.CASCADE, related_name="adjustments")
    field = models.CharField(_("target"), max_length=20)
    old_value = models.DecimalField(_("from"), **MONEY)
    new_value = models.DecimalField(_("to"), **MONEY, validators=[MinValueValidator(0)])
    reason = models.CharField(_("reason"), max_length=300)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = TargetAdjustmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("target adjustment")
        verbose_name_plural = _("target adjustments")
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"{self.target} · {self.field}: {self.old_value} → {self.new_value}"
