"""Collection classes and their rules are settings an admin edits in Django admin."""

from decimal import Decimal

import pytest
from django.urls import reverse

from receivables.models import CollectionClass, CollectionClassRule

pytestmark = pytest.mark.django_db


def test_seeded_classes_and_rules(org):
    assert list(
        CollectionClass.objects.values_list("code", "name", "min_rate", "max_rate", "is_default")
    ) == [
        ("A", "核心客户", Decimal("0.9000"), None, False),
        ("B", "潜力客户", Decimal("0.7000"), Decimal("0.8000"), False),
        ("C", "风险客户", None, None, True),
    ]
    assert [
        str(rule) for rule in CollectionClassRule.objects.select_related("collection_class")
    ] == [
        "10: A ≤ 60 → A",
        "20: AB ≤ 90 → B",
    ]


def test_admin_edits_a_class_threshold(client, org):
    client.force_login(org["admin"])
    klass = CollectionClass.objects.get(code="A")
    assert client.get(reverse("admin:receivables_collectionclass_changelist")).status_code == 200
    assert (
        client.get(reverse("admin:receivables_collectionclassrule_changelist")).status_code == 200
    )
    response = client.post(
        reverse("admin:receivables_collectionclass_change", args=[klass.pk]),
        {
            "code": "A",
            "name": "核心客户",
            "name_en": "Core customers",
            "min_rate": "0.95",
            "max_rate": "",
            "description": "",
            "rules-TOTAL_FORMS": "0",
            "rules-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    klass.refresh_from_db()
    assert klass.min_rate == Decimal("0.9500")


def test_a_rule_with_an_unknown_rating_is_refused(client, org):
    client.force_login(org["admin"])
    before = CollectionClassRule.objects.count()
    response = client.post(
        reverse("admin:receivables_collectionclassrule_add"),
        {
            "position": "5",
            "credit_ratings": "AX",
            "collection_class": CollectionClass.objects.get(code="A").pk,
        },
    )
    assert response.status_code == 200
    assert "请使用字母 A、B、C、D，例如 AB。" in response.content.decode()
    assert CollectionClassRule.objects.count() == before


def test_a_second_default_class_is_refused_and_nothing_changes(client, org):
    client.force_login(org["admin"])
    klass = CollectionClass.objects.get(code="B")
    response = client.post(
        reverse("admin:receivables_collectionclass_change", args=[klass.pk]),
        {
            "code": "B",
            "name": "潜力客户",
            "name_en": "Potential customers",
            "min_rate": "0.85",
            "max_rate": "0.80",
            "description": "",
            "is_default": "on",
            "rules-TOTAL_FORMS": "0",
            "rules-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "已有另一个分类是默认分类。" in html
    assert "范围上限不能低于最低回款率。" in html
    klass.refresh_from_db()
    assert (klass.min_rate, klass.is_default) == (Decimal("0.7000"), False)
