"""Commission on cash collected (回款到账后计提, docs/reports.md "Commission"): the settings, each
rep's optional rate, the months finance closes and the lines a close freezes."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from reports.querysets import CommissionLineQuerySet, CommissionProfileQuerySet

MONEY = {"max_digits": 14, "decimal_places": 2}
RATE = {"max_digits": 7, "decimal_places": 4}


class CommissionSettings(models.Model):
    """The one row of commission settings, edited in admin."""

    rate = models.DecimalField(
        _("commission rate"),
        **RATE,
        default=Decimal("0.0300"),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
        help_text=_("Share of the cash collected paid as commission: 0.0300 = 3 %."),
    )
    base_share = models.DecimalField(
        _("base pay share"),
        **RATE,
        default=Decimal("0.5000"),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
        help_text=_("Share of a rep's pay that is base salary; the rest is commission (5:5)."),
    )
    accelerator_threshold = models.DecimalField(
        _("accelerator above (share of the collection target)"),
        **RATE,
        default=Decimal("1.0000"),
        validators=[MinValueValidator(Decimal(0))],
        help_text=_("1.0000 = the collections above the month's full collection target."),
    )
    accelerator_multiplier = models.DecimalField(
        _("accelerator multiplier"),
        **RATE,
        default=Decimal("1.5000"),
        validators=[MinValueValidator(Decimal(1))],
        help_text=_("Collections above the threshold earn the rate × this multiplier."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("commission settings")
        verbose_name_plural = _("commission settings")
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="commissionsettings_single_row"),
        ]

    def __str__(self) -> str:
        return str(_("Commission settings"))

    @classmethod
    def load(cls) -> "CommissionSettings":
        """The row, or the defaults until an admin saves it (a read never writes)."""
        return cls.objects.filter(pk=1).first() or cls(pk=1)

    @property
    def commission_share(self) -> Decimal:
        return 1 - self.base_share


class CommissionProfile(models.Model):
    """A rep's own commission rate, where it differs from the settings' rate."""

    rep = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sales rep"),
        on_delete=models.CASCADE,
        related_name="commission_profile",
    )
    rate = models.DecimalField(
        _("commission rate"),
        **RATE,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    history = HistoricalRecords()

    objects = CommissionProfileQuerySet.as_manager()

    class Meta:
        verbose_name = _("commission profile")
        verbose_name_plural = _("commission profiles")
        ordering = ["rep"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rate__gte=0, rate__lte=1), name="commissionprofile_rate_in_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rep} · {self.rate}"


class CommissionPeriod(models.Model):
    """A month (its first day); closed by finance with `commission_period_close`, which freezes
    its lines. A month without a row, or with closed_at empty, is open and computed live."""

    month = models.DateField(_("month"), unique=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("commission period")
        verbose_name_plural = _("commission periods")
        ordering = ["-month"]
        constraints = [
            models.CheckConstraint(condition=Q(month__day=1), name="commissionperiod_first_day"),
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True) | Q(closed_by__isnull=False),
                name="commissionperiod_closed_by_someone",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class CommissionLine(models.Model):
    """One frozen line of a closed month: an allocation's commission, or an adjustment of an
    earlier closed month (a late allocation, a reversal by a void)."""

    class Kind(models.TextChoices):
        EARNED = "earned", _("Earned")
        LATE = "late", _("Adjustment: allocated after its month closed")
        REVERSAL = "reversal", _("Adjustment: payment voided after its month closed")

    period = models.ForeignKey(
        CommissionPeriod,
        verbose_name=_("commission period"),
        on_delete=models.PROTECT,
        related_name="lines",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    rep = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sales rep"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    allocation = models.ForeignKey(
        "receivables.Allocation",
        verbose_name=_("allocation"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    payment_date = models.DateField(_("date received"))
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    receivable = models.ForeignKey(
        "receivables.Receivable",
        verbose_name=_("receivable"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Negative on a reversal.
    amount = models.DecimalField(_("allocation amount (CNY)"), **MONEY)
    rate = models.DecimalField(_("commission rate"), **RATE)
    # The part of `amount` above the accelerator threshold, paid at rate × multiplier.
    accelerated = models.DecimalField(_("above the accelerator threshold"), **MONEY)
    multiplier = models.DecimalField(_("accelerator multiplier"), **RATE)
    commission = models.DecimalField(_("commission (CNY)"), **MONEY)

    objects = CommissionLineQuerySet.as_manager()

    class Meta:
        verbose_name = _("commission line")
        verbose_name_plural = _("commission lines")
        ordering = ["period", "rep", "payment_date", "allocation"]
        constraints = [
            # An allocation earns once and is reversed once, whichever close gets there first.
            models.UniqueConstraint(fields=["allocation", "kind"], name="commissionline_once"),
        ]
        indexes = [models.Index(fields=["period", "rep"], name="commissionline_period_rep")]

    def __str__(self) -> str:
        return f"{self.period} · {self.rep} · {self.commission}"
