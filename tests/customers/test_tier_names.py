"""A tier has one name, its TierRule row's (Chinese, or English on English pages), wherever it is
shown: form and filter choices, badges, the detail page, the export, admin and the KPI page."""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from customers.filters import CustomerFilter
from customers.forms import CustomerForm
from customers.models import TierRule
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

CHINESE = [
    ("A", "A · 重点跟进"),
    ("B", "B · 意向培养"),
    ("C", "C · 潜力挖掘"),
    ("D", "D · 长期维护"),
]
ENGLISH = [
    ("A", "A · Key follow-up"),
    ("B", "B · Nurture interest"),
    ("C", "C · Explore potential"),
    ("D", "D · Long-term care"),
]


def test_the_seeded_tier_rules_carry_the_domain_names():
    rules = TierRule.objects.order_by("tier")
    assert [(r.tier, r.name, r.name_en) for r in rules] == [
        ("A", "重点跟进", "Key follow-up"),
        ("B", "意向培养", "Nurture interest"),
        ("C", "潜力挖掘", "Explore potential"),
        ("D", "长期维护", "Long-term care"),
    ]


def test_form_and_filter_offer_the_tiers_by_their_rule_names(org):
    with translation.override("zh-hans"):
        form_choices = list(CustomerForm(can_manage=True).fields["tier"].choices)
        filter_choices = list(CustomerFilter(user=org["manager1"]).form.fields["tier"].choices)
        admin_str = [str(rule) for rule in TierRule.objects.order_by("tier")]
    with translation.override("en"):
        english_choices = list(CustomerForm(can_manage=True).fields["tier"].choices)

    assert form_choices == CHINESE
    assert filter_choices == CHINESE
    assert [label for _tier, label in CHINESE] == admin_str
    assert english_choices == ENGLISH


def test_pages_admin_and_kpis_use_the_same_name(client, org):
    customer = CustomerFactory(name="福州闽江机电有限公司", owner=org["rep1"], tier="A")
    client.force_login(org["rep1"])

    listing = client.get(reverse("customer_list")).content.decode()
    detail = client.get(customer.get_absolute_url()).content.decode()
    client.force_login(org["admin"])
    admin_list = client.get(reverse("admin:customers_customer_changelist")).content.decode()

    assert '<span class="badge tier-a" title="A · 重点跟进">A</span>' in listing
    assert '<p class="mb-1 fw-semibold" data-testid="tier-name">A · 重点跟进</p>' in detail
    assert '<td class="field-tier_name">A · 重点跟进</td>' in admin_list


def test_renaming_a_tier_rule_renames_the_tier_everywhere(client, org):
    # Given an admin renamed tier A
    TierRule.objects.filter(tier="A").update(name="核心客户", name_en="Core account")
    customer = CustomerFactory(name="福州闽江机电有限公司", owner=org["rep1"], tier="A")
    client.force_login(org["rep1"])

    # When the rep looks at the customer, in Chinese then in English
    chinese = client.get(customer.get_absolute_url()).content.decode()
    listing = client.get(reverse("customer_list")).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(customer.get_absolute_url()).content.decode()

    # Then the new name is shown, and the old one nowhere
    assert 'data-testid="tier-name">A · 核心客户</p>' in chinese
    assert 'title="A · 核心客户"' in listing
    assert 'data-testid="tier-name">A · Core account</p>' in english
    assert "重点跟进" not in chinese + listing
    assert "Key follow-up" not in english
