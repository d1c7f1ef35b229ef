"""Joins the two first migrations of the reports app written side by side (issue 12): the
background PDF builds and rep's plans with the weekly-report subscriptions. Nothing to apply."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_builds"),
        ("reports", "0001_plans"),
    ]

    operations = []
