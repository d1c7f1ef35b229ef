"""The 6-level funnel (漏斗): stages with entry checklists, opportunities, their stage history,
contact roles on a deal and lost reasons. Sales targets are in targets.py."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from customers.models import Contact
from opportunities.querysets import (  # noqa: F401 - the levels are imported from here too
    COLLECTED_LEVEL,
    COMMITTED_LEVEL,
    OpportunityQuerySet,
    StageChangeQuerySet,
)
from opportunities.rules.metrics import weighted
from salesops.core.localized import LocalizedNameMixin

MONEY = {"max_digits": 14, "decimal_places": 2}
LEVELS = range(1, 7)
# The per-deal summary of the stage history (see Opportunity.highest_level).
STAY_FIELDS = [
    "highest_level",
    *(f"stays_{level}" for level in LEVELS),
    *(f"stay_seconds_{level}" for level in LEVELS),
]


class FunnelStage(LocalizedNameMixin, models.Model):
    """One level of the funnel; levels, names and win probabilities are edited in admin."""

    level = models.PositiveSmallIntegerField(
        _("level"), unique=True, validators=[MinValueValidator(1), MaxValueValidator(6)]
    )
    name = models.CharField(_("name"), max_length=30)
    win_probability = models.DecimalField(
        _("win probability (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    description = models.CharField(_("description"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("funnel stage")
        verbose_name_plural = _("funnel stages")
        ordering = ["level"]

    def __str__(self) -> str:
        return f"{self.level} · {self.display_name} ({self.win_probability:.0f}%)"


class ChecklistItem(models.Model):
    """An entry condition of a stage: all of a stage's items must be ticked to enter it."""

    stage = models.ForeignKey(
        FunnelStage, verbose_name=_("stage"), on_delete=models.CASCADE, related_name="checklist"
    )
    text = models.CharField(_("condition"), max_length=200)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["stage__level", "sort_order", "pk"]

    def __str__(self) -> str:
        return f"L{self.stage.level}: {self.text}"


class LostReason(LocalizedNameMixin, models.Model):
    """Why a deal was lost (输单原因), for the win/loss analysis; the list is edited in admin."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("lost reason")
        verbose_name_plural = _("lost reasons")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.display_name


class Opportunity(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("deal", "Open")
        WON = "won", _("Won and collected")
        LOST = "lost", pgettext_lazy("deal", "Lost")

    class Source(models.TextChoices):
        CUSTOMER = "customer", _("Existing customer")
        REFERRAL = "referral", _("Referral")
        EXHIBITION = "exhibition", _("Exhibition")
        TENDER = "tender", _("Tender")
        WEBSITE = "website", _("Website")
        OTHER = "other", _("Other")

    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="opportunities",
    )
    name = models.CharField(_("name"), max_length=200)
    amount = models.DecimalField(
        _("amount (CNY)"), **MONEY, validators=[MinValueValidator(Decimal("0.01"))]
    )
    expected_close = models.DateField(_("expected close"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="opportunities",
    )
    stage = models.ForeignKey(
        FunnelStage, verbose_name=_("stage"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, blank=True)
    description = models.TextField(_("description"), blank=True)
    stage_entered_at = models.DateTimeField(_("in this stage since"), default=timezone.now)
    # Set when level 5 (committed: contract signed) is first reached; counts toward the target.
    committed_at = models.DateTimeField(_("committed at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    lost_reason = models.ForeignKey(
        LostReason,
        verbose_name=_("lost reason"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    competitor = models.CharField(_("competitor"), max_length=100, blank=True)
    lost_note = models.CharField(_("lost note"), max_length=300, blank=True)
    checked_items = models.ManyToManyField(
        ChecklistItem, through="ChecklistTick", related_name="+", blank=True
    )
    # The follow-ups logged about this deal. The link is ours (DealFollowUp), not a column of the
    # follow-up: customers sits below opportunities and knows nothing of deals.
    followups = models.ManyToManyField(
        "customers.FollowUp", through="DealFollowUp", related_name="+", blank=True
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    # The stage history summed per deal, kept by opportunities.services.stays.stays_refresh
    # whenever a move is recorded: the funnel aggregates these over the deals in one pass
    # instead of windowing ~700k stage changes per request. highest_level: the highest level
    # any move reached (NULL without history); stays_N / stay_seconds_N: how many stays in
    # level N have ended (by a later move; losing and reopening are not moves) and their whole
    # seconds.
    highest_level = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    stays_1 = models.PositiveIntegerField(default=0, db_default=0, editable=False)
    stays_2 = models.PositiveIntegerField(default=0, db_default=0, editable=False)
    stays_3 = models.PositiveIntegerField(default=0, db_default=0, editable=False)
    stays_4 = models.PositiveIntegerField(default=0, db_default=0, editable=False)
    stays_5 = models.PositiveIntegerField(default=0, db_default=0, editable=False)
    stays_6 = models.PositiveIntegerField(default=0, db_default=0, editable=False)
    stay_seconds_1 = models.BigIntegerField(default=0, db_default=0, editable=False)
    stay_seconds_2 = models.BigIntegerField(default=0, db_default=0, editable=False)
    stay_seconds_3 = models.BigIntegerField(default=0, db_default=0, editable=False)
    stay_seconds_4 = models.BigIntegerField(default=0, db_default=0, editable=False)
    stay_seconds_5 = models.BigIntegerField(default=0, db_default=0, editable=False)
    stay_seconds_6 = models.BigIntegerField(default=0, db_default=0, editable=False)
    history = HistoricalRecords(excluded_fields=["stage_entered_at", *STAY_FIELDS])

    objects = OpportunityQuerySet.as_manager()

    class Meta:
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="lost") | Q(lost_reason__isnull=False),
                name="opportunity_lost_needs_reason",
            ),
        ]
        indexes = [models.Index(fields=["owner", "status"], name="opportunity_owner_status_idx")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("opportunity_detail", args=[self.pk])

    @property
    def weighted_amount(self) -> Decimal:
        return weighted(self.amount, self.stage.win_probability)

    # The status asked by name, in services and templates (which cannot reach Opportunity.Status).
    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def is_lost(self) -> bool:
        return self.status == self.Status.LOST


class ChecklistTick(models.Model):
    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="ticks")
    item = models.ForeignKey(ChecklistItem, on_delete=models.CASCADE, related_name="+")
    ticked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    ticked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("checklist tick")
        verbose_name_plural = _("checklist ticks")
        constraints = [
            models.UniqueConstraint(fields=["opportunity", "item"], name="checklist_tick_once")
        ]

    def __str__(self) -> str:
        return f"{self.opportunity} ✓ {self.item}"


class DealContact(models.Model):
    """A customer contact's role in one deal; one per deal is the primary contact."""

    # The same decision roles as on the customer's contact, here in this one deal.
    Role = Contact.DecisionRole

    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.CASCADE, related_name="deal_contacts"
    )
    contact = models.ForeignKey(
        "customers.Contact", verbose_name=_("contact"), on_delete=models.CASCADE, related_name="+"
    )
    role = models.CharField(_("role in this deal"), max_length=20, choices=Role.choices)
    is_primary = models.BooleanField(_("primary contact"), default=False)

    class Meta:
        verbose_name = _("deal contact")
        verbose_name_plural = _("deal contacts")
        constraints = [
            models.UniqueConstraint(fields=["opportunity", "contact"], name="deal_contact_once"),
            models.UniqueConstraint(
                fields=["opportunity"],
                condition=Q(is_primary=True),
                name="deal_contact_one_primary",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contact} · {self.get_role_display()}"


class DealFollowUp(models.Model):
    """The deal a follow-up was about (at most one): written with the follow-up by
    opportunities.services.deal_followup_log."""

    followup = models.OneToOneField(
        "customers.FollowUp",
        verbose_name=_("follow-up"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="deal_link",
    )
    # Deleting a deal keeps its follow-ups (they are the customer's), only the link goes.
    opportunity = models.ForeignKey(
        Opportunity,
        verbose_name=_("opportunity"),
        on_delete=models.CASCADE,
        related_name="followup_links",
    )

    class Meta:
        verbose_name = _("follow-up about a deal")
        verbose_name_plural = _("follow-ups about deals")

    def __str__(self) -> str:
        return f"{self.opportunity} · {self.followup}"


class StageChange(models.Model):
    """Every move of an opportunity, with time and user, for conversion and cycle metrics."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Created")
        ADVANCED = "advanced", _("Moved up")
        MOVED_BACK = "moved_back", _("Moved back")
        LOST = "lost", pgettext_lazy("deal", "Lost")
        REOPENED = "reopened", _("Reopened")
        COLLECTED = "collected", _("Fully collected")

    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.CASCADE, related_name="stage_changes"
    )
    kind = models.CharField(_("change"), max_length=12, choices=Kind.choices)
    from_level = models.PositiveSmallIntegerField(_("from level"), null=True, blank=True)
    to_level = models.PositiveSmallIntegerField(_("to level"))
    changed_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    objects = StageChangeQuerySet.as_manager()

    class Meta:
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")
        ordering = ["changed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.opportunity}: {self.from_level} → {self.to_level}"
