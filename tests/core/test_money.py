"""The yuan template filter."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils.translation import override

from salesops.core.templatetags.money import yuan


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        (Decimal("1234567.8"), 2, "¥1,234,567.80"),
        (Decimal("1234567.8"), 0, "¥1,234,568"),
        (0, 2, "¥0.00"),
        (Decimal("-1500"), 2, "¥-1,500.00"),
        (None, 2, "—"),
        ("", 2, "—"),
    ],
)
def test_yuan(value, places, expected):
    assert yuan(value, places) == expected


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_yuan_groups_thousands_in_every_language(language):
    with override(language):
        html = Template("{% load money %}{{ v|yuan }}").render(Context({"v": Decimal("4169000")}))
    assert html == "¥4,169,000.00"
