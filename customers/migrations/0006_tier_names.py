"""Tier rules get a name in Chinese and English (docs/customers.md, "Tiers and types"): the one
name of a tier everywhere; the tier choices keep only the letters."""

from django.db import migrations, models

TIER_NAMES = {
    "A": ("重点跟进", "Key follow-up"),
    "B": ("意向培养", "Nurture interest"),
    "C": ("潜力挖掘", "Explore potential"),
    "D": ("长期维护", "Long-term care"),
}


def name_tiers(apps, schema_editor):
    """Fill only what is empty, so names an admin has edited stay (also rerun by tests)."""
    TierRule = apps.get_model("customers", "TierRule")
    for tier, (name, name_en) in TIER_NAMES.items():
        TierRule.objects.filter(tier=tier, name="").update(name=name)
        TierRule.objects.filter(tier=tier, name_en="").update(name_en=name_en)


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0005_visit_cadence"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicaltierrule",
            name="name",
            field=models.CharField(
                default="", help_text="For example 重点跟进.", max_length=30, verbose_name="name"
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="historicaltierrule",
            name="name_en",
            field=models.CharField(
                blank=True,
                help_text="Shown when the interface is in English; empty: the Chinese name is shown.",
                max_length=100,
                verbose_name="English name",
            ),
        ),
        migrations.AddField(
            model_name="tierrule",
            name="name",
            field=models.CharField(
                default="", help_text="For example 重点跟进.", max_length=30, verbose_name="name"
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="tierrule",
            name="name_en",
            field=models.CharField(
                blank=True,
                help_text="Shown when the interface is in English; empty: the Chinese name is shown.",
                max_length=100,
                verbose_name="English name",
            ),
        ),
        migrations.AlterField(
            model_name="crmsettings",
            name="default_tier",
            field=models.CharField(
                choices=[("A", "A"), ("B", "B"), ("C", "C"), ("D", "D")],
                default="C",
                max_length=1,
                verbose_name="default tier",
            ),
        ),
        migrations.AlterField(
            model_name="customer",
            name="tier",
            field=models.CharField(
                choices=[("A", "A"), ("B", "B"), ("C", "C"), ("D", "D")],
                default="C",
                max_length=1,
                verbose_name="value tier",
            ),
        ),
        migrations.AlterField(
            model_name="historicalcrmsettings",
            name="default_tier",
            field=models.CharField(
                choices=[("A", "A"), ("B", "B"), ("C", "C"), ("D", "D")],
                default="C",
                max_length=1,
                verbose_name="default tier",
            ),
        ),
        migrations.AlterField(
            model_name="historicalcustomer",
            name="tier",
            field=models.CharField(
                choices=[("A", "A"), ("B", "B"), ("C", "C"), ("D", "D")],
                default="C",
                max_length=1,
                verbose_name="value tier",
            ),
        ),
        migrations.AlterField(
            model_name="historicaltierrule",
            name="tier",
            field=models.CharField(
                choices=[("A", "A"), ("B", "B"), ("C", "C"), ("D", "D")],
                db_index=True,
                max_length=1,
                verbose_name="tier",
            ),
        ),
        migrations.AlterField(
            model_name="tierrule",
            name="tier",
            field=models.CharField(
                choices=[("A", "A"), ("B", "B"), ("C", "C"), ("D", "D")],
                max_length=1,
                unique=True,
                verbose_name="tier",
            ),
        ),
        migrations.RunPython(name_tiers, migrations.RunPython.noop),
    ]
