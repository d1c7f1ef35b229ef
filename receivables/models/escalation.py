"""The escalation ladder (逾期分级处理): its steps, the steps recorded per receivable, and the
credit holds (停止供货) put and released."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from receivables.models.ledger import MONEY, Receivable
from receivables.querysets import CreditHoldEventQuerySet, EscalationEventQuerySet
from salesops.core.localized import LocalizedNameMixin


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

    objects = CreditHoldEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("credit hold event")
        verbose_name_plural = _("credit hold events")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.customer} · {self.get_kind_display()}"
