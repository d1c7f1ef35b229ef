"""Nightly aging per customer (the aging page's trend)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from receivables.models.ledger import MONEY, ZERO
from receivables.querysets import AgingSnapshotQuerySet


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

    objects = AgingSnapshotQuerySet.as_manager()

    class Meta:
        verbose_name = _("aging snapshot")
        verbose_name_plural = _("aging snapshots")
        constraints = [
            models.UniqueConstraint(fields=["customer", "as_of"], name="aging_snapshot_once_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.customer} {self.as_of}"
