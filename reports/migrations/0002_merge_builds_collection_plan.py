# The two initial migrations of issue 12's parallel branches (background builds, the collection
# plan split) touch different tables; this joins them so the graph has one leaf.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_builds"),
        ("reports", "0001_collection_plan"),
    ]

    operations = []
