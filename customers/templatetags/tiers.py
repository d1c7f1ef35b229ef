"""The tier badge: the letter, named (as a tooltip) from the tier's TierRule row."""

from django import template

from customers.selectors import tier_labels

register = template.Library()


@register.inclusion_tag("customers/_tier_badge.html", takes_context=True)
def tier_badge(context, tier: str) -> dict:
    return {"tier": tier, "title": tier_label_for(context, tier)}


@register.simple_tag(takes_context=True)
def tier_label(context, tier: str) -> str:
    return tier_label_for(context, tier)


def tier_label_for(context, tier: str) -> str:
    # One query per page, not per row: the labels are kept on the request being rendered.
    request = context.get("request")
    labels = getattr(request, "_tier_labels", None)
    if labels is None:
        labels = tier_labels()
        if request is not None:
            request._tier_labels = labels
    return labels.get(tier, tier)
