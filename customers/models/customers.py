"""Customers (客户), their groups, contacts (联系人), follow-ups (跟进记录), ownership events."""

from datetime import date
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

from customers.models.tiers import MONEY, CreditRating, RadType, Tier
from customers.querysets import (
    ContactQuerySet,
    CustomerQuerySet,
    FollowUpQuerySet,
    OwnershipEventQuerySet,
)


class CustomerGroup(models.Model):
    """集团/关联客户: related companies, jointly liable for overdue debts (连坐)."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    note = models.TextField(_("note"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("customer group")
        verbose_name_plural = _("customer groups")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Customer(models.Model):
    class Status(models.TextChoices):
        PROSPECT = "prospect", _("Prospect")
        ACTIVE = "active", pgettext_lazy("customer status", "Active")
        DORMANT = "dormant", _("Dormant")
        LOST = "lost", pgettext_lazy("customer status", "Lost")

    class Source(models.TextChoices):
        REFERRAL = "referral", _("Referral")
        EXHIBITION = "exhibition", _("Exhibition")
        WEBSITE = "website", _("Website")
        COLD_CALL = "cold_call", _("Cold call")
        PARTNER = "partner", _("Partner")
        TENDER = "tender", _("Tender")
        OTHER = "other", _("Other")

    name = models.CharField(_("full legal name"), max_length=200, unique=True)
    credit_code = models.CharField(
        _("unified social credit code"), max_length=18, unique=True, null=True, blank=True
    )
    legal_rep = models.CharField(_("legal representative"), max_length=50, blank=True)
    address = models.CharField(_("registered address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    industry = models.CharField(_("industry"), max_length=100, blank=True)
    region = models.ForeignKey(
        "core.Region",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="customers",
        null=True,
        blank=True,
    )
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PROSPECT
    )
    initial_need = models.TextField(_("initial need"), blank=True)
    deal_potential = models.DecimalField(
        _("deal potential (CNY)"), **MONEY, null=True, blank=True, validators=[MinValueValidator(0)]
    )

    # Exactly one owner (主责任人) unless the customer sits in the pool (公海), then none.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="owned_customers",
        null=True,
        blank=True,
    )
    owner_since = models.DateTimeField(_("owner since"), null=True, blank=True)
    pool_since = models.DateTimeField(_("in the pool since"), null=True, blank=True)
    pool_team = models.ForeignKey(
        "accounts.Team",
        verbose_name=_("pool of team"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="pool_customers",
    )

    tier = models.CharField(_("value tier"), max_length=1, choices=Tier.choices, default=Tier.C)
    tier_locked = models.BooleanField(_("tier locked"), default=False)
    tier_lock_reason = models.CharField(_("why the tier is locked"), max_length=200, blank=True)
    buying_power = models.DecimalField(
        _("annual buying power (CNY)"),
        **MONEY,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    # Our revenue with the customer over the trailing 12 months; kept by the orders side.
    trailing_revenue = models.DecimalField(
        _("trailing 12-month revenue (CNY)"), **MONEY, default=Decimal("0")
    )
    rad_type = models.CharField(
        _("RAD type"), max_length=1, choices=RadType.choices, default=RadType.DEVELOPMENT
    )
    credit_rating = models.CharField(
        _("credit rating"), max_length=1, choices=CreditRating.choices, default=CreditRating.B
    )
    credit_limit = models.DecimalField(
        _("credit limit (CNY)"), **MONEY, default=Decimal("0"), validators=[MinValueValidator(0)]
    )
    payment_terms_days = models.PositiveSmallIntegerField(
        _("payment terms (days)"), default=30, validators=[MaxValueValidator(720)]
    )
    group = models.ForeignKey(
        CustomerGroup,
        verbose_name=_("customer group"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
    )
    is_key_account = models.BooleanField(_("key account"), default=False)
    # 双线跟进: beside the owner, a finance specialist follows the top-10 key accounts' money
    # (docs/customers.md, "Key accounts"). A user of the finance role.
    finance_specialist = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("finance specialist"),
        on_delete=models.SET_NULL,
        related_name="finance_accounts",
        null=True,
        blank=True,
        limit_choices_to={"groups__name": "finance", "is_active": True},
        help_text=_("The finance colleague who follows this key account with its owner."),
    )
    # 停止供货: set by the escalation ladder, lifted only by a manager with a reason.
    credit_hold = models.BooleanField(_("credit hold"), default=False)
    credit_hold_since = models.DateTimeField(_("on hold since"), null=True, blank=True)
    credit_hold_reason = models.CharField(_("why on hold"), max_length=300, blank=True)

    # Cadence, kept by the follow-up services so lists filter and sort on indexed columns.
    last_followup_at = models.DateTimeField(_("last follow-up"), null=True, blank=True)
    next_followup_due = models.DateField(_("next follow-up due"), null=True, blank=True)
    # On-site visits (面谈拜访) have their own cadence (the tier's visit interval); empty when
    # the tier has none.
    last_visit_at = models.DateTimeField(_("last on-site visit"), null=True, blank=True)
    next_visit_due = models.DateField(_("next visit due"), null=True, blank=True)

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = CustomerQuerySet.as_manager()

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["name"]
        constraints = [
            # Owned xor pooled: never both, never neither.
            models.CheckConstraint(
                condition=Q(owner__isnull=False, pool_since__isnull=True)
                | Q(owner__isnull=True, pool_since__isnull=False),
                name="customer_owned_xor_pooled",
            ),
            models.CheckConstraint(
                condition=~Q(tier_locked=True, tier_lock_reason=""),
                name="customer_tier_lock_needs_reason",
            ),
        ]
        indexes = [
            # The list's default order (due date, name, pk), whole book and per owner: a deep
            # page reads the keys it skips from the index instead of sorting the book.
            models.Index(fields=["next_followup_due", "name", "id"], name="customer_due_name_idx"),
            models.Index(
                fields=["owner", "next_followup_due", "name", "id"], name="customer_owner_due_idx"
            ),
            models.Index(fields=["owner", "next_visit_due"], name="customer_owner_visit_due_idx"),
            models.Index(fields=["tier"], name="customer_tier_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("customer_detail", args=[self.pk])

    @property
    def share_of_wallet(self) -> Decimal | None:
        if not self.buying_power:
            return None
        return self.trailing_revenue / self.buying_power

    def is_overdue(self, today: date) -> bool:
        return self.next_followup_due is not None and self.next_followup_due < today

    def is_visit_overdue(self, today: date) -> bool:
        return self.next_visit_due is not None and self.next_visit_due < today


class Contact(models.Model):
    class DecisionRole(models.TextChoices):
        DECISION_MAKER = "decision_maker", _("Decision maker")
        POLICY_MAKER = "policy_maker", _("Policy maker")
        INFLUENCER = "influencer", _("Influencer")
        END_USER = "end_user", _("End user")
        PURCHASER = "purchaser", _("Purchaser")

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(_("name"), max_length=50)
    title = models.CharField(_("job title"), max_length=100, blank=True)
    mobile = models.CharField(_("mobile"), max_length=30, blank=True)
    phone = models.CharField(_("office phone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    wechat = models.CharField(_("WeChat"), max_length=50, blank=True)
    decision_role = models.CharField(
        _("decision role"), max_length=20, choices=DecisionRole.choices, blank=True
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    objects = ContactQuerySet.as_manager()

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["customer", "name"]

    def __str__(self) -> str:
        return f"{self.name}（{self.title}）" if self.title else self.name


class FollowUp(models.Model):
    """跟进记录: one contact with a customer (a visit, call, message)."""

    class Channel(models.TextChoices):
        PHONE = "phone", _("Phone")
        VISIT = "visit", _("On-site visit")
        EMAIL = "email", _("Email")
        WECHAT = "wechat", _("WeChat")
        OTHER = "other", _("Other")

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="followups"
    )
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("contact person"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="followups",
    )
    occurred_at = models.DateTimeField(_("when it happened"))
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    content = models.TextField(_("what was discussed"))
    feedback = models.TextField(_("customer feedback"), blank=True)
    next_step = models.CharField(_("next step"), max_length=300, blank=True)
    next_step_due = models.DateField(_("next step due"), null=True, blank=True)
    next_step_done_at = models.DateTimeField(_("next step done"), null=True, blank=True)
    risk_note = models.CharField(_("risk"), max_length=300, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("logged by"),
        on_delete=models.PROTECT,
        related_name="followups",
    )
    logged_at = models.DateTimeField(_("logged at"))
    # Logged more than the allowed hours after it happened (24 h by default): accepted, flagged.
    is_late = models.BooleanField(_("logged late"), default=False)
    history = HistoricalRecords()

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["-occurred_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(next_step_due__isnull=True) | ~Q(next_step=""),
                name="followup_due_date_needs_next_step",
            ),
        ]
        indexes = [
            models.Index(fields=["customer", "-occurred_at"], name="followup_customer_time_idx"),
            models.Index(fields=["author", "next_step_due"], name="followup_author_due_idx"),
            # The due page's open next steps (13k of 1M follow-ups at S=1): per customer in a
            # manager's scope a probe into this small index, not into all its follow-ups.
            models.Index(
                fields=["customer", "next_step_due"],
                condition=Q(next_step_due__isnull=False, next_step_done_at__isnull=True),
                name="followup_open_step_due_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.customer} · {self.get_channel_display()} · {self.occurred_at:%Y-%m-%d}"


class OwnershipEvent(models.Model):
    """Every change of a customer's owner: assignment, reassignment, release to pool, claim."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Created with owner")
        REASSIGNED = "reassigned", _("Reassigned")
        RELEASED = "released", _("Released to the pool")
        CLAIMED = "claimed", _("Claimed from the pool")
        ASSIGNED = "assigned", _("Assigned from the pool")
        POOL_WARNING = "pool_warning", _("Warned before release")

    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="ownership_events",
    )
    kind = models.CharField(_("event"), max_length=20, choices=Kind.choices)
    from_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=pgettext_lazy("ownership", "from"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    to_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=pgettext_lazy("ownership", "to"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.CharField(_("reason"), max_length=300)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty when a scheduled job did it."),
    )
    # Jobs set a key such as "release:2026-11-23" so a rerun of the same day writes nothing.
    job_key = models.CharField(max_length=100, blank=True)
    # Set by the services from their `now`, so windows such as the claim cap use one clock.
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    objects = OwnershipEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("ownership event")
        verbose_name_plural = _("ownership events")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "kind", "job_key"],
                condition=~Q(job_key=""),
                name="ownership_event_once_per_job_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.customer} · {self.get_kind_display()}"
