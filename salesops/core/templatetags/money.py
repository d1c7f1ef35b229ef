"""Money in templates: CNY with thousands separators, whatever the active language."""

from decimal import Decimal, InvalidOperation

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
