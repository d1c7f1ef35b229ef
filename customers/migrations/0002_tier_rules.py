"""Default tier rules (docs/customers.md, "Tiers and types") and the single customer-settings row."""

from django.db import migrations

RULES = [
    # tier, follow up every, visit every, strategy
    ("A", 7, 7, "深度绑定+定制方案"),
    ("B", 5, 14, "需求激活+案例引导"),
    ("C", 10, 30, "信息触达+需求挖掘"),
    ("D", 30, None, "定期关怀+交叉销售"),
]


def create_defaults(apps, schema_editor):
    TierRule = apps.get_model("customers", "TierRule")
    for tier, followup, visit, strategy in RULES:
        TierRule.objects.get_or_create(
            tier=tier,
            defaults={
                "followup_interval_days": followup,
                "visit_interval_days": visit,
                "strategy": strategy,
            },
        )
    apps.get_model("customers", "CrmSettings").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("customers", "0001_initial")]
    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
