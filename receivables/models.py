"""Receivables (应收账款), payments (回款) and their allocation, write-offs, the escalation ladder
(逾期分级处理), credit holds and nightly aging snapshots. Money invariants live in the database:
a payment is never allocated beyond its amount and a receivable never beyond its balance."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from receivables.querysets import (
    AllocationQuerySet,
    EscalationEventQuerySet,
    PaymentQuerySet,
    ReceivableQuerySet,
)
from salesops.core.localized import LocalizedNameMixin
from salesops.core.templatetags.money import yuan

MONEY = {"max_digits": 14, "decimal_places": 2}
ZERO = Decimal("0.00")


class ReceivableSettings(models.Model):
    """The single row of collection settings (DOMAIN.md section 6), edited in admin."""

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
    # 连坐: empty = any overdue receivable of a member flags its group (DOMAIN.md); a step here
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
    """回款分类 (DOMAIN.md section 6): a class of customers, from credit rating and payment cycle,
    with the collection-rate range expected of it. A rate below `min_rate` is below threshold;
    between `min_rate` and `max_rate` (both inclusive) in range; above `max_rate` above range."""

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


class Receivable(models.Model):
    class Kind(models.TextChoices):
        NORMAL = "normal", _("Normal")
        RETENTION = "retention", _("Retention money")

    class Source(models.TextChoices):
        OPENING = "opening", _("Opening balance")
        MILESTONE = "milestone", _("Contract milestone")
        MANUAL = "manual", _("Manual")

    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="receivables",
    )
    number = models.CharField(_("number"), max_length=50, unique=True)
    issue_date = models.DateField(_("issue date"))
    due_date = models.DateField(_("due date"))
    amount = models.DecimalField(_("amount (CNY)"), **MONEY)
    # Kept under row locks by the services; the constraints below make overruns impossible.
    # `allocated` = opening_paid + every active allocation.
    allocated = models.DecimalField(_("collected"), **MONEY, default=ZERO)
    # Paid before the system was in use (opening balances only): no payment record behind it.
    opening_paid = models.DecimalField(_("paid before go-live"), **MONEY, default=ZERO)
    written_off = models.DecimalField(_("written off"), **MONEY, default=ZERO)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.NORMAL)
    source = models.CharField(
        _("source"), max_length=10, choices=Source.choices, default=Source.MANUAL
    )
    opportunity = models.ForeignKey(
        "opportunities.Opportunity",
        verbose_name=_("opportunity"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="receivables",
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    # The contract's rate (issue 11 fills it from the contract); empty means the settings' rate.
    penalty_daily_rate = models.DecimalField(
        _("late-payment penalty per day"),
        max_digits=7,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
        help_text=_("Empty: the rate in the receivable settings."),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    history = HistoricalRecords()

    objects = ReceivableQuerySet.as_manager()

    class Meta:
        verbose_name = _("receivable")
        verbose_name_plural = _("receivables")
        ordering = ["due_date", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="receivable_amount_positive"),
            models.CheckConstraint(
                condition=Q(allocated__gte=0, written_off__gte=0)
                & Q(amount__gte=F("allocated") + F("written_off")),
                name="receivable_never_over_collected",
            ),
            models.CheckConstraint(
                condition=Q(due_date__gte=F("issue_date")), name="receivable_due_after_issue"
            ),
            models.CheckConstraint(
                condition=Q(opening_paid__gte=0) & Q(allocated__gte=F("opening_paid")),
                name="receivable_opening_paid_within_collected",
            ),
            models.CheckConstraint(
                condition=Q(penalty_daily_rate__isnull=True) | Q(penalty_daily_rate__gte=0),
                name="receivable_penalty_rate_not_negative",
            ),
        ]
        indexes = [models.Index(fields=["customer", "due_date"], name="receivable_customer_due")]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("receivable_detail", args=[self.pk])

    @property
    def balance(self) -> Decimal:
        return self.amount - self.allocated - self.written_off

    @property
    def owed_after_go_live(self) -> Decimal:
        """The amount less what an opening balance had paid before go-live (no payment record
        behind it, so it counts as paid before the due date)."""
        return self.amount - self.opening_paid


class Payment(models.Model):
    class Method(models.TextChoices):
        TRANSFER = "transfer", _("Bank transfer")
        ACCEPTANCE_BILL = "bill", _("Bank acceptance bill")
        CASH = "cash", _("Cash")

    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="payments",
    )
    date = models.DateField(_("date received"))
    amount = models.DecimalField(_("amount (CNY)"), **MONEY)
    allocated = models.DecimalField(_("allocated"), **MONEY, default=ZERO)
    method = models.CharField(_("method"), max_length=10, choices=Method.choices)
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    # One per submitted form: a double submit finds the first payment instead of a second.
    submission_key = models.UUIDField(unique=True, null=True, blank=True, editable=False)
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    void_reason = models.CharField(_("why voided"), max_length=300, blank=True)
    history = HistoricalRecords()

    objects = PaymentQuerySet.as_manager()

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-date", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(
                condition=Q(allocated__gte=0) & Q(amount__gte=F("allocated")),
                name="payment_never_over_allocated",
            ),
            models.CheckConstraint(
                condition=Q(voided_at__isnull=True) | (~Q(void_reason="") & Q(allocated=0)),
                name="payment_void_has_reason_and_no_allocation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.customer} · {self.date} · {yuan(self.amount)}"

    @property
    def unallocated(self) -> Decimal:
        return self.amount - self.allocated


class Allocation(models.Model):
    payment = models.ForeignKey(
        Payment, verbose_name=_("payment"), on_delete=models.PROTECT, related_name="allocations"
    )
    receivable = models.ForeignKey(
        Receivable,
        verbose_name=_("receivable"),
        on_delete=models.PROTECT,
        related_name="allocations",
    )
    amount = models.DecimalField(_("amount (CNY)"), **MONEY)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    # Reversed when the payment is voided; kept for the audit trail.
    reversed_at = models.DateTimeField(_("reversed at"), null=True, blank=True)

    objects = AllocationQuerySet.as_manager()

    class Meta:
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="allocation_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.payment_id} → {self.receivable} {yuan(self.amount)}"


class WriteOff(models.Model):
    """Bad debt written off by finance (坏账核销)."""

    receivable = models.ForeignKey(Receivable, on_delete=models.PROTECT, related_name="write_offs")
    amount = models.DecimalField(_("amount (CNY)"), **MONEY)
    date = models.DateField(_("date"))
    reason = models.CharField(_("reason"), max_length=300)
    written_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("write-off")
        verbose_name_plural = _("write-offs")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="writeoff_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.receivable} {yuan(self.amount)}"


class EscalationLevel(LocalizedNameMixin, models.Model):
    """A step of the overdue ladder; the daily job applies each step once per receivable."""

    class Letter(models.TextChoices):
        NONE = "", _("No letter")
        REMINDER = "reminder", _("Friendly reminder letter")
        LAWYER = "lawyer", _("Lawyer's letter draft")

    name = models.CharField(_("name"), max_length=50)
    from_days = models.PositiveSmallIntegerField(
        _("from days overdue"),
        unique=True,
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
    )
    action = models.CharField(_("action"), max_length=200)
    letter = models.CharField(_("letter"), max_length=10, choices=Letter.choices, blank=True)
    creates_task = models.BooleanField(_("creates a task for the owner"), default=False)
    notifies_manager = models.BooleanField(_("notifies the manager"), default=False)
    puts_on_hold = models.BooleanField(_("puts the customer on credit hold"), default=False)

    class Meta:
        verbose_name = _("escalation level")
        verbose_name_plural = _("escalation levels")
        ordering = ["from_days"]

    def __str__(self) -> str:
        return f"{self.from_days}+ · {self.display_name}"


class EscalationEvent(models.Model):
    """A ladder step recorded for a receivable. An item first seen past several steps gets the
    highest applied and the lower ones recorded as skipped (no notice, no letter, no task)."""

    class Status(models.TextChoices):
        APPLIED = "applied", _("Applied")
        SKIPPED = "skipped", _("Skipped")

    receivable = models.ForeignKey(
        Receivable,
        verbose_name=_("receivable"),
        on_delete=models.CASCADE,
        related_name="escalations",
    )
    level = models.ForeignKey(
        EscalationLevel,
        verbose_name=_("escalation level"),
        on_delete=models.PROTECT,
        related_name="events",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.APPLIED
    )
    as_of = models.DateField(_("as of"))
    days_overdue = models.PositiveIntegerField(_("days overdue"))
    balance = models.DecimalField(_("balance (CNY)"), **MONEY)
    # The run that wrote the row: rows are bulk-inserted ignoring conflicts, and this tells a run
    # which rows are its own (and so whose notices it sends) and which another run wrote first.
    run_key = models.UUIDField(null=True, blank=True, editable=False, db_index=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = EscalationEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["receivable", "level"], name="escalation_once_per_receivable_level"
            )
        ]

    def __str__(self) -> str:
        return f"{self.receivable} · {self.level}"


class CreditHoldEvent(models.Model):
    """停止供货: a customer put on or released from credit hold, and why."""

    class Kind(models.TextChoices):
        HOLD = "hold", _("Put on hold")
        RELEASE = "release", _("Released")

    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="credit_hold_events",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    reason = models.CharField(_("reason"), max_length=300)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("credit hold event")
        verbose_name_plural = _("credit hold events")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.customer} · {self.get_kind_display()}"


class AgingSnapshot(models.Model):
    """Nightly aging per customer, for trend charts; one row per customer and day."""

    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="aging_snapshots",
    )
    as_of = models.DateField(_("as of"), db_index=True)
    not_due = models.DecimalField(_("not due"), **MONEY, default=ZERO)
    b1 = models.DecimalField(_("first bucket"), **MONEY, default=ZERO)
    b2 = models.DecimalField(_("second bucket"), **MONEY, default=ZERO)
    b3 = models.DecimalField(_("third bucket"), **MONEY, default=ZERO)
    b4 = models.DecimalField(_("fourth bucket"), **MONEY, default=ZERO)
    total = models.DecimalField(_("total"), **MONEY, default=ZERO)

    class Meta:
        verbose_name = _("aging snapshot")
        verbose_name_plural = _("aging snapshots")
        constraints = [
            models.UniqueConstraint(fields=["customer", "as_of"], name="aging_snapshot_once_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.customer} {self.as_of}"
