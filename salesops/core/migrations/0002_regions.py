"""Seeds the seven standard sales regions (editable afterwards in admin)."""

from django.db import migrations

REGIONS = ["华东", "华北", "华中", "华南", "西南", "西北", "东北"]


def create_regions(apps, schema_editor):
    Region = apps.get_model("core", "Region")
    for order, name in enumerate(REGIONS, start=1):
        Region.objects.get_or_create(name=name, defaults={"sort_order": order})


def remove_regions(apps, schema_editor):
    apps.get_model("core", "Region").objects.filter(name__in=REGIONS).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(create_regions, remove_regions)]
