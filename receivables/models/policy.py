"""The collection settings an admin edits: the single settings row (aging buckets, health
shares, credit warning, penalty rate, KPI norms, group joint liability) and the collection classes
with the rules that put a customer in one."""

from decimal import Decimal

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class ReceivableSettings(models.Model):
    """The single row of collection settings (docs/receivables.md), edited in admin."""

    class Basis(models.TextChoices):
        DUE_DATE = "due", _("Days past the due date")
        ISSUE_DATE = "issue", _("Days since the issue date")

    bucket_1 = models.PositiveSmallIntegerField(_("first bucket ends at (days)"), default=30)
    bucket_2 = models.PositiveSmallIntegerField(_("second bucket ends at (days)"), default=60)
    bucket_3 = models.PositiveSmallIntegerField(_("third bucket ends at (days)"), default=90)
    basis = models.CharField(_("aging basis"), max_length=5, choices=Basis.choices, default="due")
    healthy_first_bucket_share = models.DecimalField(
        _("healthy when the first bucket's share is at least"),
        max_digits=5,
        decimal_places=4,
        default=Decimal("0.6"),
    )
    alarm_last_bucket_share = models.DecimalField(
        _("alarm when the last bucket's share exceeds"),
        max_digits=5,
        decimal_places=4,
        default=Decimal("0.2"),
    )
    # 单一客户累计欠款: everything the customer still owes, due or not, not only the overdue part.
    credit_warning_share = models.DecimalField(
        _("warn when the total outstanding exceeds this share of the credit limit"),
        max_digits=5,
        decimal_places=4,
        default=Decimal("0.5"),
    )
    penalty_daily_rate = models.DecimalField(
        _("late-payment penalty per day"),
        max_digits=7,
        decimal_places=6,
        default=Decimal("0.0005"),
    )
    collection_rate_normal = models.DecimalField(
        _("normal collection rate"), max_digits=5, decimal_places=4, default=Decimal("0.85")
    )
    industry_dso_days = models.PositiveSmallIntegerField(_("industry DSO (days)"), default=60)
    # 连坐: empty = any overdue receivable of a member flags its group; a step here
    # raises the trigger to items that have reached that step's days overdue.
    group_flag_level = models.ForeignKey(
        "receivables.EscalationLevel",
        verbose_name=_("group joint liability from this escalation step"),
        help_text=_("Empty: any overdue receivable of a member flags the whole group."),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("receivable settings")
        verbose_name_plural = _("receivable settings")
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="receivablesettings_single_row"),
            models.CheckConstraint(
                condition=Q(bucket_1__gt=0, bucket_2__gt=F("bucket_1"), bucket_3__gt=F("bucket_2")),
                name="receivablesettings_buckets_increase",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Receivable settings"))

    @classmethod
    def load(cls) -> "ReceivableSettings":
        obj, _created = cls.objects.get_or_create(pk=1)
        return obj

    @property
    def boundaries(self) -> tuple[int, int, int]:
        return (self.bucket_1, self.bucket_2, self.bucket_3)


class CollectionClass(models.Model):
    """回款分类 (docs/receivables.md, "By collection class"): a class of customers, from credit
    rating and payment cycle, with the collection-rate range expected of it. A rate below
    `min_rate` is below threshold; between `min_rate` and `max_rate` (both inclusive) in range;
    above `max_rate` above range."""

    code = models.CharField(_("code"), max_length=1, unique=True)
    name = models.CharField(_("name"), max_length=50)
    name_en = models.CharField(_("English name"), max_length=50, blank=True)
    min_rate = models.DecimalField(
        _("lowest acceptable collection rate"),
        max_digits=5,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("0.9 means 90 %. Empty: no threshold (e.g. a special collection plan)."),
    )
    max_rate = models.DecimalField(
        _("top of the expected range"),
        max_digits=5,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("Empty: no upper end."),
    )
    description = models.CharField(_("what is done"), max_length=200, blank=True)
    # Customers that no rule matches fall here; at most one class is the default.
    is_default = models.BooleanField(_("default class"), default=False)

    class Meta:
        verbose_name = _("collection class")
        verbose_name_plural = _("collection classes")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=Q(is_default=True),
                name="collectionclass_one_default",
                violation_error_message=_("Another class is already the default."),
            ),
            models.CheckConstraint(
                condition=Q(min_rate__isnull=True)
                | Q(max_rate__isnull=True)
                | Q(max_rate__gte=F("min_rate")),
                name="collectionclass_range_in_order",
                violation_error_message=_(
                    "The top of the range must not be below the lowest acceptable rate."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.name}"

    @property
    def label(self) -> str:
        """The name in the active language: the English name when English is on and it is set."""
        english = get_language() and get_language().startswith("en") and self.name_en
        return f"{self.code} · {self.name_en if english else self.name}"


class CollectionClassRule(models.Model):
    """Which customers belong to a collection class: the first rule (by position) whose credit
    ratings include the customer's and whose payment-terms limit the customer's terms do not
    exceed decides; no match means the default class."""

    position = models.PositiveSmallIntegerField(_("position"), unique=True)
    credit_ratings = models.CharField(
        _("credit ratings"),
        max_length=4,
        validators=[RegexValidator(r"^[ABCD]{1,4}$", _("Use the letters A, B, C and D, e.g. AB."))],
        help_text=_("Letters of the ratings this rule covers, e.g. AB."),
    )
    max_payment_terms_days = models.PositiveSmallIntegerField(
        _("payment terms up to (days)"),
        null=True,
        blank=True,
        help_text=_("Empty: any payment terms."),
    )
    collection_class = models.ForeignKey(
        CollectionClass,
        verbose_name=_("collection class"),
        on_delete=models.PROTECT,
        related_name="rules",
    )

    class Meta:
        verbose_name = _("collection class rule")
        verbose_name_plural = _("collection class rules")
        ordering = ["position"]

    def __str__(self) -> str:
        limit = "∞" if self.max_payment_terms_days is None else self.max_payment_terms_days
        return f"{self.position}: {self.credit_ratings} ≤ {limit} → {self.collection_class.code}"
