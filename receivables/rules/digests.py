"""The escalation digest's words: one notice per recipient, grouped by customer. Pure: the
caller passes the ladder levels and the money formatter."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext


@dataclass
class DigestItem:
    number: str
    days: int
    balance: Decimal
    level_id: int


@dataclass
class DigestCustomer:
    name: str
    owner: str
    held: bool = False
    items: list[DigestItem] = field(default_factory=list)


def digest_title(*, count: int, as_of: date, for_manager: bool) -> str:
    if for_manager:
        text = ngettext(
            "Your team's overdue ladder on %(date)s: %(count)s customer",
            "Your team's overdue ladder on %(date)s: %(count)s customers",
            count,
        )
    else:
        text = ngettext(
            "Overdue ladder on %(date)s: %(count)s customer",
            "Overdue ladder on %(date)s: %(count)s customers",
            count,
        )
    return text % {"date": as_of.isoformat(), "count": count}


def digest_body(
    customers: list[DigestCustomer],
    *,
    levels: dict,
    money: Callable[[Decimal], str],
    more: int = 0,
    for_manager: bool,
) -> str:
    """The digest text, grouped by customer; called in the recipient's language. `more` items
    were not listed (the collection list has them all)."""
    lines = []
    for customer in customers:
        header = customer.name
        if for_manager and customer.owner:
            header += _(" (owner: %(owner)s)") % {"owner": customer.owner}
        if customer.held:
            header += " — " + _("put on credit hold (stop supply)")
        lines.append(header)
        for item in customer.items:
            level = levels[item.level_id]
            parts = [
                item.number,
                _("%(days)s days overdue") % {"days": item.days},
                money(item.balance),
                f"{level.display_name}: {level.action}",
            ]
            if level.letter:
                parts.append(_("letter: %(letter)s") % {"letter": level.get_letter_display()})
            if level.creates_task:
                parts.append(_("task for the owner"))
            lines.append("- " + " · ".join(parts))
        lines.append("")
    if more:
        lines.append(
            ngettext(
                "…and %(count)s more item, the most overdue are listed above; the collection "
                "list shows them all.",
                "…and %(count)s more items, the most overdue are listed above; the collection "
                "list shows them all.",
                more,
            )
            % {"count": more}
        )
    return "\n".join(lines).strip()
