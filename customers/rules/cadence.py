"""Pure rules of follow-up and visit cadence, late logging, the pool clock, RAD types. No ORM."""

from datetime import date, datetime, timedelta
from decimal import Decimal


def next_followup_due(*, last_contact: date | None, start: date, interval_days: int) -> date:
    """Due one tier interval after the later of the last contact and `start` (when the current
    owner got the customer): a customer just claimed or reassigned is not overdue on day one
    because of a contact that lapsed under its previous owner."""
    base = max(last_contact, start) if last_contact else start
    return base + timedelta(days=interval_days)


def next_visit_due(
    *, last_visit: date | None, start: date, interval_days: int | None
) -> date | None:
    """Due one visit interval after the later of the last on-site visit (面谈拜访) and `start`;
    None when the tier has no regular visits (D by default). Calls and messages do not count:
    a tier-A customer phoned daily but not visited for a month is overdue for a visit."""
    if interval_days is None:
        return None
    return next_followup_due(last_contact=last_visit, start=start, interval_days=interval_days)


def is_logged_late(*, occurred_at: datetime, logged_at: datetime, allowed_hours: int) -> bool:
    return logged_at - occurred_at > timedelta(hours=allowed_hours)


def idle_days(*, last_contact: date | None, owner_since: date, as_of: date) -> int:
    """Days the current owner has let the customer rest: since the later of the last contact and
    the day they got the customer."""
    since = max(last_contact, owner_since) if last_contact else owner_since
    return (as_of - since).days


def rad_type_for(
    *,
    buying_power: Decimal | None,
    trailing_revenue: Decimal,
    retention_sow: Decimal,
    acquisition_sow: Decimal,
    acquisition_bp: Decimal,
) -> str:
    """R when our share of the customer's wallet is high; A when it is low on a big wallet;
    D otherwise (including an unknown buying power)."""
    if not buying_power:
        return "D"
    sow = trailing_revenue / buying_power
    if sow >= retention_sow:
        return "R"
    if sow < acquisition_sow and buying_power >= acquisition_bp:
        return "A"
    return "D"


def week_end(day: date) -> date:
    """The Sunday closing `day`'s week (Chinese calendars start weeks on Monday)."""
    return day + timedelta(days=6 - day.weekday())
