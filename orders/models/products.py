"""Products (产品): what an order or contract line sells."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

MONEY = {"max_digits": 14, "decimal_places": 2}
# A VAT rate as a fraction: 0.13, 0.09, 0.06, 0.
TAX_RATE = {
    "max_digits": 5,
    "decimal_places": 4,
    "validators": [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
}


class Product(models.Model):
    sku = models.CharField(_("model / SKU"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    product_line = models.CharField(_("product line"), max_length=60, blank=True)
    unit = models.CharField(_("unit"), max_length=20, default="台")
    list_price = models.DecimalField(
        _("list price with tax (CNY)"), **MONEY, validators=[MinValueValidator(Decimal(0))]
    )
    cost = models.DecimalField(
        _("unit cost (CNY)"), **MONEY, default=Decimal(0), validators=[MinValueValidator(0)]
    )
    tax_rate = models.DecimalField(_("VAT rate"), **TAX_RATE, default=Decimal("0.13"))
    active = models.BooleanField(_("on sale"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["sku"]
        constraints = [
            models.CheckConstraint(
                condition=Q(list_price__gte=0, cost__gte=0, tax_rate__gte=0, tax_rate__lte=1),
                name="product_prices_not_negative",
            )
        ]

    def __str__(self) -> str:
        return f"{self.sku} {self.name}"
