"""Receivables (应收账款), payments (回款), their allocation and write-offs. Money invariants
live in the database: a payment is never allocated beyond its amount and a receivable never
beyond its balance."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Cast, Round
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from receivables.querysets import (
    AllocationQuerySet,
    PaymentQuerySet,
    ReceivableQuerySet,
    WriteOffQuerySet,
)
from salesops.core.templatetags.money import yuan

MONEY = {"max_digits": 14, "decimal_places": 2}
ZERO = Decimal("0.00")


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
    # The contract's rate (contracts will fill it); empty means the settings' rate.
    penalty_daily_rate = models.DecimalField(
        _("late-payment penalty per day"),
        max_digits=7,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
        help_text=_("Empty: the rate in the receivable settings."),
    )
    # The day the balance reached zero by ledger dates: greatest(issue date, the last active
    # allocation's payment date, the last write-off's date); NULL while anything is owed. A
    # balance only falls with time (every payment and write-off takes away), so a receivable is
    # open on day D exactly when issue_date <= D < settled_on: "open on D" is an index range.
    # Set by the services in the same UPDATE that changes `allocated` or `written_off`.
    settled_on = models.DateField(_("settled on"), null=True, blank=True, editable=False)
    # The balance in fen, stored by the database: aging sums hundreds of thousands of open
    # balances, and a bigint sum is about twice as fast as a numeric one (docs/performance.md).
    balance_fen = models.GeneratedField(
        expression=Cast(
            Round((F("amount") - F("allocated") - F("written_off")) * 100),
            models.BigIntegerField(),
        ),
        output_field=models.BigIntegerField(),
        db_persist=True,
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    history = HistoricalRecords(excluded_fields=["balance_fen"])

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
            models.CheckConstraint(
                condition=Q(settled_on__isnull=True, amount__gt=F("allocated") + F("written_off"))
                | Q(settled_on__isnull=False, amount=F("allocated") + F("written_off")),
                name="receivable_settled_exactly_when_nothing_owed",
            ),
        ]
        indexes = [
            models.Index(fields=["customer", "due_date"], name="receivable_customer_due"),
            # The open book (a fifth of all receivables after a few years): aging, collection
            # list and escalation read only these rows, index-only for the aging sums.
            models.Index(
                fields=["customer", "due_date"],
                include=["balance_fen", "issue_date"],
                condition=Q(settled_on__isnull=True),
                name="receivable_open",
            ),
            # The collection list: count and total of the open items due before a day read
            # index-only (the balance is included), and a page's ids are an index-only walk in
            # the list's order (due date, id), also at a deep OFFSET (docs/performance.md).
            models.Index(
                fields=["due_date", "id"],
                include=["balance_fen", "customer"],
                condition=Q(settled_on__isnull=True),
                name="receivable_open_due_fen",
            ),
            # Open on a past day D = still open, or settled after D.
            models.Index(fields=["settled_on"], name="receivable_settled_on"),
        ]

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
        indexes = [models.Index(fields=["date"], name="payment_date")]
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

    objects = WriteOffQuerySet.as_manager()

    class Meta:
        verbose_name = _("write-off")
        verbose_name_plural = _("write-offs")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="writeoff_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.receivable} {yuan(self.amount)}"
