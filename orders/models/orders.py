"""Orders (订单), their lines, the events of their life, change requests after confirmation and
credit exceptions a manager approved."""

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

from orders.models.products import MONEY, TAX_RATE
from orders.querysets import OrderQuerySet, ScopedByOrderQuerySet

ZERO = Decimal("0.00")
QUANTITY = {"max_digits": 14, "decimal_places": 3}
# A discount as a fraction of the unit price: 0.05 is 5% off.
DISCOUNT = {
    "max_digits": 5,
    "decimal_places": 4,
    "validators": [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
}


class OrderSettings(models.Model):
    """The single row of order settings, edited in admin."""

    number_prefix = models.CharField(_("order number prefix"), max_length=10, default="SO")
    contract_prefix = models.CharField(_("contract number prefix"), max_length=10, default="HT")
    # Confirmed orders count against the credit limit until invoiced; this share of the limit
    # is what a manager's exception may add at most (0: no cap).
    exception_cap_share = models.DecimalField(
        _("an exception may exceed the limit by at most (share of it)"),
        max_digits=5,
        decimal_places=4,
        default=Decimal("0"),
        help_text=_("0: no cap."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("order settings")
        verbose_name_plural = _("order settings")
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="ordersettings_single_row")]

    def __str__(self) -> str:
        return str(_("Order settings"))

    @classmethod
    def load(cls) -> "OrderSettings":
        obj, _created = cls.objects.get_or_create(pk=1)
        return obj


class Order(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("order status", "Draft")
        CONFIRMED = "confirmed", pgettext_lazy("order status", "Confirmed")
        IN_PRODUCTION = "production", pgettext_lazy("order status", "In production")
        SHIPPED = "shipped", pgettext_lazy("order status", "Shipped")
        DELIVERED = "delivered", pgettext_lazy("order status", "Delivered")
        ACCEPTED = "accepted", pgettext_lazy("order status", "Accepted")
        CLOSED = "closed", pgettext_lazy("order status", "Closed")
        CANCELLED = "cancelled", pgettext_lazy("order status", "Cancelled")

    class Alert(models.TextChoices):
        NONE = "", pgettext_lazy("order alert", "None")
        YELLOW = "yellow", _("Yellow · delay risk")
        ORANGE = "orange", _("Orange · stock or quality")
        RED = "red", _("Red · customer complaint")

    number = models.CharField(_("order number"), max_length=40, unique=True)
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The rep credited with the order (on-time delivery rate, KPIs): the customer's owner when
    # it was created. Who sees the order follows the customer's current owner.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sales rep"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    opportunity = models.ForeignKey(
        "opportunities.Opportunity",
        verbose_name=_("opportunity"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    order_date = models.DateField(_("order date"))
    delivery_date = models.DateField(_("promised delivery date"))
    payment_terms_days = models.PositiveSmallIntegerField(
        _("payment terms (days)"), default=30, validators=[MaxValueValidator(3650)]
    )
    prepayment = models.DecimalField(
        _("prepayment (CNY)"), **MONEY, default=ZERO, validators=[MinValueValidator(0)]
    )
    guarantee = models.CharField(
        _("guarantee"),
        max_length=200,
        blank=True,
        help_text=_("For example a bank guarantee letter and its number (担保)."),
    )
    delivery_address = models.CharField(_("delivery address"), max_length=300, blank=True)
    note = models.TextField(_("note"), blank=True, max_length=2000)
    # Kept by the services from the lines, exactly in Decimal.
    total_net = models.DecimalField(_("amount without tax"), **MONEY, default=ZERO)
    total_tax = models.DecimalField(_("tax"), **MONEY, default=ZERO)
    total = models.DecimalField(_("amount with tax"), **MONEY, default=ZERO)
    # What receivables were raised for (through the contract's milestones): the rest of a
    # confirmed order counts toward the customer's exposure.
    invoiced = models.DecimalField(_("invoiced"), **MONEY, default=ZERO)
    alert = models.CharField(
        _("alert"), max_length=6, choices=Alert.choices, blank=True, default=Alert.NONE
    )
    alert_reason = models.CharField(_("why the alert"), max_length=300, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    shipped_on = models.DateField(_("shipped on"), null=True, blank=True)
    delivered_on = models.DateField(_("delivered on"), null=True, blank=True)
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    cancel_reason = models.CharField(_("why cancelled"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    history = HistoricalRecords()

    objects = OrderQuerySet.as_manager()

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-order_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(total=F("total_net") + F("total_tax")), name="order_total_adds_up"
            ),
            models.CheckConstraint(
                condition=Q(invoiced__gte=0, invoiced__lte=F("total")),
                name="order_invoiced_within_total",
            ),
            models.CheckConstraint(
                condition=Q(alert="") | ~Q(alert_reason=""), name="order_alert_needs_reason"
            ),
        ]
        indexes = [
            models.Index(fields=["customer", "status"], name="order_customer_status"),
            models.Index(fields=["owner", "status"], name="order_owner_status"),
            models.Index(fields=["-order_date", "-id"], name="order_list"),
            models.Index(fields=["accepted_on", "customer"], name="order_accepted"),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("order_detail", args=[self.pk])


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(
        "orders.Product", verbose_name=_("product"), on_delete=models.PROTECT, related_name="+"
    )
    quantity = models.DecimalField(
        _("quantity"), **QUANTITY, validators=[MinValueValidator(Decimal("0.001"))]
    )
    unit_price = models.DecimalField(
        _("unit price with tax"), **MONEY, validators=[MinValueValidator(0)]
    )
    discount = models.DecimalField(_("discount"), **DISCOUNT, default=Decimal(0))
    tax_rate = models.DecimalField(_("VAT rate"), **TAX_RATE)
    # quantity × unit price × (1 − discount), to the fen; tax = amount − amount / (1 + rate).
    amount = models.DecimalField(_("amount with tax"), **MONEY)
    amount_net = models.DecimalField(_("amount without tax"), **MONEY)
    amount_tax = models.DecimalField(_("tax"), **MONEY)
    position = models.PositiveSmallIntegerField(_("line"), default=1)

    objects = ScopedByOrderQuerySet.as_manager()

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        ordering = ["order", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount=F("amount_net") + F("amount_tax")), name="orderline_adds_up"
            ),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="orderline_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.order_id}/{self.position}"


class OrderEvent(models.Model):
    """One thing that happened to an order: created, each status change, an alert set or
    cleared, a change request, a credit exception. The order page's timeline."""

    class Kind(models.TextChoices):
        CREATED = "created", pgettext_lazy("order event", "Created")
        STATUS = "status", pgettext_lazy("order event", "Status changed")
        ALERT = "alert", pgettext_lazy("order event", "Alert")
        CHANGE = "change", pgettext_lazy("order event", "Change request")
        CREDIT = "credit", pgettext_lazy("order event", "Credit exception")
        REFUSED = "refused", pgettext_lazy("order event", "Confirmation refused")

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    from_status = models.CharField(
        _("from"), max_length=12, choices=Order.Status.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=12, choices=Order.Status.choices, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), default=timezone.now)

    objects = ScopedByOrderQuerySet.as_manager()

    class Meta:
        verbose_name = _("order event")
        verbose_name_plural = _("order events")
        ordering = ["order", "at", "id"]
        indexes = [models.Index(fields=["order", "at"], name="orderevent_order_at")]

    def __str__(self) -> str:
        return f"{self.order_id} {self.kind}"


class OrderChange(models.Model):
    """A change request after confirmation (变更): what changed, before and after."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="changes")
    reason = models.CharField(_("reason"), max_length=300)
    # {"field": [before, after]} as text, and the lines before and after when they changed.
    before = models.JSONField(_("before"), default=dict)
    after = models.JSONField(_("after"), default=dict)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"), default=timezone.now)

    objects = ScopedByOrderQuerySet.as_manager()

    class Meta:
        verbose_name = _("order change request")
        verbose_name_plural = _("order change requests")
        ordering = ["order", "at", "id"]

    def __str__(self) -> str:
        return f"{self.order_id} {self.at:%Y-%m-%d}"


class CreditException(models.Model):
    """A manager's approval to confirm an order the credit check refused, with the figures the
    check saw; nobody approves their own order."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="credit_exceptions")
    # The refusals it overrides, as the check's rule codes ("hold" is never overridable).
    rules = models.JSONField(_("rules overridden"), default=list)
    reason = models.CharField(_("reason"), max_length=300)
    exposure = models.DecimalField(_("exposure with this order"), **MONEY)
    credit_limit = models.DecimalField(_("credit limit"), **MONEY)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    # An exception is spent by the confirmation it allowed; a later confirmation needs a new one.
    used = models.BooleanField(_("used"), default=False)

    objects = ScopedByOrderQuerySet.as_manager()

    class Meta:
        verbose_name = _("credit exception")
        verbose_name_plural = _("credit exceptions")
        ordering = ["order", "-at"]

    def __str__(self) -> str:
        return f"{self.order_id} {self.at:%Y-%m-%d}"
