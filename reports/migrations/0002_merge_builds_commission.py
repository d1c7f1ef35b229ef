# Joins the two initial migrations of issue 12's parallel branches (report builds, commission);
# neither depends on the other.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_builds"),
        ("reports", "0001_commission"),
    ]

    operations = []
