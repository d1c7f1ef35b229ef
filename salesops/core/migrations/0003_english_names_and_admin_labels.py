"""English names for the seven seeded regions; Chinese labels for heartbeats in admin."""

from django.db import migrations, models

REGION_NAMES = {
    "华东": "East China",
    "华北": "North China",
    "华中": "Central China",
    "华南": "South China",
    "西南": "Southwest",
    "西北": "Northwest",
    "东北": "Northeast",
}


def name_in_english(apps, schema_editor):
    """Fill only what is empty, so names an admin has edited stay (also rerun by tests)."""
    Region = apps.get_model("core", "Region")
    for name, name_en in REGION_NAMES.items():
        Region.objects.filter(name=name, name_en="").update(name_en=name_en)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_regions"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalregion",
            name="name_en",
            field=models.CharField(
                blank=True,
                help_text="Shown when the interface is in English; empty: the Chinese name is shown.",
                max_length=100,
                verbose_name="English name",
            ),
        ),
        migrations.AddField(
            model_name="region",
            name="name_en",
            field=models.CharField(
                blank=True,
                help_text="Shown when the interface is in English; empty: the Chinese name is shown.",
                max_length=100,
                verbose_name="English name",
            ),
        ),
        migrations.AlterField(
            model_name="heartbeat",
            name="last_seen",
            field=models.DateTimeField(verbose_name="last seen"),
        ),
        migrations.AlterField(
            model_name="heartbeat",
            name="name",
            field=models.CharField(max_length=50, unique=True, verbose_name="name"),
        ),
        migrations.RunPython(name_in_english, migrations.RunPython.noop),
    ]
