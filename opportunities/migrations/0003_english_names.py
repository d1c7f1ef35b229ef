"""English names for the funnel stages and the seeded lost reasons."""

from django.db import migrations, models

STAGE_NAMES = {
    1: "Identified",
    2: "Engaged",
    3: "Qualified",
    4: "Developed",
    5: "Committed",
    6: "Won & collected",
}
LOST_REASON_NAMES = {
    "价格偏高": "Price too high",
    "技术方案不符": "Solution does not fit",
    "客户关系不足": "Relationship too weak",
    "交期无法满足": "Delivery date cannot be met",
    "预算取消或项目搁置": "Budget cancelled or project on hold",
    "竞争对手更强": "Competitor was stronger",
    "其他": "Other",
}


def name_in_english(apps, schema_editor):
    """Fill only what is empty, so names an admin has edited stay (also rerun by tests)."""
    FunnelStage = apps.get_model("opportunities", "FunnelStage")
    for level, name_en in STAGE_NAMES.items():
        FunnelStage.objects.filter(level=level, name_en="").update(name_en=name_en)
    LostReason = apps.get_model("opportunities", "LostReason")
    for name, name_en in LOST_REASON_NAMES.items():
        LostReason.objects.filter(name=name, name_en="").update(name_en=name_en)


class Migration(migrations.Migration):
    dependencies = [
        ("opportunities", "0002_funnel_defaults"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="checklisttick",
            options={"verbose_name": "checklist tick", "verbose_name_plural": "checklist ticks"},
        ),
        migrations.AddField(
            model_name="funnelstage",
            name="name_en",
            field=models.CharField(
                blank=True,
                help_text="Shown when the interface is in English; empty: the Chinese name is shown.",
                max_length=100,
                verbose_name="English name",
            ),
        ),
        migrations.AddField(
            model_name="historicalfunnelstage",
            name="name_en",
            field=models.CharField(
                blank=True,
                help_text="Shown when the interface is in English; empty: the Chinese name is shown.",
                max_length=100,
                verbose_name="English name",
            ),
        ),
        migrations.AddField(
            model_name="lostreason",
            name="name_en",
            field=models.CharField(
                blank=True,
                help_text="Shown when the interface is in English; empty: the Chinese name is shown.",
                max_length=100,
                verbose_name="English name",
            ),
        ),
        migrations.RunPython(name_in_english, migrations.RunPython.noop),
    ]
