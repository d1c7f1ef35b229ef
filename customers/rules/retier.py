"""Pure rules of the quarterly re-tiering (动态分级): the quarter of a day, the ABC(D) tier from a
customer's place in the revenue ranking, and the words of a change and of the owners' digest.

The job decides tiers in SQL for the whole book at once (customers/services/tiers.py); `abc_tier`
is the same rule for one customer, the reference the tests and the "why" text use.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

# Shares and shares of wallet have four decimals (the settings' fields); the SQL compares them
# as whole ten-thousandths so that no boundary depends on float rounding.
SHARE_UNITS = 10_000


def quarter_of(day: date) -> str:
    """2027-02-15 -> "2027Q1"."""
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def revenue_day(as_of: date) -> date:
    """The last day of revenue a run for `as_of` ranks on: the day before. Beat runs the job on
    the first day of a quarter, so it ranks the 12 months that ended with the last quarter."""
    return as_of - timedelta(days=1)


def share_units(share: Decimal) -> int:
    """0.8 -> 8000 (ten-thousandths; the settings hold four decimals)."""
    return int(share * SHARE_UNITS)


def abc_tier(*, revenue: Decimal, before: Decimal, total: Decimal, a_share, b_share) -> str:
    """The tier of a customer whose trailing revenue is `revenue`, when the customers ranked
    before it (revenue descending, then id) make `before` of the book's `total`.

    Standard ABC: A while the revenue ranked before it is under the A share of the total, so the
    customer whose revenue takes the cumulative share over 80% is still A, and the one after a
    cumulative share of exactly 80% is B; B likewise up to A + B shares (95%); C the rest with
    revenue; D no revenue."""
    if revenue <= 0:
        return "D"
    if before * SHARE_UNITS < share_units(a_share) * total:
        return "A"
    if before * SHARE_UNITS < share_units(a_share + b_share) * total:
        return "B"
    return "C"


def percent(share: Decimal | None) -> str:
    return "—" if share is None else f"{share * 100:.1f}%"


@dataclass(frozen=True)
class ChangeFigures:
    """What a tier change records, and the settings of the run that decided it."""

    from_tier: str
    to_tier: str
    from_rad: str
    to_rad: str
    revenue: Decimal
    share_before: Decimal | None
    buying_power: Decimal | None
    tier_locked: bool
    a_share: Decimal
    b_share: Decimal
    retention_sow: Decimal
    acquisition_sow: Decimal
    acquisition_bp: Decimal
    revenue_on: date


def tier_reason(figures: ChangeFigures, *, money: Callable[[Decimal], str]) -> str:
    """Why the run gave this tier: "trailing revenue ¥1,234.00, customers ranked before it make
    78.4% of revenue (under 80%): A"."""
    f = figures
    if f.tier_locked:
        return _("tier locked: kept %(tier)s") % {"tier": f.to_tier}
    if f.revenue <= 0:
        return _("no revenue in the 12 months to %(day)s: D") % {"day": f.revenue_on.isoformat()}
    params = {
        "revenue": money(f.revenue),
        "share": percent(f.share_before),
        "a": percent(f.a_share),
        "ab": percent(f.a_share + f.b_share),
        "tier": f.to_tier,
    }
    if f.to_tier == "A":
        text = _(
            "trailing revenue %(revenue)s, customers ranked before it make %(share)s of revenue "
            "(under %(a)s): %(tier)s"
        )
    elif f.to_tier == "B":
        text = _(
            "trailing revenue %(revenue)s, customers ranked before it make %(share)s of revenue "
            "(%(a)s or more, under %(ab)s): %(tier)s"
        )
    else:
        text = _(
            "trailing revenue %(revenue)s, customers ranked before it make %(share)s of revenue "
            "(%(ab)s or more): %(tier)s"
        )
    return text % params


def rad_reason(figures: ChangeFigures, *, money: Callable[[Decimal], str]) -> str:
    """Why the run gave this RAD type: the share of wallet against the thresholds."""
    f = figures
    if not f.buying_power:
        return _("no buying power entered: %(rad)s") % {"rad": f.to_rad}
    sow = f.revenue / f.buying_power
    params = {
        "sow": percent(sow),
        "r": percent(f.retention_sow),
        "a": percent(f.acquisition_sow),
        "bp": money(f.buying_power),
        "min_bp": money(f.acquisition_bp),
        "rad": f.to_rad,
    }
    if f.to_rad == "R":
        return _("share of wallet %(sow)s (%(r)s or more): %(rad)s") % params
    if f.to_rad == "A":
        return (
            _(
                "share of wallet %(sow)s (under %(a)s), buying power %(bp)s "
                "(%(min_bp)s or more): %(rad)s"
            )
            % params
        )
    return _("share of wallet %(sow)s, buying power %(bp)s: %(rad)s") % params


@dataclass(frozen=True)
class DigestLine:
    name: str
    from_tier: str
    to_tier: str
    from_rad: str
    to_rad: str


def digest_title(*, quarter: str, count: int) -> str:
    return ngettext(
        "Re-tiering %(quarter)s: %(count)s of your customers changed",
        "Re-tiering %(quarter)s: %(count)s of your customers changed",
        count,
    ) % {"quarter": quarter, "count": count}


def digest_body(lines: list[DigestLine], *, more: int) -> str:
    """One line per customer: tier and RAD from → to (only what changed); `more` not listed."""
    text = []
    for line in lines:
        parts = []
        if line.from_tier != line.to_tier:
            parts.append(_("tier %(from)s → %(to)s") % {"from": line.from_tier, "to": line.to_tier})
        if line.from_rad != line.to_rad:
            parts.append(_("RAD %(from)s → %(to)s") % {"from": line.from_rad, "to": line.to_rad})
        text.append(f"- {line.name}: " + " · ".join(parts))
    if more:
        text.append(
            ngettext(
                "…and %(count)s more customer; the customer list shows every tier.",
                "…and %(count)s more customers; the customer list shows every tier.",
                more,
            )
            % {"count": more}
        )
    return "\n".join(text)
