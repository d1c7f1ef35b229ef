"""Customer and contact writes: create, update, reassign, tier rules. Every path (views, admin,
import, jobs) goes through these so the same rules and the same history apply."""

from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customers import querysets
from customers.models import Contact, CrmSettings, Customer, OwnershipEvent, TierRule
from customers.rules import cadence, credit_code
from customers.selectors import assignable_owners
from customers.services.tiers import tier_change_record
from customers.signals import customer_owner_changed
from salesops.accounts.access import can_manage, can_write, role_of
from salesops.accounts.models import User
from salesops.accounts.roles import Role
from salesops.core.errors import NotPermitted, ServiceError
from salesops.core.events import announce

# The master data the services take, in the customer form's order (the form lists these).
CUSTOMER_FIELDS = (
    "name",
    "credit_code",
    "legal_rep",
    "address",
    "phone",
    "industry",
    "region",
    "source",
    "status",
    "tier",
    "initial_need",
    "deal_potential",
    "buying_power",
    "credit_rating",
    "credit_limit",
    "payment_terms_days",
    "group",
    "is_key_account",
    "finance_specialist",
)
# Only managers and admins change these: they steer resources and credit. The customer form
# disables them for reps, and the import refuses them, from this one list.
MANAGER_FIELDS = frozenset(
    {
        "tier_locked",
        "tier_lock_reason",
        "credit_rating",
        "credit_limit",
        "payment_terms_days",
        "is_key_account",
        "finance_specialist",
        "group",
    }
)


def refuse_manager_fields(actor, fields: set[str]) -> None:
    """NotPermitted when `fields` (manager-only fields being set) is not empty and the actor
    is no manager: one message for the create, update and import paths."""
    if fields and not can_manage(actor):
        raise NotPermitted(
            _("Only a manager may change: %(fields)s.") % {"fields": ", ".join(sorted(fields))}
        )


def _shown(char: str) -> str:
    """A character as a user can read it in a message: invisible ones by code point."""
    return char if char.isprintable() and not char.isspace() else f"U+{ord(char):04X}"


def credit_code_message(error: credit_code.CreditCodeError) -> str:
    if error.code == "length":
        return _("A credit code has 18 characters; this one has %(found)s.") % {
            "found": error.found
        }
    found = _shown(error.found) if error.found else ""
    if error.code == "digit" and error.position is not None and error.position <= 2:
        return _(
            "Character %(position)s, '%(found)s', must be a digit: the first two characters "
            "are the registering authority and the entity type."
        ) % {"position": error.position, "found": found}
    if error.code == "digit":
        return _(
            "Character %(position)s, '%(found)s', must be a digit: characters 3 to 8 are the "
            "administrative division code."
        ) % {"position": error.position, "found": found}
    if error.code == "format":
        return _("This is not a valid unified social credit code.")
    if error.code == "character":
        return _(
            "Character %(position)s, '%(found)s', is not allowed in a credit code "
            "(digits and capital letters except I, O, S, V, Z)."
        ) % {"position": error.position, "found": found}
    return _(
        "The check digit (18th character) should be '%(expected)s' but is '%(found)s': "
        "a character was probably mistyped."
    ) % {"expected": error.expected, "found": found}


def clean_credit_code(raw: str | None) -> str | None:
    """Normalized code, None for blank; ServiceError naming the bad character or check digit."""
    if raw is None or not raw.strip():
        return None
    code = credit_code.normalize(raw)
    error = credit_code.validate(code)
    if error:
        raise ServiceError(credit_code_message(error), field="credit_code")
    return code


def _require_write(actor) -> None:
    if not can_write(actor):
        raise NotPermitted(_("Your role may not change customers."))


def _check_owner(actor, owner) -> None:
    if owner is None or not assignable_owners(actor).filter(pk=owner.pk).exists():
        raise ServiceError(_("You cannot make this user the owner."), field="owner")


def refresh_cadence(customer: Customer, *, rule: TierRule | None = None) -> None:
    """Recompute next_followup_due (last contact of any channel + the tier's follow-up
    interval) and next_visit_due (last on-site visit + the visit interval, none when the tier
    has no visits) in memory; the caller saves. querysets.due_expression is the same rule in
    SQL."""
    rule = rule or TierRule.objects.get(tier=customer.tier)
    start = timezone.localdate(customer.owner_since or timezone.now())
    last = timezone.localdate(customer.last_followup_at) if customer.last_followup_at else None
    customer.next_followup_due = cadence.next_followup_due(
        last_contact=last, start=start, interval_days=rule.followup_interval_days
    )
    visited = timezone.localdate(customer.last_visit_at) if customer.last_visit_at else None
    customer.next_visit_due = cadence.next_visit_due(
        last_visit=visited, start=start, interval_days=rule.visit_interval_days
    )


def refresh_rad_type(customer: Customer, *, crm: CrmSettings | None = None) -> None:
    crm = crm or CrmSettings.load()
    customer.rad_type = cadence.rad_type_for(
        buying_power=customer.buying_power,
        trailing_revenue=customer.trailing_revenue,
        retention_sow=crm.rad_retention_sow,
        acquisition_sow=crm.rad_acquisition_sow,
        acquisition_bp=crm.rad_acquisition_bp,
    )


def _check_finance_specialist(customer: Customer) -> None:
    """The finance specialist of a key account (双线跟进) is an active user of the finance role."""
    specialist = customer.finance_specialist
    if specialist is not None and role_of(specialist) is not Role.FINANCE:
        raise ServiceError(
            _("%(user)s is not in finance; choose a finance colleague as the finance specialist.")
            % {"user": specialist},
            field="finance_specialist",
        )


def _validate(customer: Customer) -> None:
    _check_finance_specialist(customer)
    try:
        customer.full_clean(exclude=["owner", "pool_team"])
    except ValidationError as exc:
        raise ServiceError.for_fields(exc.message_dict) from exc


@transaction.atomic
def customer_create(
    *, actor, owner: User | None = None, now: datetime | None = None, **fields: Any
) -> Customer:
    """Create a customer owned by `owner` (default: the actor) and record who created it."""
    _require_write(actor)
    unknown = set(fields) - set(CUSTOMER_FIELDS) - MANAGER_FIELDS
    if unknown:
        raise TypeError(f"unknown customer fields: {sorted(unknown)}")
    refuse_manager_fields(actor, MANAGER_FIELDS & set(fields))
    now = now or timezone.now()
    owner = owner or actor
    _check_owner(actor, owner)
    fields["credit_code"] = clean_credit_code(fields.get("credit_code"))
    fields.setdefault("tier", CrmSettings.load().default_tier)
    customer = Customer(owner=owner, owner_since=now, **fields)
    refresh_rad_type(customer)
    refresh_cadence(customer)
    _validate(customer)
    customer.save()
    OwnershipEvent.objects.create(
        customer=customer,
        kind=OwnershipEvent.Kind.CREATED,
        to_owner=owner,
        actor=actor,
        reason=_("Created"),
        created_at=now,
    )
    return customer


@transaction.atomic
def customer_update(*, actor, customer: Customer, **fields: Any) -> Customer:
    """Change master data; tier and buying power changes recompute cadence and RAD type."""
    _require_write(actor)
    unknown = set(fields) - set(CUSTOMER_FIELDS) - MANAGER_FIELDS
    if unknown:
        raise TypeError(f"unknown customer fields: {sorted(unknown)}")
    refuse_manager_fields(
        actor, {f for f in MANAGER_FIELDS & set(fields) if getattr(customer, f) != fields[f]}
    )
    if "credit_code" in fields:
        fields["credit_code"] = clean_credit_code(fields["credit_code"])
    if fields.get("tier_locked") is False:
        fields["tier_lock_reason"] = ""
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    before = Customer(tier=customer.tier, rad_type=customer.rad_type)
    if (
        fields.get("tier", customer.tier) != customer.tier
        and customer.tier_locked
        and fields.get("tier_locked") is not False
    ):
        raise ServiceError(
            _("The tier is locked: %(reason)s") % {"reason": customer.tier_lock_reason},
            field="tier",
        )
    for field, value in fields.items():
        setattr(customer, field, value)
    refresh_rad_type(customer)
    refresh_cadence(customer)
    _validate(customer)
    customer.save()
    tier_change_record(customer=customer, before=before, actor=actor)
    return customer


@transaction.atomic
def customer_reassign(
    *, actor, customer: Customer, new_owner: User, reason: str, now: datetime | None = None
) -> Customer:
    """A manager hands a customer to another rep; the change is an OwnershipEvent."""
    if not can_manage(actor):
        raise NotPermitted(_("Only a manager may reassign customers."))
    if not reason.strip():
        raise ServiceError(_("Say why the customer changes hands."), field="reason")
    _check_owner(actor, new_owner)
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if customer.owner_id == new_owner.pk:
        raise ServiceError(
            _("%(user)s already owns this customer.") % {"user": new_owner}, field="owner"
        )
    previous = customer.owner
    kind = OwnershipEvent.Kind.REASSIGNED if previous else OwnershipEvent.Kind.ASSIGNED
    now = now or timezone.now()
    customer.owner, customer.owner_since = new_owner, now
    customer.pool_since = customer.pool_team = None
    refresh_cadence(customer)
    customer.save()
    OwnershipEvent.objects.create(
        customer=customer,
        kind=kind,
        from_owner=previous,
        to_owner=new_owner,
        actor=actor,
        reason=reason.strip(),
        created_at=now,
    )
    announce_owner_changed(
        customer=customer, from_owner=previous, to_owner=new_owner, actor=actor, reason=reason
    )
    return customer


def announce_owner_changed(*, customer: Customer, from_owner, to_owner, actor, reason) -> None:
    """Every service that changes a customer's owner calls this (the apps above react on commit:
    the open deals follow the customer)."""
    announce(
        customer_owner_changed,
        sender=Customer,
        customer=customer,
        from_owner=from_owner,
        to_owner=to_owner,
        actor=actor,
        reason=str(reason).strip(),
    )


@transaction.atomic
def tier_rule_update(*, rule: TierRule, today: date | None = None) -> int:
    """Save an edited tier rule and move every customer of that tier onto the new follow-up
    and visit cadence, in one UPDATE. Returns how many customers were updated."""
    rule.full_clean()
    rule.save()
    today = today or timezone.localdate()
    return Customer.objects.filter(tier=rule.tier).update(
        next_followup_due=querysets.due_expression(
            last_field="last_followup_at", interval_days=rule.followup_interval_days, today=today
        ),
        next_visit_due=querysets.due_expression(
            last_field="last_visit_at", interval_days=rule.visit_interval_days, today=today
        ),
    )


# In the contact form's order (the form lists these).
CONTACT_FIELDS = ("name", "title", "decision_role", "mobile", "phone", "email", "wechat", "note")


@transaction.atomic
def contact_save(
    *, actor, customer: Customer, contact: Contact | None = None, **fields: Any
) -> Contact:
    """Create (contact=None) or update a contact of `customer`."""
    _require_write(actor)
    unknown = set(fields) - set(CONTACT_FIELDS)
    if unknown:
        raise TypeError(f"unknown contact fields: {sorted(unknown)}")
    contact = contact or Contact(customer=customer)
    if contact.customer_id != customer.pk:
        raise ServiceError(_("This contact belongs to another customer."))
    for field, value in fields.items():
        setattr(contact, field, value)
    contact.full_clean()
    contact.save()
    return contact
