"""Contracts (合同), our legal entity, supplementary agreements (补充协议) and payment
milestones (付款节点), each of which raises one receivable when its trigger happens."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from orders.models.orders import DISCOUNT, QUANTITY, ZERO
from orders.models.products import MONEY, TAX_RATE
from orders.querysets import ContractQuerySet, ScopedByContractQuerySet


class LegalEntity(models.Model):
    """Our side of a contract (甲方/乙方 as the seller): kept in admin, copied into each contract
    when it is drafted, so later edits never change a signed contract."""

    name = models.CharField(_("full legal name"), max_length=200, unique=True)
    credit_code = models.CharField(_("unified social credit code"), max_length=18)
    address = models.CharField(_("registered address"), max_length=300)
    legal_representative = models.CharField(_("legal representative"), max_length=50)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    bank = models.CharField(_("bank"), max_length=100, blank=True)
    bank_account = models.CharField(_("bank account"), max_length=40, blank=True)
    default = models.BooleanField(_("default for new contracts"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("our legal entity")
        verbose_name_plural = _("our legal entities")
        ordering = ["-default", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["default"], condition=Q(default=True), name="one_default_legal_entity"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Contract(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("contract status", "Draft")
        SIGNED = "signed", pgettext_lazy("contract status", "Signed")
        DELIVERED = "delivered", pgettext_lazy("contract status", "Delivered")
        ACCEPTED = "accepted", pgettext_lazy("contract status", "Accepted")
        COMPLETED = "completed", pgettext_lazy("contract status", "Completed")
        TERMINATED = "terminated", pgettext_lazy("contract status", "Terminated")

    number = models.CharField(_("contract number"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=200)
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    order = models.OneToOneField(
        "orders.Order",
        verbose_name=_("order"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contract",
    )
    opportunity = models.ForeignKey(
        "opportunities.Opportunity",
        verbose_name=_("opportunity"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sales rep"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    # Both parties as they stand in the contract (copied when drafted).
    seller = models.ForeignKey(
        LegalEntity, verbose_name=_("our legal entity"), on_delete=models.PROTECT, related_name="+"
    )
    seller_name = models.CharField(_("seller"), max_length=200)
    seller_credit_code = models.CharField(_("seller's credit code"), max_length=18)
    seller_address = models.CharField(_("seller's registered address"), max_length=300)
    seller_legal_representative = models.CharField(
        _("seller's legal representative"), max_length=50
    )
    buyer_name = models.CharField(_("buyer"), max_length=200)
    buyer_credit_code = models.CharField(_("buyer's credit code"), max_length=18, blank=True)
    buyer_address = models.CharField(_("buyer's registered address"), max_length=300, blank=True)
    buyer_legal_representative = models.CharField(
        _("buyer's legal representative"), max_length=50, blank=True
    )
    delivery_address = models.CharField(_("delivery address"), max_length=300)
    acceptance_window_hours = models.PositiveSmallIntegerField(
        _("acceptance window (hours after arrival)"),
        default=72,
        validators=[MinValueValidator(1), MaxValueValidator(8760)],
    )
    warranty_months = models.PositiveSmallIntegerField(
        _("warranty (months)"), default=12, validators=[MaxValueValidator(120)]
    )
    penalty_daily_rate = models.DecimalField(
        _("late-payment penalty per day"),
        max_digits=7,
        decimal_places=6,
        default=Decimal("0.0005"),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal("0.01"))],
    )
    total_net = models.DecimalField(_("amount without tax"), **MONEY, default=ZERO)
    total_tax = models.DecimalField(_("tax"), **MONEY, default=ZERO)
    total = models.DecimalField(_("amount with tax"), **MONEY, default=ZERO)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    delivered_on = models.DateField(_("delivered on"), null=True, blank=True)
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    terminated_on = models.DateField(_("terminated on"), null=True, blank=True)
    termination_reason = models.CharField(_("why terminated"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    history = HistoricalRecords()

    objects = ContractQuerySet.as_manager()

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(total=F("total_net") + F("total_tax")), name="contract_total_adds_up"
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(status="terminated") | Q(signed_on__isnull=False),
                name="contract_signed_has_date",
            ),
        ]
        indexes = [models.Index(fields=["customer", "status"], name="contract_customer_status")]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("contract_detail", args=[self.pk])


class ContractLine(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(
        "orders.Product",
        verbose_name=_("product"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    description = models.CharField(_("description"), max_length=200)
    unit = models.CharField(_("unit"), max_length=20, default="台")
    quantity = models.DecimalField(
        _("quantity"), **QUANTITY, validators=[MinValueValidator(Decimal("0.001"))]
    )
    unit_price = models.DecimalField(
        _("unit price with tax"), **MONEY, validators=[MinValueValidator(0)]
    )
    discount = models.DecimalField(_("discount"), **DISCOUNT, default=Decimal(0))
    tax_rate = models.DecimalField(_("VAT rate"), **TAX_RATE)
    amount = models.DecimalField(_("amount with tax"), **MONEY)
    amount_net = models.DecimalField(_("amount without tax"), **MONEY)
    amount_tax = models.DecimalField(_("tax"), **MONEY)
    position = models.PositiveSmallIntegerField(_("line"), default=1)

    objects = ScopedByContractQuerySet.as_manager()

    class Meta:
        verbose_name = _("contract line")
        verbose_name_plural = _("contract lines")
        ordering = ["contract", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount=F("amount_net") + F("amount_tax")), name="contractline_adds_up"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract_id}/{self.position}"


class SupplementaryAgreement(models.Model):
    """补充协议: the only way a signed contract changes; records what changed."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="supplements")
    sequence = models.PositiveSmallIntegerField(_("number"))
    signed_on = models.DateField(_("signed on"))
    reason = models.CharField(_("reason"), max_length=300)
    # {"field": [before, after]}, "lines" and "milestones" as lists before and after.
    before = models.JSONField(_("before"), default=dict)
    after = models.JSONField(_("after"), default=dict)
    total_before = models.DecimalField(_("total before"), **MONEY)
    total_after = models.DecimalField(_("total after"), **MONEY)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("recorded at"), default=timezone.now)

    objects = ScopedByContractQuerySet.as_manager()

    class Meta:
        verbose_name = _("supplementary agreement")
        verbose_name_plural = _("supplementary agreements")
        ordering = ["contract", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "sequence"], name="supplement_sequence_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.contract_id} 补充协议 {self.sequence}"


class PaymentMilestone(models.Model):
    class Trigger(models.TextChoices):
        SIGNING = "signing", _("On signing")
        DELIVERY = "delivery", _("On delivery")
        ACCEPTANCE = "acceptance", _("On acceptance")
        WARRANTY_END = "warranty", _("At the end of the warranty")
        FIXED_DATE = "fixed", _("On a fixed date")

    class OffsetKind(models.TextChoices):
        CALENDAR = "calendar", _("calendar days")
        WORKING = "working", _("working days (Chinese official calendar)")

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="milestones")
    sequence = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=100)
    # Either a percent of the contract total or a fixed amount; `amount` is always filled (the
    # percent's share, to the fen, the last milestone taking the rounding).
    percent = models.DecimalField(
        _("percent"),
        max_digits=7,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    amount = models.DecimalField(_("amount (CNY)"), **MONEY, validators=[MinValueValidator(0)])
    trigger = models.CharField(_("trigger"), max_length=10, choices=Trigger.choices)
    fixed_date = models.DateField(_("fixed date"), null=True, blank=True)
    offset = models.PositiveSmallIntegerField(
        _("due after"), default=0, validators=[MaxValueValidator(3650)]
    )
    offset_kind = models.CharField(
        _("counted in"), max_length=10, choices=OffsetKind.choices, default=OffsetKind.CALENDAR
    )
    retention = models.BooleanField(_("retention money (质保金)"), default=False)
    # Filled when the trigger is recorded: the trigger's day and the due day it gives.
    triggered_on = models.DateField(_("triggered on"), null=True, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    # The one receivable this milestone raised; unique, so a retry cannot raise a second.
    receivable = models.OneToOneField(
        "receivables.Receivable",
        verbose_name=_("receivable"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="milestone",
    )

    objects = ScopedByContractQuerySet.as_manager()

    class Meta:
        verbose_name = _("payment milestone")
        verbose_name_plural = _("payment milestones")
        ordering = ["contract", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "sequence"], name="milestone_sequence_unique"
            ),
            models.CheckConstraint(
                condition=~Q(trigger="fixed") | Q(fixed_date__isnull=False),
                name="milestone_fixed_needs_date",
            ),
            models.CheckConstraint(
                condition=Q(receivable__isnull=True) | Q(due_date__isnull=False),
                name="milestone_raised_has_due_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract_id}#{self.sequence} {self.name}"
