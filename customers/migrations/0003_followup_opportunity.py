"""Once added FollowUp.opportunity, a link from customers up into opportunities.

The link now lives in opportunities (DealFollowUp, opportunities.0004_deal_followup, which also
moves the links of databases that applied the old version of this migration and drops its
columns). The migration keeps its name and place so those databases stay consistent; it does
nothing any more.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0002_tier_rules"),
    ]

    operations = []
