"""Money in templates: CNY with thousands separators, whatever the active language."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template

register = template.Library()


@register.filter
def yuan(value, places: int = 2) -> str:
    """1234567.8 -> "¥1,234,567.80"; with places=0 -> "¥1,234,568"; None/blank -> "—"."""
    if value in (None, ""):
        return "—"
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    return f"¥{number:,.{int(places)}f}"


@register.filter
def percent(value, places: int = 1) -> str:
    """A rate as a percentage: 0.0750 -> "7.5%", 2.64 -> "264.0%"; None/blank -> "—"."""
    if value in (None, ""):
        return "—"
    try:
        number = (Decimal(str(value)) * 100).quantize(
            Decimal(1).scaleb(-int(places)), ROUND_HALF_UP
        )
    except InvalidOperation:
        return str(value)
    return f"{number:,}%"
