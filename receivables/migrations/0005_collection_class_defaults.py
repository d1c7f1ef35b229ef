"""The collection classes of docs/receivables.md (A ≥ 90 %, B 70–80 %, C a special collection
plan) and the rules that put a customer in one from its credit rating and payment terms."""

from decimal import Decimal

from django.db import migrations

CLASSES = [
    # code, name, English name, min rate, max rate, what is done, default
    ("A", "核心客户", "Core customers", Decimal("0.90"), None, "", False),
    ("B", "潜力客户", "Potential customers", Decimal("0.70"), Decimal("0.80"), "", False),
    ("C", "风险客户", "Risk customers", None, None, "专项催收方案", True),
]
RULES = [
    # position, credit ratings, payment terms up to (days), class
    (10, "A", 60, "A"),
    (20, "AB", 90, "B"),
]


def create_defaults(apps, schema_editor):
    CollectionClass = apps.get_model("receivables", "CollectionClass")
    CollectionClassRule = apps.get_model("receivables", "CollectionClassRule")
    for code, name, name_en, min_rate, max_rate, description, default in CLASSES:
        CollectionClass.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "name_en": name_en,
                "min_rate": min_rate,
                "max_rate": max_rate,
                "description": description,
                "is_default": default,
            },
        )
    for position, ratings, max_days, code in RULES:
        CollectionClassRule.objects.get_or_create(
            position=position,
            defaults={
                "credit_ratings": ratings,
                "max_payment_terms_days": max_days,
                "collection_class": CollectionClass.objects.get(code=code),
            },
        )


class Migration(migrations.Migration):
    dependencies = [("receivables", "0004_collection_classes")]
    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
